package dev.zdd.platform.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.Action;
import dev.zdd.platform.Changes;
import dev.zdd.platform.Container;
import dev.zdd.platform.Platform;
import dev.zdd.platform.Redeployment;
import dev.zdd.platform.Service;
import dev.zdd.rollout.Cancellation;
import dev.zdd.rollout.Rollout;
import dev.zdd.rollout.RolloutListener;
import dev.zdd.rollout.RolloutReport;
import dev.zdd.rollout.RolloutSettings;
import dev.zdd.rollout.RunOutcome;
import dev.zdd.rollout.Target;
import dev.zdd.time.Sleeper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's events against the real dockerd of {@code .ci/swarm-up}: a redeploy's wait ends on the events, and
 * without them it still ends by polling. Prints how long after every new task ran (the update back, while Swarm
 * still monitors it) the engine called the service ready, and how many reads it took, with and without the stream;
 * asserts no timing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SwarmEventsIT {

    private static final Duration START = Duration.ofSeconds(30);
    /** The CLI's own poll interval: the comparison is with what users get. */
    private static final RolloutSettings SETTINGS = RolloutSettings.defaults()
            .withDrainDelay(Duration.ZERO).withTimeout(Duration.ofSeconds(60));

    private TestSwarm swarm;
    private SwarmPlatform platform;

    @TempDir
    Path dir;

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
    void withTheStream_eventsEndTheWait_andTheRolloutSucceeds() throws Exception {
        String id = swarm.create(swarm.httpd("zdd-it-events", 18700, 2), START);
        Counting counting = new Counting(platform, platform::changes);

        Run run = redeploy(counting, "zdd-it-events", id);

        assertThat(run.report.outcome()).as("%s", run.report).isEqualTo(RunOutcome.SUCCESS);
        assertThat(counting.announced.get()).as("waits ended by announced changes").isPositive();
        System.out.printf("swarm events: stream, ready %d ms after the new tasks ran, %d reads (2 GETs each),"
                          + " %d waits ended by events%n", run.latency.toMillis(), counting.reads.get(),
                counting.announced.get());
        SwarmEventsTest.assertNoListenerLeft();
    }

    @Test
    void withoutTheStream_pollingFindsTheSameEnd() throws Exception {
        String id = swarm.create(swarm.httpd("zdd-it-polled", 18710, 2), START);
        Counting counting = new Counting(platform, () -> Changes.NONE);

        Run run = redeploy(counting, "zdd-it-polled", id);

        assertThat(run.report.outcome()).as("%s", run.report).isEqualTo(RunOutcome.SUCCESS);
        System.out.printf("swarm events: polling every %d ms, ready %d ms after the new tasks ran, %d reads"
                          + " (2 GETs each)%n", SETTINGS.pollInterval().toMillis(), run.latency.toMillis(),
                counting.reads.get());
    }

    @Test
    void aStreamThatCannotConnect_fallsBackToPolling_andTheRolloutSucceeds() throws Exception {
        String id = swarm.create(swarm.httpd("zdd-it-nostream", 18720, 1), START);
        URI nowhere = URI.create("unix://" + dir.resolve("no-such-docker.sock"));
        Counting counting = new Counting(platform, () -> SwarmEventsTest.eventsAt(nowhere).open());

        Run run = redeploy(counting, "zdd-it-nostream", id);

        assertThat(run.report.outcome()).as("%s", run.report).isEqualTo(RunOutcome.SUCCESS);
        assertThat(counting.announced.get()).isZero();
        SwarmEventsTest.assertNoListenerLeft();
    }

    private record Run(RolloutReport report, Duration latency) {
    }

    /** Redeploys one service; the latency is from Swarm's completion of the update to the engine's ready. */
    private Run redeploy(Platform platform, String name, String id) {
        Instant[] ready = new Instant[1];
        RolloutListener listener = new RolloutListener() {
            @Override
            public void ready(Target target, Container container, Duration took) {
                ready[0] = Instant.now();
            }
        };
        RolloutReport report = new Rollout(platform, Clock.systemUTC(), Sleeper.SYSTEM)
                .run(List.of(name), SETTINGS, listener, new Cancellation());
        // From the moment every new task ran (the update back, before Swarm's monitor period ends it) to ready.
        Duration latency = ready[0] == null ? Duration.ZERO : Duration.between(swarm.newTasksRunning(id), ready[0]);
        return new Run(report, latency);
    }

    /** The real adapter, counting its reads and the waits that an announced change ended. */
    static final class Counting implements Platform {

        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger announced = new AtomicInteger();
        private final Platform platform;
        private final Supplier<Changes> changes;

        Counting(Platform platform, Supplier<Changes> changes) {
            this.platform = platform;
            this.changes = changes;
        }

        @Override
        public List<Service> services() {
            reads.incrementAndGet();
            return platform.services();
        }

        @Override
        public Service service(String id) {
            reads.incrementAndGet();
            return platform.service(id);
        }

        @Override
        public Redeployment redeploy(Service service, boolean reuseVolumes) {
            return platform.redeploy(service, reuseVolumes);
        }

        @Override
        public Action action(String actionId) {
            reads.incrementAndGet();
            return platform.action(actionId);
        }

        @Override
        public List<Container> containers(Service service) {
            return platform.containers(service);
        }

        @Override
        public Container container(String id) {
            return platform.container(id);
        }

        @Override
        public Redeployment redeploy(Container container, boolean reuseVolumes) {
            return platform.redeploy(container, reuseVolumes);
        }

        @Override
        public String describe() {
            return platform.describe();
        }

        @Override
        public Changes changes() {
            Changes inner = changes.get();
            return new Changes() {
                @Override
                public boolean live() {
                    return inner.live();
                }

                @Override
                public Set<String> awaitChange(Set<String> ids, Duration max) throws InterruptedException {
                    Set<String> changed = inner.awaitChange(ids, max);
                    if (!changed.isEmpty()) {
                        announced.incrementAndGet();
                    }
                    return changed;
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }
    }
}
