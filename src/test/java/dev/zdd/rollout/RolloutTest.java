package dev.zdd.rollout;

import static dev.zdd.platform.ActionState.CANCELED;
import static dev.zdd.platform.ActionState.FAILED;
import static dev.zdd.platform.ActionState.IN_PROGRESS;
import static dev.zdd.platform.ActionState.PENDING;
import static dev.zdd.platform.ActionState.SUCCESS;
import static dev.zdd.platform.ServiceState.PARTLY_RUNNING;
import static dev.zdd.platform.ServiceState.REDEPLOYING;
import static dev.zdd.platform.ServiceState.RUNNING;
import static dev.zdd.platform.ServiceState.STOPPED;
import static dev.zdd.platform.ServiceState.TERMINATED;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutTest {

    private final FakeTime time = new FakeTime();
    private final InMemoryPlatform platform = new InMemoryPlatform(time);
    private final RecordingListener listener = new RecordingListener();
    private final Cancellation cancellation = new Cancellation();
    private RolloutSettings settings = RolloutSettings.defaults();

    private RolloutReport run(String... arguments) {
        return new Rollout(platform, time, time).run(List.of(arguments), settings, listener, cancellation);
    }

    private static List<ServiceOutcome> outcomes(RolloutReport report) {
        return report.services().stream().map(ServiceReport::outcome).toList();
    }

    @Test
    void redeploysInTheOrderGiven_notTheOrderTheApiLists() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(2)).healthy(two, ofSeconds(2));

        RolloutReport report = run("web-2", "web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(platform.redeployed()).containsExactly("web-2", "web-1");
        assertThat(report.services()).extracting(ServiceReport::name).containsExactly("web-2", "web-1");
        assertThat(outcomes(report)).containsOnly(ServiceOutcome.REDEPLOYED);
    }

    @Test
    void pollsAtTheIntervalAndDrainsOnlyBetweenServices_exactSequenceOfWaits() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofMillis(2500)).healthy(two, ofMillis(1500));

        run("web-1", "web-2");

        assertThat(time.naps()).containsExactly(
                ofSeconds(1), ofSeconds(1), ofSeconds(1),   // web-1 back at the look after 2.5 s
                ofSeconds(10),                               // drain, after web-1 only
                ofSeconds(1), ofSeconds(1));                 // web-2 back at 2 s; no drain after the last
        assertThat(listener.events).containsExactly(
                "plan [web-1, web-2]",
                "redeploy web-1", "state web-1 Redeploying", "state web-1 Running", "ready web-1 3000ms",
                "drain web-1 10000ms",
                "redeploy web-2", "state web-2 Redeploying", "state web-2 Running", "ready web-2 2000ms");
    }

    @Test
    void aRunningStateReadBeforeTheActionFinishedNeverCounts() {
        Service one = platform.add("web-1");
        // The platform lags: for 3 s after the POST the service still reads Running and the action is Pending.
        platform.script(one,
                new Frame(ofSeconds(3), REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(5), RUNNING, 1, SUCCESS, true));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(report.services().get(0).took()).isEqualTo(ofSeconds(5));
        assertThat(listener.events).contains("ready web-1 5000ms");
    }

    @Test
    void runningWithActionStillInProgress_keepsWaiting() {
        Service one = platform.add("web-1");
        platform.script(one,
                new Frame(Duration.ZERO, RUNNING, 1, IN_PROGRESS, true),
                new Frame(ofSeconds(4), RUNNING, 1, SUCCESS, true));

        RolloutReport report = run("web-1");

        assertThat(report.services().get(0).took()).isEqualTo(ofSeconds(4));
    }

    @Test
    void withoutAnActionHeader_staleRunningNeverCounts_mustLeaveAndComeBack() {
        Service one = platform.add("web-1");
        platform.withoutActions().script(one,
                new Frame(ofSeconds(2), REDEPLOYING, 0, PENDING, false),
                new Frame(ofSeconds(4), RUNNING, 1, PENDING, false));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(report.services().get(0).took()).isEqualTo(ofSeconds(4));
    }

    @Test
    void withoutAnActionHeader_replacedContainersCountAsTheRedeployHavingHappened() {
        Service one = platform.add("web-1");
        platform.withoutActions().script(one,
                new Frame(ofSeconds(3), RUNNING, 1, PENDING, true));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(report.services().get(0).took()).isEqualTo(ofSeconds(3));
    }

    @Test
    void withoutAnActionHeader_aServiceThatNeverChangesTimesOut() {
        settings = settings.withTimeout(ofSeconds(5));
        Service one = platform.add("web-1");
        platform.withoutActions().script(one, new Frame(Duration.ZERO, RUNNING, 1, PENDING, false));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
    }

    @Test
    void aFailedActionFailsAtOnce_laterServicesUntouched() {
        settings = settings.withTimeout(ofMinutes(10));
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.script(one,
                new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(2), PARTLY_RUNNING, 0, FAILED, false));
        platform.healthy(two, ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.FAILED, ServiceOutcome.NOT_STARTED);
        assertThat(report.services().get(0).reason()).contains("Failed");
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(2));
    }

    @Test
    void aCanceledActionFailsAtOnce() {
        Service one = platform.add("web-1");
        platform.script(one, new Frame(ofSeconds(1), REDEPLOYING, 0, CANCELED, false));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.services().get(0).reason()).contains("Canceled");
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(1));
    }

    @Test
    void aServiceThatEndsStoppedFailsAtOnce() {
        Service one = platform.add("web-1");
        platform.script(one,
                new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(2), STOPPED, 0, IN_PROGRESS, false));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.services().get(0).reason()).contains("Stopped");
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(2));
    }

    @Test
    void aServiceThatEndsNotRunningFailsAtOnce() {
        Service one = platform.add("web-1");
        platform.script(one, new Frame(ofSeconds(1), ServiceState.NOT_RUNNING, 0, IN_PROGRESS, false));

        assertThat(run("web-1").outcome()).isEqualTo(RunOutcome.FAILED);
    }

    @Test
    void partlyRunningAfterTheActionFinishedFailsAtOnce() {
        Service one = platform.add("web-1", null, RUNNING, 2, 2);
        platform.script(one,
                new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(3), PARTLY_RUNNING, 1, SUCCESS, true));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.services().get(0).reason()).contains("Partly running").contains("1/2");
    }

    @Test
    void partlyRunningWhileTheActionRuns_keepsWaiting() {
        Service one = platform.add("web-1", null, RUNNING, 2, 2);
        platform.script(one,
                new Frame(Duration.ZERO, PARTLY_RUNNING, 1, IN_PROGRESS, false),
                new Frame(ofSeconds(3), RUNNING, 2, SUCCESS, true));

        assertThat(run("web-1").outcome()).isEqualTo(RunOutcome.SUCCESS);
    }

    @Test
    void aTerminatedServiceFailsAtOnce() {
        Service one = platform.add("web-1");
        platform.script(one, new Frame(ofSeconds(1), TERMINATED, 0, IN_PROGRESS, false));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.services().get(0).reason()).contains("terminated");
    }

    @Test
    void actionSuccessButNotAllContainersRunningYet_keepsWaiting() {
        Service one = platform.add("web-1", null, RUNNING, 2, 2);
        platform.script(one,
                new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(2), RUNNING, 1, SUCCESS, true),
                new Frame(ofSeconds(4), RUNNING, 2, SUCCESS, true));

        RolloutReport report = run("web-1");

        assertThat(report.services().get(0).took()).isEqualTo(ofSeconds(4));
    }

    @Test
    void timesOutAfterTimeout_lastNapCutToTheDeadline_laterServicesUntouched() {
        settings = settings.withTimeout(ofMillis(2500));
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.script(one, new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false));
        platform.healthy(two, ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(time.naps()).containsExactly(ofSeconds(1), ofSeconds(1), ofMillis(500));
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.TIMED_OUT, ServiceOutcome.NOT_STARTED);
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(report.services().get(0).reason()).contains("--timeout 2.5s").contains("Redeploying");
    }

    @Test
    void theRunDeadlineBoundsTheWholeRun() {
        settings = settings.withDeadline(ofSeconds(14)).withTimeout(ofMinutes(10));
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(2)).healthy(two, ofSeconds(5));

        RolloutReport report = run("web-1", "web-2");

        // web-1 back at 2 s, drain to 12 s, web-2 still redeploying when the deadline passes at 14 s.
        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.REDEPLOYED, ServiceOutcome.TIMED_OUT);
        assertThat(report.services().get(1).reason()).contains("--deadline 14s");
        assertThat(time.totalSlept()).isEqualTo(ofSeconds(14));
    }

    @Test
    void aDeadlineThatEndsDuringTheDrain_startsNoFurtherRedeploy() {
        settings = settings.withDeadline(ofSeconds(5));
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(2)).healthy(two, ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(time.naps()).containsExactly(ofSeconds(1), ofSeconds(1), ofSeconds(3));
    }

    @Test
    void zeroDrainDelay_noDrainNap() {
        settings = settings.withDrainDelay(Duration.ZERO);
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1));

        run("web-1", "web-2");

        assertThat(time.naps()).containsExactly(ofSeconds(1), ofSeconds(1));
        assertThat(listener.events).noneMatch(e -> e.startsWith("drain"));
    }

    @Test
    void interruptedDuringTheDrain_noNewRedeployStarts() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1));
        time.onSleep(nap -> {
            if (nap.equals(ofSeconds(10))) {
                cancellation.request();
            }
        });

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.INTERRUPTED);
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.REDEPLOYED, ServiceOutcome.NOT_STARTED);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void interruptedWhileWaiting_stopsWaitingAndSaysSo() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(30)).healthy(two, ofSeconds(1));
        time.onSleep(nap -> {
            if (time.totalSlept().equals(ofSeconds(3))) {
                cancellation.request();
            }
        });

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.INTERRUPTED);
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.INTERRUPTED, ServiceOutcome.NOT_STARTED);
        assertThat(platform.redeployed()).containsExactly("web-1");
    }

    @Test
    void dryRun_onlyReads_andPlansTheWorstCase() {
        settings = settings.withDryRun(true).withTimeout(ofMinutes(2)).withDrainDelay(ofSeconds(10));
        platform.add("web-1");
        platform.add("web-2");

        RolloutReport report = run("web-2", "web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(platform.calls()).containsExactly("services", "actions [web-2, web-1]");
        assertThat(listener.events).containsExactly("plan [web-2, web-1] dry-run");
        assertThat(listener.worstCase).isEqualTo(ofSeconds(250));
        assertThat(outcomes(report)).containsOnly(ServiceOutcome.NOT_STARTED);
    }

    @Test
    void worstCaseIsCappedByTheDeadline() {
        platform.add("web-1");
        platform.add("web-2");
        settings = RolloutSettings.defaults().withDryRun(true);
        run("web-1", "web-2");
        assertThat(listener.worstCase).isEqualTo(ofSeconds(1210));

        settings = settings.withDeadline(ofMinutes(3));
        run("web-1", "web-2");
        assertThat(listener.worstCase).isEqualTo(ofMinutes(3));
    }

    @Test
    void preflightRefusesWhenATargetIsNotFullyRunning_nothingRedeployed() {
        Service one = platform.add("web-1");
        platform.add("web-2", null, PARTLY_RUNNING, 1, 2);
        platform.healthy(one, ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(PreflightException.class).hasMessageContaining("web-2")
                .hasMessageContaining("1/2");
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void preflightRefusesABusyTarget() {
        platform.add("web-1");
        platform.add("web-2", null, REDEPLOYING, 0, 1);

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.cause()).isInstanceOf(PreflightException.class).hasMessageContaining("busy");
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void forceSkipsTheStatePartOfPreflight() {
        settings = settings.withForce(true);
        Service one = platform.add("web-1", null, STOPPED, 0, 1);
        platform.healthy(one, ofSeconds(2));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
    }

    @Test
    void forceWithAStoppedService_aStaleStoppedReadIsNotAFailure() {
        settings = settings.withForce(true);
        Service one = platform.add("web-1", null, STOPPED, 0, 1);
        platform.script(one,
                new Frame(Duration.ZERO, STOPPED, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(2), REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(4), RUNNING, 1, SUCCESS, true));

        assertThat(run("web-1").outcome()).isEqualTo(RunOutcome.SUCCESS);
    }

    @Test
    void forceNeverSkipsResolution() {
        settings = settings.withForce(true);
        platform.add("web-1");

        RolloutReport report = run("web-1", "nope");

        assertThat(report.cause()).isInstanceOf(ResolutionException.class);
        assertThat(platform.redeployed()).isEmpty();
    }

    @Test
    void aLaterTargetThatStoppedServingMeanwhile_stopsTheRunBeforeTouchingIt() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(1)).healthy(two, ofSeconds(1));
        time.onSleep(nap -> platform.set(two, PARTLY_RUNNING, 0));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.REDEPLOYED, ServiceOutcome.FAILED);
        assertThat(report.services().get(1).reason()).contains("no longer fully Running");
    }

    @Test
    void aTypoInTheSecondNameLeavesTheFirstUntouched() {
        platform.add("web-1");

        RolloutReport report = run("web-1", "wbe-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(ResolutionException.class).hasMessageContaining("wbe-2");
        assertThat(platform.redeployed()).isEmpty();
        assertThat(outcomes(report)).containsOnly(ServiceOutcome.NOT_STARTED);
    }

    @Test
    void aPlatformErrorDuringTheWaitFailsTheRunWithItsCause() {
        Service one = platform.add("web-1");
        platform.failRedeploy(one, PlatformException.status("POST", "/api/v1/service/x/redeploy/", 500, "boom"));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.cause()).isInstanceOf(PlatformException.class);
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.FAILED);
    }

    @Test
    void anUnexpectedFailureMidRun_stillReportsWhatWasRedeployedBeforeIt() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(1));
        platform.failRedeploy(two, new IllegalStateException("a bug in an adapter"));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(outcomes(report)).containsExactly(ServiceOutcome.REDEPLOYED, ServiceOutcome.FAILED);
        assertThat(report.cause()).isInstanceOf(IllegalStateException.class);
        assertThat(report.services().get(1).reason()).isEqualTo("a bug in an adapter");
    }

    @Test
    void passesReuseVolumesFalseWhenAsked() {
        settings = settings.withReuseVolumes(false);
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(1));

        run("web-1");

        assertThat(platform.calls()).contains("redeploy web-1 reuse_volumes=false");
    }
}
