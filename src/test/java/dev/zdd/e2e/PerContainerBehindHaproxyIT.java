package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zdd.e2e.Load.Figures;
import dev.zdd.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 5: one service, two containers, behind a real HAProxy with HTTP checks. The platform's own service
 * redeploy replaces the containers one after another, stop before start, and moves on as soon as the replacement
 * runs: while the first still warms up (503, out of rotation) the second stops, and nothing serves. zdd's
 * --per-container waits for each container to be ready (--ready-path, or a drain delay) before the next.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PerContainerBehindHaproxyIT {

    private static final Duration BOOT = Duration.ofSeconds(2);
    private static final Duration WARMUP = Duration.ofMillis(1500);
    /** Warm-up 1.5 s + HAProxy's rise (2 checks 500 ms apart, up to 1.5 s) + 1 s of slack, as in issue 4. */
    private static final String DRAIN = "4s";
    /**
     * After --ready-path's 3 answers in a row (500 ms apart) HAProxy's 2 checks (500 ms apart) have usually
     * passed too, but the two rhythms are independent: one more check interval of drain, and some slack, makes it
     * certain rather than likely.
     */
    private static final String DRAIN_AFTER_READY = "1s";
    private static final Duration ZDD_LIMIT = Duration.ofSeconds(60);

    private static SandboxStage stage(Duration warmup) throws Exception {
        return SandboxStage.start(Sandbox.builder().services(List.of("api")).containersPerService(2)
                .bootTime(BOOT).warmup(warmup));
    }

    @Test
    void serviceLevelRedeployFailsRequests() throws Exception {
        try (SandboxStage stage = stage(WARMUP); Load load = Load.start(stage.haproxy.url())) {
            Zdd.Run run = zdd(stage, "--timeout", "30s", "api");
            stage.awaitAllBack("api");
            load.scenarioEnded();
            Figures figures = load.stop().print("issue5", "service-level");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(figures.failed()).as("failed requests while api-2 stops and api-1 still warms up")
                    .isPositive();
        }
    }

    @Test
    void perContainerWithReadyPathFailsNoRequest() throws Exception {
        try (SandboxStage stage = stage(WARMUP); Load load = Load.start(stage.haproxy.url())) {
            Zdd.Run run = zdd(stage, "--per-container", "--ready-path", "/", "--drain-delay", DRAIN_AFTER_READY,
                    "--timeout", "30s", "api");
            stage.awaitAllBack("api");
            load.scenarioEnded();
            Figures figures = load.stop().print("issue5", "per-container-ready-path");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(figures.failed()).as("failed requests through HAProxy: " + stage.haproxy.failedRequests())
                    .isZero();
        }
    }

    @Test
    void perContainerWithADrainDelayFailsNoRequest() throws Exception {
        try (SandboxStage stage = stage(WARMUP); Load load = Load.start(stage.haproxy.url())) {
            Zdd.Run run = zdd(stage, "--per-container", "--drain-delay", DRAIN, "--timeout", "30s", "api");
            stage.awaitAllBack("api");
            load.scenarioEnded();
            Figures figures = load.stop().print("issue5", "per-container-drain-" + DRAIN);

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(figures.failed()).as("failed requests through HAProxy: " + stage.haproxy.failedRequests())
                    .isZero();
        }
    }

    @Test
    void aContainerThatNeverGetsReadyFailsTheRunAndLeavesTheOtherUntouched() throws Exception {
        // The replacement is Running within 2 s but answers 503 for a minute: longer than --timeout.
        try (SandboxStage stage = stage(Duration.ofSeconds(60)); Load load = Load.start(stage.haproxy.url())) {
            Map<String, JsonNode> before = byName(stage.api.containers("api"));
            Zdd.Run run = zdd(stage, "--per-container", "--ready-path", "/", "--timeout", "6s", "api");
            load.scenarioEnded();
            load.stop().print("issue5", "never-ready");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertThat(run.summary().path("outcome").asText()).isEqualTo("timed_out");
            assertSecondContainerUntouched(stage, before);
        }
    }

    @Test
    void aContainerRedeployThatHangsFailsTheRunAndLeavesTheOtherUntouched() throws Exception {
        try (SandboxStage stage = stage(WARMUP); Load load = Load.start(stage.haproxy.url())) {
            stage.sandbox.hangNextRedeploy("api");
            Map<String, JsonNode> before = byName(stage.api.containers("api"));
            Zdd.Run run = zdd(stage, "--per-container", "--drain-delay", DRAIN, "--timeout", "6s", "api");
            load.scenarioEnded();
            load.stop().print("issue5", "hang");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
            assertSecondContainerUntouched(stage, before);
        }
    }

    /** api-2 is the very same container object as before the run, still Running, and nothing ever acted on it. */
    private static void assertSecondContainerUntouched(SandboxStage stage, Map<String, JsonNode> before) {
        JsonNode second = byName(stage.api.containers("api")).get("api-2");
        assertThat(second.path("uuid").asText()).isEqualTo(before.get("api-2").path("uuid").asText());
        assertThat(second.path("state").asText()).isEqualTo("Running");
        assertThat(stage.api.actionsOn(second)).as("actions on api-2").isEmpty();
    }

    private static Map<String, JsonNode> byName(List<JsonNode> containers) {
        return containers.stream().collect(Collectors.toMap(c -> c.path("name").asText(), Function.identity()));
    }

    private static Zdd.Run zdd(SandboxStage stage, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--poll-interval";
        all[1] = "250ms";
        System.arraycopy(args, 0, all, 2, args.length);
        return Zdd.redeploy(stage.api.zddEnvironment(), ZDD_LIMIT, all);
    }
}
