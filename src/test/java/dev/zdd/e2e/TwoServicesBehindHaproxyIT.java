package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.e2e.Load.Figures;
import dev.zdd.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 4: two services of one container each, behind a real HAProxy, with containers that refuse connections
 * while they boot (2 s) and answer 503 while they warm up (1.5 s) although the platform already says Running.
 * Redeploying both at once takes the application down; zdd's rollout with a drain delay that covers the warm-up
 * and HAProxy's rise does not, and without the drain it does again. zdd's own --probe agrees with the load.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TwoServicesBehindHaproxyIT {

    private static final Duration BOOT = Duration.ofSeconds(2);
    private static final Duration WARMUP = Duration.ofMillis(1500);
    /**
     * Warm-up (1.5 s), then HAProxy's rise: 2 checks 500 ms apart, the first up to 500 ms after the container
     * answers 200 (2 x 0.5 s + 0.5 s), then 1 s of slack for a loaded machine: 4 s.
     */
    private static final String DRAIN = "4s";
    private static final Duration ZDD_LIMIT = Duration.ofSeconds(60);

    private static SandboxStage stage() throws Exception {
        return SandboxStage.start(Sandbox.builder().services(List.of("web-1", "web-2")).bootTime(BOOT)
                .warmup(WARMUP));
    }

    @Test
    void naiveRedeployOfBothServicesAtOnceFailsRequests() throws Exception {
        try (SandboxStage stage = stage(); Load load = Load.start(stage.haproxy.url())) {
            stage.api.redeploy("web-1");
            stage.api.redeploy("web-2");
            stage.awaitAllBack("web-1", "web-2");
            load.scenarioEnded();
            Figures figures = load.stop().print("issue4", "naive");

            assertThat(figures.failed()).as("failed requests while both services restart at once").isPositive();
        }
    }

    @Test
    void zddWithADrainDelayCoveringWarmupAndRiseFailsNoRequest_andItsProbeAgrees() throws Exception {
        try (SandboxStage stage = stage(); Load load = Load.start(stage.haproxy.url())) {
            Zdd.Run run = zdd(stage, DRAIN);
            stage.awaitAllBack("web-1", "web-2");
            load.scenarioEnded();
            Figures figures = load.stop().print("issue4", "zdd-drain-" + DRAIN);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(figures.failed()).as("failed requests through HAProxy: " + stage.haproxy.failedRequests())
                    .isZero();
            assertThat(run.probeFailures()).as("failures zdd's --probe saw: " + run.summary()).isZero();
        }
    }

    @Test
    void zddWithoutADrainDelayFailsRequests_andItsProbeSaysSoWithExit6() throws Exception {
        try (SandboxStage stage = stage(); Load load = Load.start(stage.haproxy.url())) {
            Zdd.Run run = zdd(stage, "0s");
            stage.awaitAllBack("web-1", "web-2");
            load.scenarioEnded();
            Figures figures = load.stop().print("issue4", "zdd-drain-0s");

            // web-2 goes down while web-1 still warms up (Running, answering 503, out of HAProxy's rotation)
            assertThat(figures.failed()).as("failed requests through HAProxy").isPositive();
            assertThat(run.probeFailures()).as("failures zdd's --probe saw: " + run.summary()).isPositive();
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(6);
            assertThat(run.summary().path("outcome").asText()).isEqualTo("downtime");
        }
    }

    private static Zdd.Run zdd(SandboxStage stage, String drain) throws Exception {
        return Zdd.redeploy(stage.api.zddEnvironment(), ZDD_LIMIT, "--drain-delay", drain,
                "--poll-interval", "250ms", "--timeout", "30s",
                "--probe", stage.haproxy.url().toString(), "--probe-interval", "50ms", "--probe-timeout", "5s",
                "web-1", "web-2");
    }
}
