package dev.zdd.platform.swarm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.platform.PlatformException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The real single-node Swarm that {@code .ci/swarm-up} starts, for the integration tests: creates busybox httpd
 * services on loopback ports with the host network, and removes every one it created.
 */
final class TestSwarm implements AutoCloseable {

    static final String IMAGE = System.getenv().getOrDefault("ZDD_SWARM_IMAGE", "zdd-busybox:latest");
    static final String TEST_LABEL = "dev.zdd.test";
    private static final long SECOND = 1_000_000_000L;

    final SwarmConfig config;
    final DockerApi api;
    private final List<String> created = new ArrayList<>();

    private TestSwarm(SwarmConfig config) {
        this.config = config;
        this.api = new DockerApi(config);
    }

    /**
     * Connects to DOCKER_HOST and checks that it is a Swarm manager with the test image. Without one, the tests are
     * skipped with a message, except under CI, where they must fail: a green CI must mean they ran.
     */
    static TestSwarm connect() {
        SwarmConfig config = SwarmConfig.fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
        TestSwarm swarm = new TestSwarm(config);
        String problem = swarm.problem();
        if (problem != null) {
            swarm.close();
            String message = "no usable Docker Swarm at " + config.dockerHost() + ": " + problem
                             + " (bin/test starts one, as root; or: eval \"$(.ci/swarm-up)\")";
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            assumeTrue(false, message);
        }
        return swarm;
    }

    /** A swarm at {@code config}, unchecked: {@link TestCluster} checks its own. */
    static TestSwarm at(SwarmConfig config) {
        return new TestSwarm(config);
    }

    private String problem() {
        try {
            JsonNode swarm = api.get("/info").path("Swarm");
            if (!"active".equals(swarm.path("LocalNodeState").asText()) || !swarm.path("ControlAvailable").asBoolean()) {
                return "the engine is not a Swarm manager";
            }
            api.get("/images/" + IMAGE + "/json");
            return null;
        } catch (PlatformException e) {
            return e.getMessage();
        }
    }

    /**
     * A spec for busybox httpd, replica N on 127.0.0.1:(basePort + N) (host network: replicas on one node need
     * ports of their own), with quick stops and a short update monitor.
     */
    ObjectNode httpd(String name, int basePort, int replicas) {
        ObjectNode spec = DockerApi.json().createObjectNode();
        spec.put("Name", name);
        spec.putObject("Labels").put(TEST_LABEL, "1");
        ObjectNode task = spec.putObject("TaskTemplate");
        ObjectNode container = task.putObject("ContainerSpec");
        container.put("Image", IMAGE);
        container.putArray("Command").add("/bin/sh").add("-c")
                .add("exec httpd -f -p 127.0.0.1:$((" + basePort + " + SLOT)) -h /www");
        container.putArray("Env").add("SLOT={{.Task.Slot}}");
        // httpd as PID 1 ignores SIGTERM: don't make every stop wait docker's default 10 s.
        container.put("StopGracePeriod", SECOND);
        task.putArray("Networks").addObject().put("Target", "host");
        task.putObject("RestartPolicy").put("Condition", "any").put("Delay", SECOND);
        spec.putObject("Mode").putObject("Replicated").put("Replicas", replicas);
        spec.putObject("UpdateConfig").put("Parallelism", 1).put("Delay", 0).put("FailureAction", "pause")
                .put("Monitor", SECOND).put("Order", "stop-first");
        return spec;
    }

    /** Runs the task's command only while {@code switchDir/fail} does not exist; with it, the task exits 1. */
    static ObjectNode failingWhen(ObjectNode spec, Path switchDir, boolean once) {
        ObjectNode container = (ObjectNode) spec.path("TaskTemplate").path("ContainerSpec");
        ArrayNode command = (ArrayNode) container.path("Command");
        String serve = command.get(2).asText();
        String fail = once ? "rm -f /switch/fail; exit 1" : "exit 1";
        command.set(2, command.textNode("if [ -e /switch/fail ]; then " + fail + "; fi; " + serve));
        container.putArray("Mounts").addObject()
                .put("Type", "bind").put("Source", switchDir.toString()).put("Target", "/switch");
        return spec;
    }

    /** Creates the service and waits until all its replicas run. */
    String create(ObjectNode spec, Duration within) throws InterruptedException {
        String id = api.post("/services/create", spec).path("ID").asText();
        created.add(id);
        int replicas = spec.path("Mode").path("Replicated").path("Replicas").asInt(1);
        awaitTasks(id, tasks -> tasks.stream().filter(t -> "running".equals(t.path("Status").path("State").asText())
                                                           && "running".equals(t.path("DesiredState").asText()))
                                        .count() == replicas, within);
        return id;
    }

    JsonNode inspect(String id) {
        return api.get("/services/" + id);
    }

    List<JsonNode> tasks(String id) {
        List<JsonNode> tasks = new ArrayList<>();
        api.get("/tasks?filters=" + DockerApi.query(java.util.Map.of("service", List.of(id)))).forEach(tasks::add);
        return tasks;
    }

    /**
     * When the last of the service's tasks of its current spec started to run (each task's Status.Timestamp): the
     * moment its update was back, before Swarm's monitor period ended it.
     */
    Instant newTasksRunning(String id) {
        long force = inspect(id).path("Spec").path("TaskTemplate").path("ForceUpdate").asLong(0);
        return tasks(id).stream()
                .filter(t -> "running".equals(t.path("DesiredState").asText())
                             && "running".equals(t.path("Status").path("State").asText())
                             && t.path("Spec").path("ForceUpdate").asLong(0) == force)
                .map(t -> Instant.parse(t.path("Status").path("Timestamp").asText()))
                .max(Instant::compareTo).orElseThrow(() -> new AssertionError("no task of " + id + " runs"));
    }

    void awaitTasks(String id, Predicate<List<JsonNode>> condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.test(tasks(id))) {
            if (System.nanoTime() > end) {
                throw new AssertionError("service " + id + " not as expected within " + within + "; tasks: "
                                         + tasks(id));
            }
            Thread.sleep(200);
        }
    }

    void awaitService(String id, Predicate<JsonNode> condition, Duration within) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.test(inspect(id))) {
            if (System.nanoTime() > end) {
                throw new AssertionError("service " + id + " not as expected within " + within + ": " + inspect(id));
            }
            Thread.sleep(200);
        }
    }

    /** Removes every service this created, also after a failure, so the next test starts clean. */
    void removeAll() {
        for (String id : created) {
            try {
                api.delete("/services/" + id);
            } catch (PlatformException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
        }
        created.clear();
    }

    @Override
    public void close() {
        try {
            removeAll();
        } finally {
            api.close();
        }
    }
}
