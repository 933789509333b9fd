package dev.zdd.platform.swarm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.platform.PlatformException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The three-node Swarm of {@code .ci/cluster-up} (nodes node1..node3, node1's socket first in ZDD_CLUSTER_HOSTS),
 * for the cluster integration tests: brought to the shape a test needs (every node up, Ready and Active, one manager
 * or three) by running cluster-up again, which also repairs what an earlier test broke; services made through
 * whichever manager answers; nodes drained or killed as a test asks.
 */
final class TestCluster implements AutoCloseable {

    static final int NODES = 3;
    private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(150);

    final List<URI> sockets;
    final TestSwarm swarm;
    final DockerApi api;
    private final int managers;

    private TestCluster(List<URI> sockets, int managers) {
        this.sockets = sockets;
        this.managers = managers;
        // Through every node in turn, so that the test itself goes on when a manager dies.
        this.swarm = TestSwarm.at(new SwarmConfig(sockets, false, null, false, null, null, false));
        this.api = swarm.api;
    }

    /**
     * The cluster with {@code managers} managers (1 or 3), every node up. Without ZDD_CLUSTER_HOSTS the test is
     * skipped, except under CI, where it fails: a green CI must mean the cluster tests ran.
     */
    static TestCluster connect(int managers) throws Exception {
        String hosts = System.getenv("ZDD_CLUSTER_HOSTS");
        if (hosts == null || hosts.isBlank()) {
            String message = "no cluster: ZDD_CLUSTER_HOSTS is not set (start one with: eval \"$(.ci/cluster-up)\")";
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            assumeTrue(false, message);
        }
        List<URI> sockets = SwarmConfig.parseHosts(hosts);
        if (sockets.size() != NODES) {
            throw new AssertionError("ZDD_CLUSTER_HOSTS names " + sockets.size() + " nodes, not " + NODES);
        }
        script(".ci/cluster-up", "--managers", String.valueOf(managers));
        TestCluster cluster = new TestCluster(sockets, managers);
        cluster.removeLeftovers();
        return cluster;
    }

    /** Test services that an earlier run could not remove (it was killed, say) would clash by name. */
    private void removeLeftovers() {
        String labelled = "/services?filters=" + DockerApi.query(Map.of("label", List.of(TestSwarm.TEST_LABEL)));
        for (JsonNode service : api.get(labelled)) {
            api.delete("/services/" + service.path("ID").asText());
        }
    }

    /** The socket of node N (1-based). */
    URI socket(int node) {
        return sockets.get(node - 1);
    }

    /** The managers' sockets as zdd takes them, comma-separated, the leader first. */
    String managerHosts() {
        List<String> hosts = new ArrayList<>();
        int leader = leader();
        hosts.add(socket(leader).toString());
        for (int n = 1; n <= managers; n++) {
            if (n != leader) {
                hosts.add(socket(n).toString());
            }
        }
        return String.join(",", hosts);
    }

    /** The node number of the leader. */
    int leader() {
        for (JsonNode node : api.get("/nodes")) {
            if (node.path("ManagerStatus").path("Leader").asBoolean(false)) {
                return number(node);
            }
        }
        throw new AssertionError("no leader among " + api.get("/nodes"));
    }

    /** Node id to node number, from the hostnames nodeN that cluster-up gives. */
    Map<String, Integer> nodeNumbers() {
        Map<String, Integer> numbers = new HashMap<>();
        api.get("/nodes").forEach(node -> numbers.put(node.path("ID").asText(), number(node)));
        return numbers;
    }

    private static int number(JsonNode node) {
        return Integer.parseInt(node.path("Description").path("Hostname").asText().replace("node", ""));
    }

    /**
     * busybox httpd, replica N on 127.0.0.1:(basePort + N) (the nodes share the host's ports), at most one per
     * node, a second of start-up before it listens, Swarm's update one task at a time, stop-first.
     */
    ObjectNode httpd(String name, int basePort, int replicas, String failureAction) {
        ObjectNode spec = swarm.httpd(name, basePort, replicas);
        ObjectNode task = (ObjectNode) spec.path("TaskTemplate");
        task.putObject("Placement").put("MaxReplicas", 1);
        ArrayNode command = (ArrayNode) task.path("ContainerSpec").path("Command");
        command.set(2, command.textNode("sleep 1; " + command.get(2).asText()));
        ((ObjectNode) spec.path("UpdateConfig")).put("FailureAction", failureAction)
                .put("Delay", 1_000_000_000L);
        return spec;
    }

    /** The tasks Swarm wants running, by slot: "node:state:spec" for the assertion messages. */
    Map<Integer, String> placement(String serviceId) {
        Map<String, Integer> numbers = nodeNumbers();
        Map<Integer, String> slots = new java.util.TreeMap<>();
        JsonNode service = swarm.inspect(serviceId);
        long force = service.path("Spec").path("TaskTemplate").path("ForceUpdate").asLong(0);
        for (JsonNode task : swarm.tasks(serviceId)) {
            if ("running".equals(task.path("DesiredState").asText())) {
                slots.put(task.path("Slot").asInt(), "node" + numbers.get(task.path("NodeID").asText()) + ":"
                        + task.path("Status").path("State").asText() + ":"
                        + (task.path("Spec").path("ForceUpdate").asLong(0) == force ? "new" : "old"));
            }
        }
        return slots;
    }

    /** Which node number runs each slot of the service now (desired running), and in which state. */
    Map<Integer, Integer> nodesOf(String serviceId) {
        Map<String, Integer> numbers = nodeNumbers();
        Map<Integer, Integer> slots = new LinkedHashMap<>();
        for (JsonNode task : swarm.tasks(serviceId)) {
            if ("running".equals(task.path("DesiredState").asText()) && task.path("NodeID").isTextual()) {
                slots.put(task.path("Slot").asInt(), numbers.get(task.path("NodeID").asText()));
            }
        }
        return slots;
    }

    /** Sets node N's availability to drain, as {@code docker node update --availability drain} does. */
    void drain(int node) {
        for (JsonNode each : api.get("/nodes")) {
            if (number(each) == node) {
                ObjectNode spec = (ObjectNode) each.path("Spec").deepCopy();
                spec.put("Availability", "drain");
                api.post("/nodes/" + each.path("ID").asText() + "/update?version="
                         + each.path("Version").path("Index").asLong(), spec);
                return;
            }
        }
        throw new AssertionError("no node" + node);
    }

    /** Kills node N at once, as a machine dies: its dockerd, containerd and containers (cluster-down --kill). */
    void kill(int node) throws Exception {
        script(".ci/cluster-down", "--kill", String.valueOf(node));
    }

    private static void script(String... command) throws Exception {
        Path log = Files.createTempFile("zdd-cluster", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not finish within " + SCRIPT_LIMIT + ":\n"
                                         + Files.readString(log));
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " exited " + process.exitValue() + ":\n"
                                         + Files.readString(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Removes the services, then brings every node back (a test may have killed or drained one) with one manager,
     * so that the next test finds the cluster as cluster-up leaves it.
     */
    @Override
    public void close() throws Exception {
        try {
            swarm.removeAll();
        } catch (PlatformException e) {
            // a cluster without a manager can't remove them now; cluster-up below brings one back, and the
            // services' next test removes its own by name
        } finally {
            try {
                script(".ci/cluster-up", "--managers", "1");
            } finally {
                swarm.close();
            }
        }
    }
}
