package dev.zdd.rollout;

import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.Service;
import dev.zdd.time.FakeTime;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A redeploy the platform still watches once it is back (Swarm's update monitor): the rollout goes on at once, and
 * the run ends well only once every such redeploy has settled as Success.
 */
class SettleTest {

    private final FakeTime time = new FakeTime();
    private final InMemoryPlatform platform = new InMemoryPlatform(time);
    private final RecordingListener listener = new RecordingListener();
    private RolloutSettings settings = RolloutSettings.defaults().withDrainDelay(ofSeconds(2));

    private RolloutReport run(String... arguments) {
        return new Rollout(platform, time, time).run(List.of(arguments), settings, listener, new Cancellation());
    }

    /** Every URL answers 2xx at once; checks 1 s apart. */
    private final ReadinessCheck serving = new ReadinessCheck() {
        @Override
        public String attempt(URI url, java.time.Duration timeout) {
            return null;
        }

        @Override
        public java.time.Duration interval() {
            return ofSeconds(1);
        }
    };

    private RolloutReport runReady(String... arguments) {
        settings = settings.withReadiness(new RolloutSettings.Readiness(null, List.of(URI.create("http://lb.test/")),
                1));
        return new Rollout(platform, time, time, serving).run(List.of(arguments), settings, listener,
                new Cancellation());
    }

    @Test
    void withAReadinessCheck_goesOnWhileThePlatformWatches_andEndsOnlyOnceEveryWatchEnded() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        // Back 1 s after each redeploy; watched until 6 s after it.
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1)).watches(one, ofSeconds(6))
                .watches(two, ofSeconds(6));

        RolloutReport report = runReady("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        // web-2 went at 3 s (back and ready at 1 s, 2 s of drain), before web-1's watch ended, which web-2's step did
        // not wait for (it is the run's own); the run ended with web-2's watch, at 9 s.
        assertThat(listener.events).containsSubsequence("ready web-1 1000ms", "drain web-1 2000ms", "redeploy web-2",
                "ready web-2 1000ms");
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(9));
        assertThat(report.services()).allMatch(s -> s.outcome() == ServiceOutcome.REDEPLOYED);
    }

    @Test
    void withoutAReadinessCheck_waitsForTheWatchToEnd_theOnlyEvidenceThatTheNewContainersStayUp() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1)).watches(one, ofSeconds(6))
                .watches(two, ofSeconds(6));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events).containsSubsequence("ready web-1 6000ms", "drain web-1 2000ms", "redeploy web-2",
                "ready web-2 6000ms");
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(14));
    }

    @Test
    void anotherPipelinesWatchedRedeploy_isRefusedAtPreflight_whenItsServiceIsATarget() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1));
        // Someone else redeployed web-2 just before; the platform watches it for 4 s more.
        platform.redeploy(two, true);
        platform.watches(two, ofSeconds(4));

        RolloutReport report = runReady("web-1");

        assertThat(report.outcome()).as("web-2 is not in the run, so nothing waits for it")
                .isEqualTo(RunOutcome.SUCCESS);
        RolloutReport both = runReady("web-2", "web-1");
        assertThat(both.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(both.cause().getMessage()).contains("web-2").contains("busy");
    }

    @Test
    void failsTheRun_whenThePlatformUndoesARedeployItStillWatched() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1)).watches(one, ofSeconds(6))
                .undoes(one, ofSeconds(5)).watches(two, ofSeconds(6)).image(one, "web:1").push("web:1", "sha256:1");

        RolloutReport report = runReady("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.services().get(0).outcome()).isEqualTo(ServiceOutcome.FAILED);
        assertThat(report.services().get(0).reason()).contains("undid").contains("rolled back");
        assertThat(report.services().get(0).imageBefore()).as("the summary keeps its images").isEqualTo("web:1");
        assertThat(report.services().get(0).image()).isEqualTo("web:1@sha256:1");
        assertThat(report.services().get(1).outcome()).isEqualTo(ServiceOutcome.REDEPLOYED);
        assertThat(listener.events).anyMatch(e -> e.startsWith("failed web-1: after it was back"));
    }

    @Test
    void timesOut_whenTheWatchOutlastsTheTimeout() {
        settings = settings.withTimeout(ofSeconds(10));
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(1)).watches(one, ofSeconds(60));

        RolloutReport report = runReady("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(report.services().get(0).reason()).contains("had not completed").contains("--timeout 10s");
    }

    @Test
    void timesOut_alsoWhenThePlatformRefusesCallsOnceTheLimitHasPassed() {
        // Docker's and Tutum's clients refuse a call at or past the run's limit: that is the timeout too, never a
        // platform failure, and the summary says which service had not settled.
        settings = settings.withTimeout(ofSeconds(10));
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(1)).watches(one, ofSeconds(60)).honoursDeadlines();

        RolloutReport report = runReady("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(report.services().get(0).outcome()).isEqualTo(ServiceOutcome.TIMED_OUT);
        assertThat(report.services().get(0).reason()).contains("had not completed").contains("--timeout 10s");
        assertThat(listener.events).anyMatch(e -> e.startsWith("failed web-1: its update had not completed"));
    }

    @Test
    void theRunsOwnWatchedRedeploy_replacedBySomeoneElse_holdsTheNextStep() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        // web-1's redeploy is back at 1 s, watched until 6 s; at 2 s another pipeline changes web-1 in a way that
        // keeps the redeploy's id (Swarm: an image update keeps ForceUpdate). That change is someone else's action
        // in progress: web-2 waits for it rather than go down beside it.
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1)).watches(one, ofSeconds(6))
                .replaces(one, ofSeconds(2));

        RolloutReport report = runReady("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.details).anyMatch(d -> d.startsWith("web-2: waiting: web-1 has"));
        // Without the wait web-2 would go at 3 s (1 s back and ready, 2 s of drain), ending at 4 s.
        assertThat(time.totalSlept()).isGreaterThanOrEqualTo(ofSeconds(7));
    }

    @Test
    void aRedeployThatIsFinalAtOnce_costsNoWaitAtTheEnd() {
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(1));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(1));
    }

    @Test
    void readyUrls_areCheckedSideBySide_soASecondUrlCostsNoSecondWait() {
        settings = settings.withReadiness(new RolloutSettings.Readiness(null,
                List.of(URI.create("http://127.0.0.1:1/"), URI.create("http://127.0.0.1:2/")), 3));
        List<URI> attempts = new java.util.ArrayList<>();
        ReadinessCheck answers = new ReadinessCheck() {
            @Override
            public String attempt(URI url, java.time.Duration timeout) {
                attempts.add(url);
                return null;
            }

            @Override
            public java.time.Duration interval() {
                return ofSeconds(1);
            }
        };
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(1));

        RolloutReport report = new Rollout(platform, time, time, answers).run(List.of("web-1"), settings, listener,
                new Cancellation());

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        // Back at 1 s; then three rounds of both URLs, 1 s apart: ready at 3 s, not at 6 s.
        assertThat(attempts).hasSize(6);
        assertThat(listener.events).contains("ready web-1 3000ms");
    }
}
