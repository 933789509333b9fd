package dev.zdd.sandbox;

import dev.zdd.platform.ContainerState;
import dev.zdd.platform.ServiceState;
import dev.zdd.sandbox.Orchestrator.ActionInfo;
import dev.zdd.sandbox.Orchestrator.ContainerInfo;
import dev.zdd.sandbox.Orchestrator.NodeInfo;
import dev.zdd.sandbox.Orchestrator.ServiceInfo;
import dev.zdd.sandbox.Orchestrator.StackInfo;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON objects of the API, with every field of Tutum's documented examples (and of Docker Cloud's, in its
 * dialect) and a value that is true of the sandbox. A setting the sandbox's containers don't have reads as Tutum
 * showed an unset one: {@code ""}, {@code []}, {@code {}}, {@code false}, or {@code null} for numbers.
 */
final class Representations {

    /** The one address of everything the sandbox runs: its node, its containers, its load balancer. */
    static final String HOST = "127.0.0.1";
    private static final DateTimeFormatter DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss '+0000'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final Orchestrator platform;
    private final URI loadBalancer;
    private final URI apiBase;
    private final Clock clock;

    /**
     * @param loadBalancer what services publish as their endpoint, or null
     * @param apiBase      the API's own URL, for the {@code *_API_URL} link variables
     */
    Representations(Orchestrator platform, URI loadBalancer, URI apiBase, Clock clock) {
        this.platform = platform;
        this.loadBalancer = loadBalancer;
        this.apiBase = apiBase;
        this.clock = clock;
    }

    static String date(Instant instant) {
        return instant == null ? null : DATE.format(instant);
    }

    static Instant parseDate(Object text) {
        return text == null ? null : Instant.from(DATE.parse(text.toString()));
    }

    Map<String, Object> service(ServiceInfo s, Dialect d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", s.uuid());
        o.put("resource_uri", d.uri("service", s.uuid()));
        o.put("name", s.name());
        o.put("nickname", s.name());
        o.put("image_name", s.image());
        if (!d.dockerCloud()) {
            o.put("image_tag", imageTag(s.image()));
        }
        o.put("state", s.state().label());
        o.put("synchronized", true);
        o.put("public_dns", HOST);
        o.put("stack", s.stackUuid() == null ? null : d.uri("stack", s.stackUuid()));
        o.put("containers", s.containerUuids().stream().map(uuid -> d.uri("container", uuid)).toList());
        o.put("container_ports", loadBalancer == null ? List.of() : List.of(servicePort()));
        o.put("target_num_containers", s.target());
        o.put("current_num_containers", s.current());
        o.put("running_num_containers", s.running());
        o.put("stopped_num_containers", s.stopped());
        o.put("deployed_datetime", date(s.deployed()));
        o.put("started_datetime", date(s.started()));
        o.put("stopped_datetime", date(s.stoppedAt()));
        o.put("destroyed_datetime", null);
        o.put("container_envvars", List.of());
        o.put("link_variables", serviceLinkVariables(s, d));
        o.put("linked_to_service", List.of());
        o.put("linked_from_service", List.of());
        o.put("bindings", List.of());
        o.put("roles", List.of());
        o.put("tags", List.of());
        o.put("deployment_strategy", "EMPTIEST_NODE");
        // Its containers start, stop and are replaced one after another.
        o.put("sequential_deployment", true);
        o.put("autorestart", "OFF");
        o.put("autodestroy", "OFF");
        o.put("autoredeploy", false);
        runtimeSettings(o);
        return o;
    }

    Map<String, Object> container(ContainerInfo c, Dialect d) {
        Map<String, Object> o = new LinkedHashMap<>();
        NodeInfo node = platform.node();
        String service = platform.service(c.serviceUuid()).map(ServiceInfo::name).orElse(c.name());
        o.put("uuid", c.uuid());
        o.put("resource_uri", d.uri("container", c.uuid()));
        o.put("name", c.name());
        o.put("service", d.uri("service", c.serviceUuid()));
        o.put("node", d.uri("node", node.uuid()));
        // The tag it was started from; the digest it pulled shows in its answers (X-Sandbox-Image).
        String image = c.image().contains("@") ? c.image().substring(0, c.image().indexOf('@')) : c.image();
        o.put("image_name", image);
        if (!d.dockerCloud()) {
            o.put("image_tag", imageTag(image));
            // No metrics are gathered per container: they all run in the sandbox's one process.
            o.put("last_metric", null);
        }
        o.put("state", c.state().label());
        o.put("synchronized", true);
        o.put("exit_code", c.exitCode());
        o.put("exit_code_msg", c.exitMessage());
        o.put("private_ip", HOST);
        o.put("public_dns", HOST);
        o.put("container_ports", List.of(containerPort(c.port())));
        o.put("deployed_datetime", date(c.deployed()));
        o.put("started_datetime", date(c.started()));
        o.put("stopped_datetime", date(c.stopped()));
        o.put("destroyed_datetime", date(c.destroyed()));
        o.put("container_envvars", List.of());
        Map<String, Object> links = new LinkedHashMap<>();
        if (c.state() != ContainerState.TERMINATED) {
            links.putAll(portVariables(c.name(), c.port()));
            links.putAll(portVariables(service, c.port()));
        }
        o.put("link_variables", links);
        o.put("linked_to_container", List.of());
        o.put("bindings", List.of());
        o.put("roles", List.of());
        o.put("autorestart", "OFF");
        o.put("autodestroy", "OFF");
        o.put("pid", "none");
        runtimeSettings(o);
        return o;
    }

