package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.e2e.Haproxy;
import dev.zdd.e2e.Load;
import dev.zdd.e2e.Load.Figures;
import dev.zdd.e2e.Zdd;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 18: two services of three replicas each on the three-node cluster, one task per node (so every node runs a
 * task of each), six task ports behind a real HAProxy, redeployed by {@code zdd redeploy --platform swarm} under
 * load: no failed request, and afterwards every task runs the new spec, still one per node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterRolloutIT {

    private static final List<String> SERVICES = List.of("zdd-cluster-a", "zdd-cluster-b");
    private static final int BASE_PORT = 18800;
    private static final int REPLICAS = 3;
    private static final Duration WITHIN = Duration.ofSeconds(90);
    /** Load as SwarmBehindHaproxyIT's: busybox httpd forks per connection, on a shared 2-core machine. */
    private static final Duration LOAD_INTERVAL = Duration.ofMillis(10);

    private TestCluster cluster;
    private Haproxy haproxy;
    private final Map<String, String> ids = new LinkedHashMap<>();

    @BeforeAll
    void createServicesBehindHaproxy() throws Exception {
        Haproxy.requireInstalled();
        cluster = TestCluster.connect(1);
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            int base = BASE_PORT + 10 * i;
            String name = SERVICES.get(i);
            ids.put(name, cluster.swarm.create(cluster.httpd(name, base, REPLICAS, "pause"), WITHIN));
            for (int slot = 1; slot <= REPLICAS; slot++) {
                ports.put(name + "-" + slot, base + slot);
            }
        }
        haproxy = Haproxy.start(ports, WITHIN);
    }

    @AfterAll
    void removeEverything() throws Exception {
        try {
            if (haproxy != null) {
                haproxy.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    void twoServicesOfThreeTasksOnThreeNodes_redeployedUnderLoad_failNoRequest() throws Exception {
        for (String id : ids.values()) {
            assertThat(cluster.nodesOf(id).values()).as("one task per node").containsExactlyInAnyOrder(1, 2, 3);
        }
        haproxy.markLog();
        Zdd.Run run;
        Figures figures;
        try (Load load = Load.start(haproxy.url(), LOAD_INTERVAL)) {
            // --no-resolve-image: the image was imported on every node, never pushed.
            run = Zdd.redeploy(Map.of(), Duration.ofSeconds(200), "--platform", "swarm", "--no-resolve-image",
                    "--api-url", cluster.socket(1).toString(), "--drain-delay", "3s", "--timeout", "90s",
                    "--probe", haproxy.url().toString(), "--probe-interval", "50ms",
                    SERVICES.get(0), SERVICES.get(1));
            haproxy.awaitAllUp(WITHIN);
            load.scenarioEnded();
            figures = load.stop().print("issue18", "cluster-rollout-2x3");
        }
        System.out.printf("E2E issue18 cluster-rollout-2x3: zdd took %.1f s%n", run.took().toMillis() / 1000.0);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(figures.failed()).as("failed requests through HAProxy: " + haproxy.failedRequests()).isZero();
        assertThat(run.probeFailures()).as("failures zdd's --probe saw: " + run.summary()).isZero();
        for (String id : ids.values()) {
            assertThat(cluster.placement(id).values()).as("every task of the new spec, running, after zdd's success")
                    .hasSize(REPLICAS).allMatch(p -> p.endsWith(":running:new"));
            assertThat(cluster.nodesOf(id).values()).as("still one task per node").containsExactlyInAnyOrder(1, 2, 3);
        }
    }

    /**
     * Issues 18 and 14: the same two services, paced by HAProxy instead of a drain delay: each service's three
     * servers (one per node) drained before its redeploy, set ready once it is back, and the next service only once
     * HAProxy has every one of them UP again.
     */
    @Test
    void twoServicesOfThreeTasksOnThreeNodes_pacedByTheLoadBalancer_failNoRequest() throws Exception {
        haproxy.markLog();
        List<String> args = new java.util.ArrayList<>(List.of("--platform", "swarm", "--no-resolve-image",
                "--api-url", cluster.socket(1).toString(), "--lb", haproxy.socketUrl(), "--timeout", "90s"));
        for (String service : SERVICES) {
            for (int slot = 1; slot <= REPLICAS; slot++) {
                args.addAll(List.of("--lb-server", service + "=app/" + service + "-" + slot));
            }
        }
        args.addAll(SERVICES);
        Zdd.Run run;
        Figures figures;
        try (Load load = Load.start(haproxy.url(), LOAD_INTERVAL)) {
            run = Zdd.redeploy(Map.of(), Duration.ofSeconds(200), args.toArray(String[]::new));
            haproxy.awaitAllUp(WITHIN);
            load.scenarioEnded();
            figures = load.stop().print("issue18", "cluster-rollout-2x3-lb");
        }
        System.out.printf("E2E issue18 cluster-rollout-2x3-lb: zdd --lb took %.1f s%n", run.took().toMillis() / 1000.0);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(figures.failed()).as("failed requests through HAProxy: " + haproxy.failedRequests()).isZero();
        assertThat(run.stdout()).contains("\"event\":\"lb-drained\"", "\"event\":\"lb-up\"");
        assertThat(haproxy.status().values()).as("no server left drained").noneMatch(s -> s.startsWith("DRAIN"));
        for (String id : ids.values()) {
            assertThat(cluster.placement(id).values()).hasSize(REPLICAS).allMatch(p -> p.endsWith(":running:new"));
        }
    }
}
