package dev.zdd.rollout;

import static dev.zdd.platform.ActionState.FAILED;
import static dev.zdd.platform.ActionState.IN_PROGRESS;
import static dev.zdd.platform.ServiceState.PARTLY_RUNNING;
import static dev.zdd.platform.ServiceState.REDEPLOYING;
import static dev.zdd.platform.ServiceState.RUNNING;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Waves: the services of a wave redeployed at once, the waves one after another, each gated and drained. */
class WavesTest {

    private final FakeTime time = new FakeTime();
    private final InMemoryPlatform platform = new InMemoryPlatform(time);
    private final RecordingListener listener = new RecordingListener();
    private RolloutSettings settings = RolloutSettings.defaults();
    /** When each redeploy was asked for, in seconds since the start. */
    private final List<String> posted = new ArrayList<>();

    private RolloutReport run(List<List<String>> waves) {
        java.time.Instant start = time.instant();
        RolloutListener timing = new RolloutListener() {
            @Override
            public void plan(Plan plan) {
                listener.plan(plan);
            }

            @Override
            public void redeploying(Target target, dev.zdd.platform.Container container) {
                posted.add(target.label() + (container == null ? "" : "/" + container.name()) + "@"
                           + Duration.between(start, time.instant()).toSeconds());
                listener.redeploying(target, container);
            }

            @Override
            public void ready(Target target, dev.zdd.platform.Container container, Duration since) {
                listener.ready(target, container, since);
            }

            @Override
            public void draining(Target target, Duration delay) {
                listener.draining(target, delay);
            }

            @Override
            public void failed(Target target, String reason) {
                listener.failed(target, reason);
            }

            @Override
            public void detail(Target target, String message) {
                listener.detail(target, message);
            }
        };
        return new Rollout(platform, time, time).runWaves(waves, settings, timing, new Cancellation());
    }

    private static List<ServiceOutcome> outcomes(RolloutReport report) {
        return report.services().stream().map(ServiceReport::outcome).toList();
    }

