package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.e2e.Haproxy;
import dev.zdd.e2e.Load;
import dev.zdd.e2e.Load.Figures;
import dev.zdd.e2e.Zdd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 6: two single-replica Swarm services (busybox httpd on the host network, one loopback port each, a second
 * of start-up before httpd listens) behind a real HAProxy. Swarm's update order stays stop-first, its default:
 * forcing both updates at once takes the application down; zdd's rollout with a drain delay does not.
 * The services are made once for the three scenarios and removed at the end, also after a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwarmBehindHaproxyIT {

    private static final List<String> SERVICES = List.of("zdd-e2e-web-1", "zdd-e2e-web-2");
    private static final int BASE_PORT = 18600;
    /**
     * After the task runs: httpd's 1 s start delay, HAProxy's rise (2 checks 500 ms apart, up to 1.5 s), and 1.5 s
     * of slack for a loaded machine: 4 s.
     */
    private static final String DRAIN = "4s";
    private static final Duration WITHIN = Duration.ofSeconds(60);
    /**
     * 100 requests per second, not 200: busybox httpd forks per connection, and while one service restarts the
     * other's single httpd carries all of it. On a shared, loaded 2-core machine one httpd managed about 150 per
     * second; at 200, HAProxy's queue grew until requests timed out in it (503 sQ), whoever did the rollout.
     */
    private static final Duration LOAD_INTERVAL = Duration.ofMillis(10);

    private TestSwarm swarm;
    private Haproxy haproxy;
    /** The docker CLI's two sequential forced updates, for the figures next to zdd's in the same run. */
    private Figures dockerCli;
    private Figures zddFixedDrain;
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    void createServicesBehindHaproxy() throws Exception {
        Haproxy.requireInstalled();
        swarm = TestSwarm.connect();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            int base = BASE_PORT + 10 * i;
            ids.add(swarm.create(slowToStart(swarm.httpd(SERVICES.get(i), base, 1)), WITHIN));
            ports.put(SERVICES.get(i), base + 1); // replica 1 listens on base + slot
        }
        haproxy = Haproxy.start(ports, Duration.ofSeconds(30));
    }

    /** httpd listens a second after the task starts, as a real application takes a moment to boot. */
    private static ObjectNode slowToStart(ObjectNode spec) {
        ArrayNode command = (ArrayNode) spec.path("TaskTemplate").path("ContainerSpec").path("Command");
        command.set(2, command.textNode("sleep 1; " + command.get(2).asText()));
        return spec;
    }

    @AfterAll
    void removeEverything() throws Exception {
        try {
            if (haproxy != null) {
                haproxy.close();
            }
        } finally {
            if (swarm != null) {
                swarm.close();
            }
        }
    }

    @BeforeEach
    void everyServerServes() throws InterruptedException {
        haproxy.awaitAllUp(WITHIN);
        haproxy.markLog();
    }

    @Test
    @Order(1)
    void naiveForcedUpdateOfBothAtOnceFailsRequests() throws Exception {
        try (Load load = Load.start(haproxy.url(), LOAD_INTERVAL)) {
            List<Process> updates = new ArrayList<>();
            for (String service : SERVICES) {
                updates.add(docker("service", "update", "--force", "--detach", service));
            }
            for (Process update : updates) {
                awaitSuccess(update);
            }
            for (String id : ids) {
                swarm.awaitService(id, s -> "completed".equals(s.path("UpdateStatus").path("State").asText()),
                        WITHIN);
            }
            haproxy.awaitAllUp(WITHIN);
            load.scenarioEnded();
            Figures figures = load.stop().print("issue6", "naive");

            assertThat(figures.failed()).as("failed requests while both services restart at once").isPositive();
        }
    }

    @Test
    @Order(2)
    void sequentialForcedUpdatesWithoutADrain() throws Exception {
        try (Load load = Load.start(haproxy.url(), LOAD_INTERVAL)) {
            for (String service : SERVICES) {
                awaitSuccess(docker("service", "update", "--force", service)); // waits until the update converged
            }
            haproxy.awaitAllUp(WITHIN);
            load.scenarioEnded();
            // Measured, not asserted: whether web-1 is back in HAProxy's rotation before web-2 stops is a race
            // between Swarm's update monitor, httpd's start and HAProxy's checks.
            dockerCli = load.stop().print("issue6", "sequential-docker");
        }
    }

    @Test
    @Order(3)
    void zddWithADrainDelayFailsNoRequest() throws Exception {
        try (Load load = Load.start(haproxy.url(), LOAD_INTERVAL)) {
            // The image was imported on the engine, never pushed: no registry knows it.
            List<String> args = new ArrayList<>(List.of("--platform", "swarm", "--no-resolve-image",
                    "--drain-delay", DRAIN, "--poll-interval", "250ms", "--timeout", "60s",
                    "--probe", haproxy.url().toString(), "--probe-interval", "50ms"));
            args.addAll(SERVICES);
            Zdd.Run run = Zdd.redeploy(Map.of(), Duration.ofSeconds(100), args.toArray(String[]::new));
            haproxy.awaitAllUp(WITHIN);
            load.scenarioEnded();
            Figures figures = load.stop().print("issue6", "zdd-drain-" + DRAIN);
            zddFixedDrain = figures;

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(figures.failed()).as("failed requests through HAProxy: " + haproxy.failedRequests())
                    .isZero();
            assertThat(run.probeFailures()).as("failures zdd's --probe saw: " + run.summary()).isZero();
        }
    }

    /**
     * Issue 14: the load balancer decides the pace. zdd drains each service's server in HAProxy (found by the
     * service's name: Swarm lists no containers to match), redeploys, and goes on as soon as HAProxy says UP: no
     * guessed drain delay, no failed request, and sooner done than the docker CLI's two updates one after another.
     */
    @Test
    @Order(4)
    void zddPacedByTheLoadBalancerFailsNoRequest_andIsDoneBeforeTheDockerCli() throws Exception {
        try (Load load = Load.start(haproxy.url(), LOAD_INTERVAL)) {
            // The image was imported on the engine, never pushed: there is no registry to ask for its digest.
            List<String> args = new ArrayList<>(List.of("--platform", "swarm", "--no-resolve-image", "--lb",
                    haproxy.socketUrl(), "--poll-interval", "250ms", "--timeout", "60s"));
            args.addAll(SERVICES);
            Zdd.Run run = Zdd.redeploy(Map.of(), Duration.ofSeconds(100), args.toArray(String[]::new));
            haproxy.awaitAllUp(WITHIN);
            load.scenarioEnded();
            Figures figures = load.stop().print("issue14", "swarm-zdd-lb");
            System.out.printf("E2E issue14 swarm: zdd --lb total_s=%.1f failed=%d; docker service update --force x2"
                              + " total_s=%s failed=%s; zdd --drain-delay %s total_s=%s failed=%s%n",
                    seconds(figures), figures.failed(), dockerCli == null ? "-" : "%.1f".formatted(seconds(dockerCli)),
                    dockerCli == null ? "-" : dockerCli.failed(), DRAIN,
                    zddFixedDrain == null ? "-" : "%.1f".formatted(seconds(zddFixedDrain)),
                    zddFixedDrain == null ? "-" : zddFixedDrain.failed());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(figures.failed()).as("failed requests through HAProxy: " + haproxy.failedRequests())
                    .isZero();
            assertThat(run.stdout()).contains("\"servers\":[\"app/zdd-e2e-web-1\"]", "\"event\":\"lb-up\"");
            assertThat(haproxy.status().values()).noneMatch(status -> status.startsWith("DRAIN"));
        }
    }

    private static double seconds(Figures figures) {
        return figures.total().toMillis() / 1000.0;
    }

    /** The docker CLI against DOCKER_HOST (the engine swarm-up started), its output in a temp file. */
    private static Process docker(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("zdd-docker", ".log");
        output.toFile().deleteOnExit();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static void awaitSuccess(Process process) throws Exception {
        if (!process.waitFor(WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("docker " + process.info().arguments().map(List::of).orElse(List.of())
                                     + " did not finish within " + WITHIN);
        }
        assertThat(process.exitValue()).as("docker " + process.info().commandLine().orElse("")).isZero();
    }
}
