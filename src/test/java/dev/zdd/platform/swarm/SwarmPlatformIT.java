package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.Container;
import dev.zdd.platform.ImageRequest;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.ServiceOutcome;
import dev.zdd.probe.HttpReadinessCheck;
import dev.zdd.rollout.Target;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Swarm adapter and the real rollout engine against the real dockerd of {@code .ci/swarm-up}: busybox httpd
 * services on loopback ports, host network. Each test removes the services it created, also when it fails.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SwarmPlatformIT {

    private static final Duration START = Duration.ofSeconds(30);
    /** The test image was imported on the engine, never pushed: no registry to resolve it with. */
    private static final RolloutSettings QUICK = RolloutSettings.defaults()
            .withDrainDelay(Duration.ZERO).withPollInterval(Duration.ofMillis(250))
            .withTimeout(Duration.ofSeconds(45)).withImages(new ImageRequest(null, false));

    private TestSwarm swarm;
    private SwarmPlatform platform;
    private final Events events = new Events();

    @BeforeEach
    void connect() {
        swarm = TestSwarm.connect();
        platform = new SwarmPlatform(swarm.config);
    }

    @AfterEach
    void removeServices() {
        if (swarm != null) {
            swarm.close();
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void listsServicesWithExactNamesStacksAndCounts_andResolvesNoPartialNamesake() throws Exception {
        ObjectNode stacked = swarm.httpd("zdd-it-names", 18400, 2);
        ((ObjectNode) stacked.path("Labels")).put(SwarmPlatform.STACK_LABEL, "shop");
        String web = swarm.create(stacked, START);
        String namesake = swarm.create(swarm.httpd("zdd-it-names-2", 18410, 1), START);

        List<Service> mine = platform.services().stream().filter(s -> s.name().startsWith("zdd-it-names")).toList();
        assertThat(mine).extracting(Service::name).containsExactlyInAnyOrder("zdd-it-names", "zdd-it-names-2");
        Service service = platform.service(web);
        assertThat(service.name()).isEqualTo("zdd-it-names");
        assertThat(service.stack()).isEqualTo("shop");
        assertThat(service.state()).isEqualTo(ServiceState.RUNNING);
        assertThat(service.running()).isEqualTo(2);
        assertThat(service.target()).isEqualTo(2);
        assertThat(service.containerIds()).hasSize(2);
        assertThat(platform.service(namesake).stack()).isNull();

        RolloutReport exact = rollout().run(List.of("zdd-it-names"), QUICK.withDryRun(true), events, new Cancellation());
        assertThat(exact.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(exact.services()).extracting(r -> r.id()).containsExactly(web);

        RolloutReport partial = rollout().run(List.of("zdd-it-name"), QUICK.withDryRun(true), events,
                new Cancellation());
        assertThat(partial.outcome()).isEqualTo(RunOutcome.REFUSED);
    }

    @Test
    void redeploysInTheOrderGiven_andIsBackOnlyWhenTheNewTasksRun() throws Exception {
        String first = swarm.create(swarm.httpd("zdd-it-order-b", 18420, 2), START);
        String second = swarm.create(swarm.httpd("zdd-it-order-a", 18430, 1), START);
        List<String> oldTasks = platform.service(first).containerIds();

        RolloutReport report = rollout().run(List.of("zdd-it-order-b", "zdd-it-order-a"), QUICK, events,
                new Cancellation());
        Instant ended = Instant.now();

        assertThat(report.outcome()).as("%s %s", report, events).isEqualTo(RunOutcome.SUCCESS);
        assertThat(events.lines).filteredOn(e -> e.startsWith("redeploy") || e.startsWith("ready"))
                .extracting(e -> e.split(" ")[0] + " " + e.split(" ")[1])
                .containsExactly("redeploy zdd-it-order-b", "ready zdd-it-order-b",
                                 "redeploy zdd-it-order-a", "ready zdd-it-order-a");
        for (String id : List.of(first, second)) {
            JsonNode service = swarm.inspect(id);
            assertThat(service.path("Spec").path("TaskTemplate").path("ForceUpdate").asLong()).isEqualTo(1);
            assertThat(service.path("UpdateStatus").path("State").asText()).isEqualTo("completed");
            assertThat(platform.service(id).isFullyRunning()).isTrue();
        }
        assertThat(platform.service(first).containerIds()).doesNotContainAnyElementsOf(oldTasks);
        // The second update started only once every task of the first ran the new spec (while Swarm may still have
        // monitored it), and the run ended only once Swarm had completed both.
        Instant secondStarted = Instant.parse(swarm.inspect(second).path("UpdateStatus").path("StartedAt").asText());
        assertThat(secondStarted).isAfterOrEqualTo(swarm.newTasksRunning(first));
        for (String id : List.of(first, second)) {
            assertThat(ended).isAfterOrEqualTo(Instant.parse(swarm.inspect(id).path("UpdateStatus")
                    .path("CompletedAt").asText()));
        }
        // The user's spec went back as it was, with only ForceUpdate changed.
        JsonNode spec = swarm.inspect(first).path("Spec");
        assertThat(spec.path("TaskTemplate").path("ContainerSpec").path("StopGracePeriod").asLong())
                .isEqualTo(1_000_000_000L);
        assertThat(spec.path("UpdateConfig").path("Monitor").asLong()).isEqualTo(1_000_000_000L);
    }

    @Test
    void withAReadyUrl_theNextServiceGoesWhileSwarmStillMonitorsTheFirst_andTheRunEndsOnceBothCompleted()
            throws Exception {
        // A monitor period long enough to see: 8 s after each service's new task runs.
        ObjectNode first = swarm.httpd("zdd-it-monitored-a", 18500, 1);
        ObjectNode second = swarm.httpd("zdd-it-monitored-b", 18510, 1);
        for (ObjectNode spec : List.of(first, second)) {
            ((ObjectNode) spec.path("UpdateConfig")).put("Monitor", 8_000_000_000L);
        }
        String a = swarm.create(first, START);
        String b = swarm.create(second, START);
        RolloutSettings ready = QUICK.withReadiness(new RolloutSettings.Readiness(null,
                List.of(URI.create("http://127.0.0.1:18501/"), URI.create("http://127.0.0.1:18511/")), 2));

        RolloutReport report = new Rollout(platform, Clock.systemUTC(), Sleeper.SYSTEM,
                new HttpReadinessCheck(Duration.ofMillis(250))).run(List.of("zdd-it-monitored-a",
                "zdd-it-monitored-b"), ready, events, new Cancellation());
        Instant ended = Instant.now();

        assertThat(report.outcome()).as("%s %s", report, events).isEqualTo(RunOutcome.SUCCESS);
        Instant aDone = Instant.parse(swarm.inspect(a).path("UpdateStatus").path("CompletedAt").asText());
        Instant bStarted = Instant.parse(swarm.inspect(b).path("UpdateStatus").path("StartedAt").asText());
        Instant bDone = Instant.parse(swarm.inspect(b).path("UpdateStatus").path("CompletedAt").asText());
        assertThat(bStarted).as("b went while Swarm still monitored a's update").isBefore(aDone)
                .isAfterOrEqualTo(swarm.newTasksRunning(a));
        assertThat(ended).isAfterOrEqualTo(aDone).isAfterOrEqualTo(bDone);
        assertThat(events.lines).anyMatch(e -> e.equals("state zdd-it-monitored-a Running (update monitored)"));
    }

    @Test
    void aWaveUpdatesItsServicesAtOnce_andTheNextWaveOnlyAfterBothAreBack() throws Exception {
        String a = swarm.create(swarm.httpd("zdd-it-wave-a", 18470, 1), START);
        String b = swarm.create(swarm.httpd("zdd-it-wave-b", 18480, 1), START);
        String c = swarm.create(swarm.httpd("zdd-it-wave-c", 18490, 1), START);

        RolloutReport report = rollout().runWaves(List.of(List.of("zdd-it-wave-a", "zdd-it-wave-b"),
                List.of("zdd-it-wave-c")), QUICK, events, new Cancellation());
        Instant ended = Instant.now();

        assertThat(report.outcome()).as("%s %s", report, events).isEqualTo(RunOutcome.SUCCESS);
        Instant aStarted = Instant.parse(swarm.inspect(a).path("UpdateStatus").path("StartedAt").asText());
        Instant bStarted = Instant.parse(swarm.inspect(b).path("UpdateStatus").path("StartedAt").asText());
        Instant aDone = Instant.parse(swarm.inspect(a).path("UpdateStatus").path("CompletedAt").asText());
        Instant bDone = Instant.parse(swarm.inspect(b).path("UpdateStatus").path("CompletedAt").asText());
        Instant cStarted = Instant.parse(swarm.inspect(c).path("UpdateStatus").path("StartedAt").asText());
        Instant cDone = Instant.parse(swarm.inspect(c).path("UpdateStatus").path("CompletedAt").asText());
        // Both of the first wave were updating at the same time; the second wave began once both were back (every
        // task on the new spec), and the run ended once Swarm had completed all three.
        assertThat(bStarted).isBefore(aDone);
        assertThat(aStarted).isBefore(bDone);
        assertThat(cStarted).isAfterOrEqualTo(swarm.newTasksRunning(a)).isAfterOrEqualTo(swarm.newTasksRunning(b));
        assertThat(ended).isAfterOrEqualTo(aDone).isAfterOrEqualTo(bDone).isAfterOrEqualTo(cDone);
    }

    @Test
    void failsWhenTheNewTasksCannotStart_andLeavesTheNextServiceAlone(@TempDir Path switchDir) throws Exception {
        String broken = swarm.create(TestSwarm.failingWhen(swarm.httpd("zdd-it-broken", 18440, 1), switchDir,
                false), START);
        String next = swarm.create(swarm.httpd("zdd-it-after-broken", 18450, 1), START);
        Files.createFile(switchDir.resolve("fail")); // the old task runs on; every new one exits 1

        RolloutReport report = rollout().run(List.of("zdd-it-broken", "zdd-it-after-broken"), QUICK, events,
                new Cancellation());

        assertThat(report.outcome()).as("%s", events).isEqualTo(RunOutcome.FAILED);
        assertThat(report.services()).extracting(r -> r.outcome())
                .containsExactly(ServiceOutcome.FAILED, ServiceOutcome.NOT_STARTED);
        assertThat(events.lines).noneMatch(e -> e.startsWith("ready"));
        assertThat(report.services().get(0).reason()).contains("Failed");
        assertThat(swarm.inspect(next).path("Spec").path("TaskTemplate").path("ForceUpdate").asLong(0)).isZero();
        assertThat(swarm.inspect(broken).path("UpdateStatus").path("State").asText()).isIn("updating", "paused");
    }

    @Test
    void anUpdateThatSwarmRolledBackStaysFailed(@TempDir Path switchDir) throws Exception {
        ObjectNode spec = TestSwarm.failingWhen(swarm.httpd("zdd-it-rollback", 18460, 1), switchDir, true);
        ((ObjectNode) spec.path("UpdateConfig")).put("FailureAction", "rollback");
        spec.putObject("RollbackConfig").put("Parallelism", 1).put("Delay", 0).put("FailureAction", "pause")
                .put("Monitor", 1_000_000_000L).put("Order", "stop-first");
        String id = swarm.create(spec, START);
        Files.createFile(switchDir.resolve("fail")); // only the first new task fails: the rollback succeeds
        Service before = platform.service(id);

        String actionId = platform.redeploy(before, true).actionId();
        swarm.awaitService(id, s -> "rollback_completed".equals(s.path("UpdateStatus").path("State").asText()),
                Duration.ofSeconds(60));
        swarm.awaitTasks(id, tasks -> platform.service(id).isFullyRunning(), START);

        assertThat(platform.service(id).isFullyRunning()).isTrue();
        assertThat(platform.action(actionId).state()).isEqualTo(ActionState.FAILED);
        assertThat(platform.action(actionId).stateLabel()).contains("rolled");

        // And the engine, asked to wait for that service now, would not call it back.
        RolloutReport again = rollout().run(List.of("zdd-it-rollback"), QUICK.withDryRun(true), events,
                new Cancellation());
        assertThat(again.outcome()).isEqualTo(RunOutcome.SUCCESS); // the rolled-back service is Running again
    }

    @Test
    void timesOutWhenTheUpdateTakesLongerThanTheTimeout() throws Exception {
        ObjectNode spec = swarm.httpd("zdd-it-slow", 18470, 1);
        ((ObjectNode) spec.path("UpdateConfig")).put("Monitor", 30_000_000_000L); // Swarm watches 30 s
        swarm.create(spec, START);

        RolloutReport report = rollout().run(List.of("zdd-it-slow"), QUICK.withTimeout(Duration.ofSeconds(4)),
                events, new Cancellation());

        assertThat(report.outcome()).as("%s", events).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(report.services().get(0).reason()).contains("not back within --timeout 4s");
    }

    @Test
    void stopsWaitingWhenCancelled() throws Exception {
        ObjectNode spec = swarm.httpd("zdd-it-cancel", 18480, 1);
        ((ObjectNode) spec.path("UpdateConfig")).put("Monitor", 30_000_000_000L);
        swarm.create(spec, START);
        swarm.create(swarm.httpd("zdd-it-cancel-next", 18490, 1), START);
        Cancellation cancellation = new Cancellation();
        CountDownLatch redeploying = new CountDownLatch(1);
        RolloutListener listener = new RolloutListener() {
            @Override
            public void redeploying(Target target, Container container) {
                redeploying.countDown();
            }
        };

        CompletableFuture<RolloutReport> run = CompletableFuture.supplyAsync(() -> rollout().run(
                List.of("zdd-it-cancel", "zdd-it-cancel-next"), QUICK, listener, cancellation));
        assertThat(redeploying.await(30, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(500);
        long asked = System.nanoTime();
        cancellation.request();
        RolloutReport report = run.get(10, TimeUnit.SECONDS);

        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(3));
        assertThat(report.outcome()).isEqualTo(RunOutcome.INTERRUPTED);
        assertThat(report.services()).extracting(r -> r.outcome())
                .containsExactly(ServiceOutcome.INTERRUPTED, ServiceOutcome.NOT_STARTED);
    }

    @Test
    void isBackOnlyOnceTheNewTasksAreHealthy_whenTheImageHasAHealthcheck() throws Exception {
        ObjectNode spec = swarm.httpd("zdd-it-health", 18500, 1);
        ObjectNode container = (ObjectNode) spec.path("TaskTemplate").path("ContainerSpec");
        ArrayNode command = (ArrayNode) container.path("Command");
        // Healthy 6 s after start: far later than Swarm would otherwise call the update complete (about 3 s).
        command.set(2, command.textNode("(sleep 6; touch /tmp/healthy) & " + command.get(2).asText()));
        container.putObject("Healthcheck").put("Interval", 1_000_000_000L).put("Timeout", 1_000_000_000L)
                .put("Retries", 30).putArray("Test").add("CMD-SHELL").add("test -e /tmp/healthy");
        String id = swarm.create(spec, START);
        List<String> healthWhenReady = new CopyOnWriteArrayList<>();
        RolloutListener listener = new RolloutListener() {
            @Override
            public void ready(Target target, Container ignored, Duration took) {
                for (JsonNode task : swarm.tasks(id)) {
                    if ("running".equals(task.path("DesiredState").asText())) {
                        String containerId = task.path("Status").path("ContainerStatus").path("ContainerID").asText();
                        healthWhenReady.add(swarm.api.get("/containers/" + containerId + "/json")
                                .path("State").path("Health").path("Status").asText());
                    }
                }
            }
        };

        RolloutReport report = rollout().run(List.of("zdd-it-health"), QUICK, listener, new Cancellation());

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(healthWhenReady).containsExactly("healthy");
        assertThat(report.services().get(0).took()).isGreaterThanOrEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void redeploysAGlobalService_whoseTargetIsOneTaskPerNode() throws Exception {
        ObjectNode spec = swarm.httpd("zdd-it-global", 18510, 1);
        spec.remove("Mode");
        spec.putObject("Mode").putObject("Global");
        String id = swarm.create(spec, START);
        assertThat(platform.service(id).target()).isEqualTo(1);

        RolloutReport report = rollout().run(List.of(id), QUICK, events, new Cancellation());

        assertThat(report.outcome()).as("%s", events).isEqualTo(RunOutcome.SUCCESS);
        assertThat(swarm.inspect(id).path("Spec").path("TaskTemplate").path("ForceUpdate").asLong()).isEqualTo(1);
    }

    @Test
    void reportsTheDaemonsAnswerForAnUnknownService() {
        assertThatThrownBy(() -> platform.service("nosuchservice0000000000000"))
                .isInstanceOfSatisfying(PlatformException.class, e -> {
                    assertThat(e.kind()).isEqualTo(PlatformException.Kind.STATUS);
                    assertThat(e.isNotFound()).isTrue();
                    assertThat(e.getMessage()).contains("GET /services/nosuchservice0000000000000", "404")
                            .doesNotContain("\n");
                });
    }

    private Rollout rollout() {
        return new Rollout(platform, Clock.systemUTC(), Sleeper.SYSTEM);
    }

    /** Events as short lines, e.g. {@code redeploy web}, {@code ready web 2345ms}; safe across threads. */
    private static final class Events implements RolloutListener {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void redeploying(Target target, Container container) {
            lines.add("redeploy " + target.label());
        }

        @Override
        public void stateChanged(Target target, Container container, String state) {
            lines.add("state " + target.label() + " " + state);
        }

        @Override
        public void ready(Target target, Container container, Duration took) {
            lines.add("ready " + target.label() + " " + took.toMillis() + "ms");
        }

        @Override
        public void failed(Target target, String reason) {
            lines.add("failed " + target.label() + ": " + reason);
        }

        @Override
        public void detail(Target target, String message) {
            lines.add("detail " + target.label() + " " + message);
        }

        @Override
        public String toString() {
            return String.join("\n", lines);
        }
    }
}
