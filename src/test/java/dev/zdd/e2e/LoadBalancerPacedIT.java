package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.e2e.Load.Figures;
import dev.zdd.sandbox.Sandbox;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14: the load balancer decides the pace. Two services of two containers each behind a real HAProxy 2.6 (its
 * admin socket, and its stats page with stats admin and show-legends), under load where each request takes 1 s of
 * server time, on containers that are killed when redeployed (requests under way are cut, as with busybox httpd,
 * which ignores SIGTERM). With a fixed 10 s drain delay, zdd stops containers with requests under way and cuts
 * them; with --lb (either kind of URL) it drains each step's servers first, and cuts none and fails none, for two
 * services and for one service container by container. One sandbox and one HAProxy for all scenarios, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadBalancerPacedIT {

    private static final Duration LIMIT = Duration.ofSeconds(90);
    /** One request every 100 ms, each 1 s of work: about ten under way at any moment, over four servers. */
    private static final Duration LOAD_INTERVAL = Duration.ofMillis(100);
    private static final String WORK = "?delay=1000";

    private SandboxStage stage;

    @BeforeAll
    void start() throws Exception {
        stage = SandboxStage.start(Sandbox.builder().services(List.of("web-1", "web-2")).containersPerService(2)
                .bootTime(Duration.ofSeconds(1)).warmup(Duration.ofMillis(500)).abruptStop(true));
    }

    @AfterAll
    void stop() throws Exception {
        if (stage != null) {
            stage.close();
        }
    }

    /** What one scenario measured. */
    private record Measured(Zdd.Run run, Figures load, long cut) {

        Measured print(String scenario) {
            System.out.printf("E2E issue14 %s: requests=%d failed=%d cut=%d total_s=%.1f zdd_s=%.1f%n", scenario,
                    load.requests(), load.failed(), cut, load.total().toMillis() / 1000.0,
                    run.took().toMillis() / 1000.0);
            return this;
        }
    }

    @Test
    @Order(1)
    void aFixedDrainDelayCutsRequestsUnderWay() throws Exception {
        Measured fixed = scenario(Map.of(), "--drain-delay", "10s", "web-1", "web-2").print("fixed-drain-10s");

        assertThat(fixed.run().exitCode()).as(fixed.run().toString()).isZero();
        assertThat(fixed.cut()).as("requests under way when their containers were killed").isPositive();
    }

    @Test
    @Order(2)
    void withTheAdminSocketNoRequestFailsOrIsCut() throws Exception {
        Measured lb = scenario(Map.of(), "--lb", stage.haproxy.socketUrl(), "web-1", "web-2").print("lb-socket");

        assertNothingLost(lb);
        assertThat(lb.run().stdout()).contains("\"event\":\"lb-drain\"", "\"event\":\"lb-drained\"",
                "\"event\":\"lb-up\"");
    }

    @Test
    @Order(3)
    void withTheStatsPageNoRequestFailsOrIsCut() throws Exception {
        Measured lb = scenario(Map.of("ZDD_LB_AUTH", Haproxy.STATS_CREDENTIALS), "--lb", stage.haproxy.statsUrl(),
                "web-1", "web-2").print("lb-stats-page");

        assertNothingLost(lb);
        assertThat(lb.run().stdout() + lb.run().stderr()).doesNotContain(Haproxy.STATS_CREDENTIALS.split(":")[1]);
    }

    @Test
    @Order(4)
    void perContainerWithAFixedDrainDelay() throws Exception {
        Measured fixed = scenario(Map.of(), "--per-container", "--drain-delay", "10s", "web-1")
                .print("per-container-fixed-drain-10s");

        assertThat(fixed.run().exitCode()).as(fixed.run().toString()).isZero();
    }

    @Test
    @Order(5)
    void perContainerWithTheAdminSocketDrainsEachContainersServerOnly() throws Exception {
        Measured lb = scenario(Map.of(), "--per-container", "--lb", stage.haproxy.socketUrl(), "web-1")
                .print("per-container-lb-socket");

        assertNothingLost(lb);
        assertThat(lb.run().stdout()).contains("\"servers\":[\"app/web-1-1\"]", "\"servers\":[\"app/web-1-2\"]");
    }

    @Test
    @Order(6)
    void perContainerWithTheStatsPage() throws Exception {
        Measured lb = scenario(Map.of("ZDD_LB_AUTH", Haproxy.STATS_CREDENTIALS), "--per-container", "--lb",
                stage.haproxy.statsUrl(), "web-2").print("per-container-lb-stats-page");

        assertNothingLost(lb);
    }

    @Test
    @Order(7)
    void sigtermWhileDrainedSetsTheServersReadyAgainBeforeZddExits() throws Exception {
        stage.haproxy.awaitAllUp(Duration.ofSeconds(30));
        // Requests of 8 s on every server, so that the drain of web-1's servers waits for them.
        try (Load slow = Load.start(stage.haproxy.url().resolve("/?delay=8000"), Duration.ofMillis(200))) {
            Zdd.Started zdd = Zdd.start(stage.api.zddEnvironment(), "--lb", stage.haproxy.socketUrl(),
                    "--poll-interval", "250ms", "web-1", "web-2");
            zdd.awaitOutput("\"event\":\"lb-drain\"", Duration.ofSeconds(30));
            // The event says the drain begins; the order reaches HAProxy a moment later.
            for (int i = 0; i < 100 && !stage.haproxy.status().get("web-1-1").startsWith("DRAIN"); i++) {
                Thread.sleep(50);
            }
            assertThat(stage.haproxy.status().get("web-1-1")).startsWith("DRAIN"); // or DRAIN 1/2: a late check

            zdd.terminate();
            Zdd.Run run = zdd.finish(Duration.ofSeconds(30));
            Map<String, String> after = stage.haproxy.status();
            slow.stop();

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(130);
            assertThat(after.values()).as("no server left drained: " + after).noneMatch(s -> s.startsWith("DRAIN"));
            assertThat(run.summary().path("lbRestored")).hasSize(2);
            assertThat(stage.api.actionsOn(stage.api.containers("web-1").get(0))).as("nothing redeployed").isEmpty();
        }
    }

    private void assertNothingLost(Measured lb) {
        assertThat(lb.run().exitCode()).as(lb.run().toString()).isZero();
        assertThat(lb.load().failed()).as("failed requests: " + stage.haproxy.failedRequests()).isZero();
        assertThat(lb.cut()).as("requests cut by a kill").isZero();
    }

    /** One rollout under load, until every container is back in HAProxy's rotation. */
    private Measured scenario(Map<String, String> env, String... args) throws Exception {
        stage.haproxy.awaitAllUp(Duration.ofSeconds(30));
        stage.haproxy.markLog();
        long cutBefore = stage.sandbox.cutRequests();
        URI target = stage.haproxy.url().resolve("/" + WORK);
        try (Load load = Load.start(target, LOAD_INTERVAL)) {
            List<String> all = new ArrayList<>(List.of("--poll-interval", "250ms", "--timeout", "30s"));
            all.addAll(List.of(args));
            Map<String, String> environment = new HashMap<>(stage.api.zddEnvironment());
            environment.putAll(env);
            Zdd.Run run = Zdd.redeploy(environment, LIMIT, all.toArray(String[]::new));
            stage.awaitAllBack("web-1", "web-2");
            load.scenarioEnded();
            Figures figures = load.stop();
            // The last requests end a second after the load stops: count the cuts once they can have happened.
            Thread.sleep(1200);
            return new Measured(run, figures, stage.sandbox.cutRequests() - cutBefore);
        }
    }
}