    /** The settings a Docker container is run with (Docker's {@code run} options), none of them set. */
    private static void runtimeSettings(Map<String, Object> o) {
        // The containers are servers on the sandbox's own loopback address: the host's network, not a bridge.
        o.put("net", "host");
        o.put("privileged", false);
        o.put("read_only", false);
        o.put("run_command", "");
        o.put("entrypoint", "");
        o.put("working_dir", "");
        o.put("user", "");
        o.put("hostname", "");
        o.put("domainname", "");
        o.put("mac_address", "");
        o.put("cpu_shares", null);
        o.put("cpuset", "");
        o.put("memory", null);
        o.put("memory_swap", null);
        o.put("cgroup_parent", "");
        o.put("dns", List.of());
        o.put("dns_search", List.of());
        o.put("cap_add", List.of());
        o.put("cap_drop", List.of());
        o.put("devices", List.of());
        o.put("extra_hosts", List.of());
        o.put("security_opt", List.of());
        o.put("labels", Map.of());
        o.put("tty", false);
        o.put("stdin_open", false);
    }

    private Map<String, Object> servicePort() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("protocol", "tcp");
        o.put("inner_port", loadBalancer.getPort());
        o.put("outer_port", loadBalancer.getPort());
        o.put("port_name", "http");
        o.put("endpoint_uri", loadBalancer.toString());
        o.put("published", true);
        return o;
    }

    /** A container listens on its port on the host's network: inside and outside are the same port. */
    private static Map<String, Object> containerPort(int port) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("protocol", "tcp");
        o.put("inner_port", port);
        o.put("outer_port", port);
        o.put("port_name", "http");
        o.put("uri_protocol", "http");
        o.put("endpoint_uri", "http://" + HOST + ":" + port + "/");
        o.put("published", true);
        return o;
    }

    /** What a linked container would be given: each container's address, the service's (its first container's). */
    private Map<String, Object> serviceLinkVariables(ServiceInfo s, Dialect d) {
        Map<String, Object> links = new LinkedHashMap<>();
        List<ContainerInfo> current = new ArrayList<>();
        s.containerUuids().forEach(uuid -> platform.container(uuid).ifPresent(current::add));
        current.forEach(c -> links.putAll(portVariables(c.name(), c.port())));
        if (!current.isEmpty()) {
            links.putAll(portVariables(s.name(), current.get(0).port()));
        }
        links.put(variable(s.name()) + d.apiUrlVariable(), apiBase.resolve(d.uri("service", s.uuid())).toString());
        return links;
    }

    private static Map<String, Object> portVariables(String name, int port) {
        String prefix = variable(name);
        String address = "tcp://" + HOST + ":" + port;
        Map<String, Object> links = new LinkedHashMap<>();
        links.put(prefix + "_PORT", address);
        links.put(prefix + "_PORT_" + port + "_TCP", address);
        links.put(prefix + "_PORT_" + port + "_TCP_ADDR", HOST);
        links.put(prefix + "_PORT_" + port + "_TCP_PORT", Integer.toString(port));
        links.put(prefix + "_PORT_" + port + "_TCP_PROTO", "tcp");
        return links;
    }

    private static String variable(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Tutum's URI of an image's tag, {@code /api/v1/image/<repository>/tag/<tag>/} (the sandbox serves none). */
    private static String imageTag(String image) {
        int colon = image.lastIndexOf(':');
        boolean tagged = colon > image.lastIndexOf('/');
        return Dialect.TUTUM_PREFIX + "image/" + (tagged ? image.substring(0, colon) : image) + "/tag/"
               + (tagged ? image.substring(colon + 1) : "latest") + "/";
    }

    Map<String, Object> stack(StackInfo s, Dialect d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", s.uuid());
        o.put("resource_uri", d.uri("stack", s.uuid()));
        o.put("name", s.name());
        o.put("nickname", s.name());
        // Stacks spell this one state with a capital R.
        o.put("state", s.state() == ServiceState.NOT_RUNNING ? "Not Running" : s.state().label());
        o.put("synchronized", true);
        o.put("services", s.serviceUuids().stream().map(uuid -> d.uri("service", uuid)).toList());
        o.put("deployed_datetime", date(s.deployed()));
        o.put("destroyed_datetime", null);
        return o;
    }

    Map<String, Object> action(ActionInfo a, Dialect d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", a.uuid());
        o.put("resource_uri", d.uri("action", a.uuid()));
        o.put("object", d.uri(a.object().type(), a.object().uuid()));
        o.put("action", a.name());
        o.put("method", a.method());
        o.put("path", a.path());
        o.put("user_agent", a.userAgent() == null ? "" : a.userAgent());
        o.put("start_date", date(a.start()));
        o.put("end_date", date(a.end()));
        o.put("state", a.state().label());
        o.put("ip", a.ip());
        o.put("location", "zdd sandbox");
        if (d.dockerCloud()) {
            o.put("user", d.namespace());
        } else {
            o.put("body", a.body());
        }
        o.put("is_user_action", true);
        // Neither cancel nor retry is one the sandbox performs.
        o.put("can_be_canceled", false);
        o.put("can_be_retried", false);
        return o;
    }

    /** The machine the sandbox runs on, as the one node its containers are deployed to. */
    Map<String, Object> node(Dialect d) {
        NodeInfo node = platform.node();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", node.uuid());
        o.put("resource_uri", d.uri("node", node.uuid()));
        o.put("external_fqdn", "localhost");
        o.put("nickname", "localhost");
        o.put("public_ip", HOST);
        o.put("state", "Deployed");
        o.put("node_cluster", d.uri("nodecluster", node.clusterUuid()));
        // A node of one's own, from no cloud provider: no node type, region or availability zone.
        o.put("node_type", null);
        o.put("region", null);
        o.put("availability_zone", null);
        // No Docker Engine runs the sandbox's containers: it does itself.
        o.put("docker_execdriver", "zdd-sandbox");
        o.put("docker_graphdriver", "none");
        o.put("docker_version", "none");
        Machine machine = Machine.now();
        o.put("cpu", machine.cpus());
        o.put("memory", machine.memoryMb());
        o.put("disk", machine.diskGb());
        o.put("last_metric", machine.metric());
        o.put("current_num_containers", platform.containers().stream()
                .filter(c -> c.state() != ContainerState.TERMINATED).count());
        o.put("last_seen", date(clock.instant()));
        o.put("tunnel", null);
        o.put("deployed_datetime", date(node.deployed()));
        o.put("destroyed_datetime", null);
        o.put("tags", List.of());
        return o;
    }

    Map<String, Object> nodeCluster(Dialect d) {
        NodeInfo node = platform.node();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("uuid", node.clusterUuid());
        o.put("resource_uri", d.uri("nodecluster", node.clusterUuid()));
        o.put("name", node.clusterName());
        o.put("nickname", node.clusterName());
        o.put("state", "Deployed");
        o.put("nodes", List.of(d.uri("node", node.uuid())));
        o.put("current_num_nodes", 1);
        o.put("target_num_nodes", 1);
        o.put("node_type", null);
        o.put("region", null);
        o.put("disk", Machine.now().diskGb());
        o.put("provider_options", Map.of());
        o.put("deployed_datetime", date(node.deployed()));
        o.put("destroyed_datetime", null);
        o.put("tags", List.of());
        return o;
    }

    /** The machine's size and load, as the node reports them. */
    private record Machine(int cpus, long memoryMb, long diskGb, Map<String, Object> metric) {

        static Machine now() {
            int cpus = Runtime.getRuntime().availableProcessors();
            long memory = 0;
            long freeMemory = 0;
            double cpuLoad = 0;
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                memory = os.getTotalMemorySize();
                freeMemory = os.getFreeMemorySize();
                cpuLoad = Math.max(0, os.getCpuLoad());
            }
            File disk = new File(".").getAbsoluteFile();
            long diskTotal = disk.getTotalSpace();
            long diskUsed = Math.max(0, diskTotal - disk.getUsableSpace());
            Map<String, Object> metric = new LinkedHashMap<>();
            metric.put("cpu", cpuLoad * 100);
            metric.put("disk", diskUsed);
            metric.put("memory", Math.max(0, memory - freeMemory));
            return new Machine(cpus, memory / (1 << 20), diskTotal / (1L << 30), metric);
        }
    }
}
