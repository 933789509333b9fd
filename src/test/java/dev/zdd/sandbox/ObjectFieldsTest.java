package dev.zdd.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Item 3 of issue 17: every field of the documented examples (Tutum's service, container, action, stack, node and
 * node cluster; Docker Cloud's service, container and action), with null only where Tutum had null, and the one
 * node that tutum-cli's {@code service ps} and {@code container ps} look containers up in.
 */
@Timeout(20)
class ObjectFieldsTest {

    static final Set<String> SERVICE = Set.of("autodestroy", "autoredeploy", "autorestart", "bindings", "cap_add",
            "cap_drop", "cgroup_parent", "container_envvars", "container_ports", "containers", "cpu_shares", "cpuset",
            "current_num_containers", "deployed_datetime", "deployment_strategy", "destroyed_datetime", "devices",
            "dns", "dns_search", "domainname", "entrypoint", "extra_hosts", "hostname", "image_name", "image_tag",
            "labels", "link_variables", "linked_from_service", "linked_to_service", "mac_address", "memory",
            "memory_swap", "name", "net", "nickname", "privileged", "public_dns", "read_only", "resource_uri", "roles",
            "run_command", "running_num_containers", "security_opt", "sequential_deployment", "stack",
            "started_datetime", "state", "stdin_open", "stopped_datetime", "stopped_num_containers", "synchronized",
            "tags", "target_num_containers", "tty", "user", "uuid", "working_dir");
    static final Set<String> CONTAINER = Set.of("autodestroy", "autorestart", "bindings", "cap_add", "cap_drop",
            "cgroup_parent", "container_envvars", "container_ports", "cpu_shares", "cpuset", "deployed_datetime",
            "destroyed_datetime", "devices", "dns", "dns_search", "domainname", "entrypoint", "exit_code",
            "exit_code_msg", "extra_hosts", "hostname", "image_name", "image_tag", "labels", "last_metric",
            "link_variables", "linked_to_container", "mac_address", "memory", "memory_swap", "name", "net", "node",
            "pid", "private_ip", "privileged", "public_dns", "read_only", "resource_uri", "roles", "run_command",
            "security_opt", "service", "started_datetime", "state", "stdin_open", "stopped_datetime", "synchronized",
            "tty", "user", "uuid", "working_dir");
    /** The example's 15, and {@code can_be_retried}, which the attribute table lists. */
    static final Set<String> ACTION = Set.of("action", "body", "can_be_canceled", "can_be_retried", "end_date", "ip",
            "is_user_action", "location", "method", "object", "path", "resource_uri", "start_date", "state",
            "user_agent", "uuid");
    static final Set<String> STACK = Set.of("deployed_datetime", "destroyed_datetime", "name", "nickname",
            "resource_uri", "services", "state", "synchronized", "uuid");
    static final Set<String> NODE = Set.of("availability_zone", "cpu", "current_num_containers", "deployed_datetime",
            "destroyed_datetime", "disk", "docker_execdriver", "docker_graphdriver", "docker_version",
            "external_fqdn", "last_seen", "memory", "nickname", "last_metric", "node_cluster", "node_type",
            "public_ip", "region", "resource_uri", "state", "tags", "tunnel", "uuid");
    static final Set<String> NODE_CLUSTER = Set.of("current_num_nodes", "deployed_datetime", "destroyed_datetime",
            "disk", "nickname", "name", "node_type", "nodes", "region", "resource_uri", "state", "tags",
            "target_num_nodes", "uuid", "provider_options");

    /**
     * Where Tutum had null: the examples' dates and exit codes; unset {@code cpu_shares}, {@code memory} and
     * {@code memory_swap} (the SDKs' fixtures); {@code stack} outside a stack and {@code end_date} while running
     * (the attribute tables); a node's {@code tunnel} and {@code availability_zone} ("or null otherwise", "if
     * any"). The sandbox's own: a node from no provider has no {@code node_type} or {@code region}, and no
     * container reports {@code last_metric}.
     */
    static final Map<String, Set<String>> MAY_BE_NULL = Map.of(
            "service", Set.of("destroyed_datetime", "stopped_datetime", "cpu_shares", "memory", "memory_swap",
                    "stack"),
            "container", Set.of("destroyed_datetime", "stopped_datetime", "exit_code", "exit_code_msg", "cpu_shares",
                    "memory", "memory_swap", "last_metric", "started_datetime"),
            "action", Set.of("end_date"),
            "stack", Set.of("destroyed_datetime"),
            "node", Set.of("destroyed_datetime", "tunnel", "availability_zone", "node_type", "region"),
            "nodecluster", Set.of("destroyed_datetime", "node_type", "region"));

    private Sandbox sandbox;
    private ApiClient api;

    @BeforeEach
    void start() throws Exception {
        sandbox = Sandbox.builder().services(List.of("web.shop", "solo")).containersPerService(2)
                .bootTime(Duration.ofMillis(20)).warmup(Duration.ZERO).build().start();
        api = new ApiClient(sandbox);
        String action = api.post(api.service("solo").path("resource_uri").asText() + "redeploy/")
                .header("X-Tutum-Action-URI");
        api.await(action, a -> a.path("state").asText().equals("Success"), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        sandbox.close();
    }

    @Test
    void tutumObjectsCarryEveryFieldOfTheExamples_nullOnlyWhereTutumHadNull() {
        assertFields("service", objects("/api/v1/service/"), SERVICE);
        assertFields("container", objects("/api/v1/container/"), CONTAINER);
        assertFields("action", objects("/api/v1/action/"), ACTION);
        assertFields("stack", objects("/api/v1/stack/"), STACK);
        assertFields("node", objects("/api/v1/node/"), NODE);
        assertFields("nodecluster", objects("/api/v1/nodecluster/"), NODE_CLUSTER);
    }

    @Test
    void dockerCloudObjectsCarryEveryFieldOfItsExamples() {
        Set<String> service = new java.util.HashSet<>(SERVICE);
        service.remove("image_tag");
        Set<String> container = new java.util.HashSet<>(CONTAINER);
        container.removeAll(Set.of("image_tag", "last_metric"));
        Set<String> action = new java.util.HashSet<>(ACTION);
        action.remove("body");
        action.add("user");

        assertFields("service", objects("/api/app/v1/service/"), service);
        assertFields("container", objects("/api/app/v1/sandbox/container/"), container);
        assertFields("action", objects("/api/audit/v1/action/"), action);
        assertThat(objects("/api/audit/v1/action/").get(0).path("user").asText()).isEqualTo("sandbox");
    }

    @Test
    void valuesAreTrue_addressesPortsAndDatesAsTheClientsReadThem() {
        JsonNode web = api.service("web");
        assertThat(web.path("public_dns").asText()).isEqualTo("127.0.0.1");
        assertThat(web.path("image_name").asText()).contains(":");
        assertThat(web.path("stack").asText()).startsWith("/api/v1/stack/");
        assertThat(web.path("link_variables").path("WEB_TUTUM_API_URL").asText())
                .isEqualTo(sandbox.apiUrl() + web.path("resource_uri").asText());
        JsonNode container = api.get(web.path("containers").get(0).asText()).json();
        JsonNode port = container.path("container_ports").get(0);
        assertThat(port.path("outer_port").isInt()).isTrue();
        assertThat(port.path("inner_port").isInt()).isTrue();
        assertThat(port.path("endpoint_uri").asText()).isEqualTo("http://127.0.0.1:" + port.path("outer_port").asInt()
                                                                  + "/");
        assertThat(container.path("public_dns").asText()).isEqualTo("127.0.0.1");
        assertThat(container.path("link_variables").path("WEB_1_PORT").asText())
                .isEqualTo("tcp://127.0.0.1:" + port.path("outer_port").asInt());
        assertThat(container.path("started_datetime").asText())
                .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} \\+0000");
        JsonNode action = objects("/api/v1/action/").get(0);
        assertThat(action.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(action.path("user_agent").asText()).isEqualTo("zdd-test/1");
        assertThat(action.path("method").asText()).isEqualTo("POST");
        assertThat(action.path("path").asText()).endsWith("/redeploy/");
    }

    @Test
    void servesOneLocalNodeAndItsCluster_whichEveryContainerNames_asTutumClisPsCommandsNeed() {
        List<JsonNode> nodes = objects("/api/v1/node/");
        List<JsonNode> clusters = objects("/api/v1/nodecluster/");

        assertThat(nodes).hasSize(1);
        assertThat(clusters).hasSize(1);
        JsonNode node = nodes.get(0);
        String nodeUri = node.path("resource_uri").asText();
        assertThat(nodeUri).matches("/api/v1/node/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/");
        assertThat(objects("/api/v1/container/")).allSatisfy(c -> assertThat(c.path("node").asText())
                .isEqualTo(nodeUri));
        assertThat(api.get(nodeUri).json().path("uuid").asText()).isEqualTo(node.path("uuid").asText());
        assertThat(node.path("state").asText()).isEqualTo("Deployed");
        assertThat(node.path("cpu").asInt()).isPositive();
        assertThat(node.path("current_num_containers").asInt()).isEqualTo(4);
        JsonNode cluster = api.get(node.path("node_cluster").asText()).json();
        assertThat(cluster.path("resource_uri").asText()).isEqualTo(clusters.get(0).path("resource_uri").asText());
        assertThat(cluster.path("nodes").get(0).asText()).isEqualTo(nodeUri);
        assertThat(cluster.path("current_num_nodes").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/node/?node_cluster=" + cluster.path("resource_uri").asText()).json()
                .path("objects")).hasSize(1);
        assertThat(api.get("/api/v1/node/00000000-0000-4000-8000-000000000000/").status()).isEqualTo(404);
        assertThat(objects("/api/infra/v1/sandbox/node/").get(0).path("resource_uri").asText())
                .isEqualTo("/api/infra/v1/sandbox/node/" + node.path("uuid").asText() + "/");
        assertThat(objects("/api/app/v1/container/").get(0).path("node").asText())
                .startsWith("/api/infra/v1/sandbox/node/");
    }

    private List<JsonNode> objects(String path) {
        ApiClient.Answer answer = api.get(path);
        assertThat(answer.status()).as("GET %s", path).isEqualTo(200);
        List<JsonNode> objects = new ArrayList<>();
        answer.json().path("objects").forEach(objects::add);
        assertThat(objects).as("GET %s", path).isNotEmpty();
        return objects;
    }

    private static void assertFields(String type, List<JsonNode> objects, Set<String> expected) {
        for (JsonNode object : objects) {
            List<String> fields = new ArrayList<>();
            object.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).as("%s %s", type, object.path("resource_uri")).containsAll(expected);
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getValue().isNull()) {
                    assertThat(MAY_BE_NULL.get(type)).as("%s.%s is null", type, field.getKey())
                            .contains(field.getKey());
                }
            }
        }
    }
}
