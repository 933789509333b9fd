package dev.zdd.rollout;

import static dev.zdd.platform.ActionState.IN_PROGRESS;
import static dev.zdd.platform.ActionState.PENDING;
import static dev.zdd.platform.ActionState.SUCCESS;
import static dev.zdd.platform.ServiceState.REDEPLOYING;
import static dev.zdd.platform.ServiceState.RUNNING;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.time.FakeTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wait between looks when the platform announces changes: react at once, poll only as a safety net. */
class AnnouncedChangesTest {

    private final FakeTime time = new FakeTime();
    private final InMemoryPlatform platform = new InMemoryPlatform(time);
    private final ScriptedChanges changes = new ScriptedChanges(time);
    private final RecordingListener listener = new RecordingListener();
    private RolloutSettings settings = RolloutSettings.defaults();

    private RolloutReport run(String... arguments) {
        platform.announcing(changes);
        return new Rollout(platform, time, time).run(List.of(arguments), settings, listener, new Cancellation());
    }

    private List<String> reads() {
        return platform.calls().stream().filter(c -> c.startsWith("action ") || c.startsWith("service ")).toList();
    }

    @Test
    void anAnnouncedChangeMakesTheNextLookImmediate_noPolling() {
        Service one = platform.add("web-1");
        platform.healthy(one, ofMillis(2500));
        changes.announceActions(ofMillis(2500)).announce(ofMillis(2500), one.id());

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events).contains("ready web-1 2500ms");
        assertThat(time.naps()).isEmpty();
        assertThat(changes.waits()).containsExactly(Rollout.SAFETY_INTERVAL);
    }

    @Test
    void anAnnouncementOfTheActionAloneReadsTheActionOnly_untilItFinishes() {
        Service one = platform.add("web-1");
        platform.script(one,
                new Frame(ofSeconds(0), REDEPLOYING, 0, PENDING, false),
                new Frame(ofSeconds(1), REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(3), RUNNING, 1, SUCCESS, true));
        // The service's own change is never announced: the action's end is reason enough to read it again.
        changes.announceActions(ofSeconds(1)).announceActions(ofSeconds(3));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events).contains("ready web-1 3000ms");
        assertThat(reads()).containsExactly(
                "action web-1", "service web-1",    // the first look, right after the redeploy
                "action web-1",                     // Pending -> In progress: nothing else to read
                "action web-1", "service web-1");   // Success: the service, read after the action finished
    }

    @Test
    void withoutAnnouncements_looksAtTheSafetyInterval() {
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(45));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events).contains("ready web-1 60000ms");
        assertThat(changes.waits()).containsExactly(ofSeconds(30), ofSeconds(30));
        assertThat(time.naps()).isEmpty();
    }

    @Test
    void aPollIntervalLongerThanTheSafetyIntervalStretchesIt() {
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(45));
        settings = settings.withPollInterval(ofMinutes(1));

        run("web-1");

        assertThat(changes.waits()).containsExactly(ofMinutes(1));
    }

    @Test
    void theSafetyWaitIsCutToTheTimeout() {
        Service one = platform.add("web-1");
        platform.healthy(one, ofMinutes(5));
        settings = settings.withTimeout(ofSeconds(40));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.TIMED_OUT);
        assertThat(changes.waits()).containsExactly(ofSeconds(30), ofSeconds(10));
    }

    @Test
    void whenTheStreamDrops_looksAtOnceThenNapsThePollInterval() {
        Service one = platform.add("web-1");
        platform.healthy(one, ofMillis(7500));
        changes.dropAfter(ofSeconds(5));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(changes.waits()).containsExactly(ofSeconds(30));
        assertThat(time.naps()).containsExactly(ofSeconds(1), ofSeconds(1), ofSeconds(1));
        assertThat(listener.events).contains("ready web-1 8000ms");
    }

    @Test
    void eachServiceReactsToItsOwnAnnouncements_andTheStreamIsClosedAtTheEnd() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(2)).healthy(two, ofSeconds(2));
        // web-2 is redeployed after web-1 (2 s) and its drain (10 s).
        changes.announce(ofSeconds(2), one.id()).announceActions(ofSeconds(2))
                .announce(ofSeconds(1), two.id()) // about web-2 while web-1 is waited for: not a reason to look
                .announce(ofSeconds(14), two.id()).announceActions(ofSeconds(14));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events).contains("ready web-1 2000ms", "ready web-2 2000ms");
        assertThat(time.naps()).containsExactly(ofSeconds(10));
        assertThat(changes.closed()).isTrue();
    }

    @Test
    void perContainer_reactsToTheServiceAndTheAction() {
        Service one = platform.add("web-1", null, RUNNING, 1, 1);
        platform.healthyContainers(one, ofSeconds(2));
        settings = settings.withPerContainer(true);
        changes.announce(ofSeconds(2), one.id()).announceActions(ofSeconds(2));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events).contains("ready web-1 2000ms");
        assertThat(time.naps()).isEmpty();
    }

    @Test
    void theAnnouncementsStartToConnectBeforeTheFirstRead_soThatTheyFlowByTheFirstRedeploy() {
        platform.add("web-1");

        run("web-1");

        assertThat(platform.calls()).startsWith("changes", "services");
        assertThat(changes.closed()).isTrue();
    }

    @Test
    void aRunRefusedAtPreflightClosesTheAnnouncementsItOpened() {
        platform.add("web-1", null, ServiceState.STOPPED, 0, 1);

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(platform.calls()).contains("changes").doesNotContain("redeploy web-1");
        assertThat(changes.closed()).isTrue();
    }

    @Test
    void aDryRunNeverListens() {
        platform.add("web-1");
        settings = settings.withDryRun(true);

        run("web-1");

        assertThat(platform.calls()).doesNotContain("changes");
    }

    @Test
    void theSafetyLookHappensOnTime_whateverTheStreamAnnouncesMeanwhile() {
        Service one = platform.add("web-1");
        platform.script(one,
                new Frame(ofSeconds(0), REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(25), RUNNING, 1, SUCCESS, true));
        // The action is announced twice while nothing changes; its end, at 25 s, is never announced.
        changes.announceActions(ofSeconds(10)).announceActions(ofSeconds(20));

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(changes.waits()).containsExactly(ofSeconds(30), ofSeconds(20), ofSeconds(10));
        assertThat(listener.events).contains("ready web-1 30000ms");
    }

    @Test
    void aServiceThatChangedIsAReasonToReadItsActionAgain_whoseEndMayNeverBeAnnounced() {
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(8));
        changes.announce(ofSeconds(10), one.id()).announce(ofSeconds(20), one.id());

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events).contains("ready web-1 10000ms");
    }

    @Test
    void aFloodOfAnnouncementsIsCoalesced_toAFewLooksASecond() {
        Service one = platform.add("web-1");
        platform.healthy(one, ofSeconds(3));
        for (int ms = 50; ms <= 3000; ms += 50) {
            changes.announce(ofMillis(ms), one.id());
        }

        RolloutReport report = run("web-1");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        long serviceReads = reads().stream().filter(r -> r.startsWith("service ")).count();
        assertThat(serviceReads).as("60 announcements in 3 s").isLessThanOrEqualTo(3 * 4 + 2);
        assertThat(time.naps()).isNotEmpty().allMatch(nap -> nap.compareTo(ofMillis(250)) <= 0);
    }

    @Test
    void aSafetyLookThatFindsAnUnannouncedChange_makesTheRestOfTheRunPoll() {
        Service one = platform.add("web-1");
        Service two = platform.add("web-2");
        platform.healthy(one, ofSeconds(5)).healthy(two, ofSeconds(2));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.events).contains("ready web-1 30000ms", "ready web-2 2000ms");
        assertThat(changes.waits()).containsExactly(ofSeconds(30));
        assertThat(time.naps()).containsExactly(ofSeconds(10), ofSeconds(1), ofSeconds(1));
        assertThat(listener.details).anyMatch(d -> d.contains("never announced: polling every --poll-interval"));
    }
}