    @Test
    void aWavesPostsGoTogether_theNextWaveOnlyAfterEveryServiceIsBackAndDrained() {
        Service web1 = platform.add("web-1");
        Service api1 = platform.add("api-1");
        Service web2 = platform.add("web-2");
        Service api2 = platform.add("api-2");
        platform.healthy(web1, ofSeconds(2)).healthy(api1, ofSeconds(4))
                .healthy(web2, ofSeconds(3)).healthy(api2, ofSeconds(1));

        RolloutReport report = run(List.of(List.of("web-1", "api-1"), List.of("web-2", "api-2")));

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events.get(0)).isEqualTo("plan [[web-1, api-1], [web-2, api-2]]");
        // Wave 1 posts at 0 s; api-1 is back at 4 s; one drain of 10 s for the wave; wave 2 posts at 14 s.
        assertThat(posted).containsExactly("web-1@0", "api-1@0", "web-2@14", "api-2@14");
        assertThat(time.naps()).containsExactly(
                ofSeconds(1), ofSeconds(1), ofSeconds(1), ofSeconds(1),   // both looked at every second
                ofSeconds(10),                                          // the wave's drain
                ofSeconds(1), ofSeconds(1), ofSeconds(1));              // wave 2: web-2 back at 3 s
        assertThat(listener.events).containsSubsequence("ready web-1 2000ms", "ready api-1 4000ms",
                "drain web-1 10000ms", "drain api-1 10000ms", "redeploy web-2", "redeploy api-2",
                "ready api-2 1000ms", "ready web-2 3000ms");
        assertThat(report.services()).extracting(ServiceReport::name)
                .containsExactly("web-1", "api-1", "web-2", "api-2");
        assertThat(report.services()).extracting(ServiceReport::took)
                .containsExactly(ofSeconds(2), ofSeconds(4), ofSeconds(3), ofSeconds(1));
    }

    @Test
    void aFailureInsideAWave_theOthersAreWatchedToTheirEnd_andNoLaterWaveStarts() {
        Service web1 = platform.add("web-1");
        Service api1 = platform.add("api-1");
        platform.add("web-2");
        platform.script(web1,
                new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(2), PARTLY_RUNNING, 0, FAILED, false));
        platform.healthy(api1, ofSeconds(5));

        RolloutReport report = run(List.of(List.of("web-1", "api-1"), List.of("web-2")));

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.redeployed()).containsExactly("web-1", "api-1");
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.FAILED, ServiceOutcome.REDEPLOYED,
                ServiceOutcome.NOT_STARTED);
        assertThat(report.services().get(1).took()).isEqualTo(ofSeconds(5));
        assertThat(time.totalSlept()).as("no drain after a failed wave").isEqualTo(ofSeconds(5));
    }

    @Test
    void aWaveTimesOutAsAWhole_whenOneServiceNeverComesBack() {
        settings = settings.withTimeout(ofSeconds(6));
        Service web1 = platform.add("web-1");
        Service api1 = platform.add("api-1");
        platform.script(web1, new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false));
        platform.healthy(api1, ofSeconds(2));

        RolloutReport report = run(List.of(List.of("web-1", "api-1")));

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.TIMED_OUT, ServiceOutcome.REDEPLOYED);
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(6));
    }

    @Test
    void perContainer_rollsTheContainersOfAWavesServicesInParallel_oneContainerPerServiceAtATime() {
        settings = settings.withPerContainer(true).withDrainDelay(ofSeconds(5));
        Service web = platform.add("web", null, RUNNING, 2, 2);
        Service api = platform.add("api", null, RUNNING, 2, 2);
        platform.healthyContainers(web, ofSeconds(1)).healthyContainers(api, ofSeconds(3));

        RolloutReport report = run(List.of(List.of("web", "api")));

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        // web-1 back at 1 s, drained until 6 s; api-1 back at 3 s, drained until 8 s.
        assertThat(posted).containsExactly("web/web-1@0", "api/api-1@0", "web/web-2@6", "api/api-2@8");
        assertThat(report.services()).extracting(ServiceReport::took)
                .containsExactly(ofSeconds(7), ofSeconds(11));
    }

    @Test
    void theSameServiceInTwoWaves_isRefused_nothingRedeployed() {
        platform.add("web-1");
        platform.add("web-2");

        RolloutReport report = run(List.of(List.of("web-1", "web-2"), List.of("web-1")));

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(DuplicateTargetException.class);
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void preflightCoversEveryServiceOfEveryWave() {
        platform.add("web-1");
        platform.add("api-1");
        platform.add("web-2", null, PARTLY_RUNNING, 1, 2);

        RolloutReport report = run(List.of(List.of("web-1", "api-1"), List.of("web-2", "api-2")));

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(ResolutionException.class).hasMessageContaining("api-2");
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void aDryRunPlansTheWaves_theWorstCaseIsOneTimeoutPerWave() {
        settings = settings.withDryRun(true).withTimeout(ofSeconds(60));
        platform.add("web-1");
        platform.add("api-1");
        platform.add("web-2");

        run(List.of(List.of("web-1", "api-1"), List.of("web-2")));

        assertThat(listener.plan.waves()).hasSize(2);
        assertThat(listener.worstCase).isEqualTo(ofSeconds(60 + 10 + 60));
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void anInterruptMidWave_endsEveryServiceOfTheWaveAsInterrupted() {
        Service web1 = platform.add("web-1");
        Service api1 = platform.add("api-1");
        platform.add("web-2");
        platform.healthy(web1, ofSeconds(5)).healthy(api1, ofSeconds(5));
        Cancellation cancellation = new Cancellation();
        time.onSleep(nap -> {
            if (time.totalSlept().equals(ofSeconds(2))) {
                cancellation.request();
            }
        });

        RolloutReport report = new Rollout(platform, time, time)
                .runWaves(List.of(List.of("web-1", "api-1"), List.of("web-2")), settings, listener, cancellation);

        assertThat(report.outcome()).isEqualTo(RunOutcome.INTERRUPTED);
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.INTERRUPTED, ServiceOutcome.INTERRUPTED,
                ServiceOutcome.NOT_STARTED);
    }

    @Test
    void aServiceThatEndsStoppedInAWave_failsAtOnce() {
        Service web1 = platform.add("web-1");
        Service api1 = platform.add("api-1");
        platform.script(web1,
                new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(1), ServiceState.STOPPED, 0, IN_PROGRESS, false));
        platform.healthy(api1, ofSeconds(2));

        RolloutReport report = run(List.of(List.of("web-1", "api-1")));

        assertThat(outcomes(report)).containsExactly(ServiceOutcome.FAILED, ServiceOutcome.REDEPLOYED);
        assertThat(report.services().get(0).took()).isEqualTo(ofSeconds(1));
    }
}
