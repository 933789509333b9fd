package dev.zdd.rollout;

import static dev.zdd.platform.ActionState.IN_PROGRESS;
import static dev.zdd.platform.ActionState.SUCCESS;
import static dev.zdd.platform.ServiceState.REDEPLOYING;
import static dev.zdd.platform.ServiceState.RUNNING;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.platform.InMemoryPlatform;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.Service;
import dev.zdd.time.FakeTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The safety invariant: zdd never takes a service down unless every other service named in the run, outside the
 * current wave, is fully Running with no action in progress; it waits for one that is not, within the step's
 * timeout, then fails without touching anything more.
 */
class InvariantTest {

    private final FakeTime time = new FakeTime();
    private final InMemoryPlatform platform = new InMemoryPlatform(time);
    private final RecordingListener listener = new RecordingListener();
    private RolloutSettings settings = RolloutSettings.defaults();

    private RolloutReport run(String... arguments) {
        return new Rollout(platform, time, time).run(List.of(arguments), settings, listener, new Cancellation());
    }

    /** web-1 is back 2 s after its redeploy; at 12 s another pipeline redeploys it again, back at {@code back}. */
    private Service redeployedAgainByAnotherPipeline(Duration back) {
        Service web1 = platform.add("web-1");
        platform.script(web1,
                new Frame(Duration.ZERO, REDEPLOYING, 0, IN_PROGRESS, false),
                new Frame(ofSeconds(2), RUNNING, 1, SUCCESS, true),
                new Frame(ofSeconds(12), REDEPLOYING, 0, SUCCESS, true),
                new Frame(back, RUNNING, 1, SUCCESS, true));
        return web1;
    }

    @Test
    void waitsForAnotherTargetThatAnotherPipelineTookDown_beforeTakingTheNextOneDown() {
        redeployedAgainByAnotherPipeline(ofSeconds(17));
        Service web2 = platform.add("web-2");
        platform.healthy(web2, ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        // web-1 back at 2 s, drained until 12 s; then web-1 is down again until 17 s: web-2 waits for it.
        assertThat(time.naps()).containsExactly(ofSeconds(1), ofSeconds(1), ofSeconds(10),
                ofSeconds(1), ofSeconds(1), ofSeconds(1), ofSeconds(1), ofSeconds(1),
                ofSeconds(1));
        assertThat(listener.details).anyMatch(d -> d.startsWith("web-2: waiting: web-1 is Redeploying"));
        assertThat(report.services().get(1).took()).as("from web-2's redeploy, after the wait")
                .isEqualTo(ofSeconds(1));
    }

    @Test
    void failsWithoutTouchingTheService_whenTheOtherTargetIsStillDownAtTheTimeout() {
        settings = settings.withTimeout(ofSeconds(8));
        redeployedAgainByAnotherPipeline(ofSeconds(3600));
        platform.add("web-2");
        platform.add("web-3");

        RolloutReport report = run("web-1", "web-2", "web-3");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(report.services()).extracting(ServiceReport::outcome).containsExactly(
                ServiceOutcome.REDEPLOYED, ServiceOutcome.FAILED, ServiceOutcome.NOT_STARTED);
        assertThat(report.services().get(1).reason()).startsWith("not redeployed: web-1 is Redeploying")
                .contains("--timeout 8s");
    }

    @Test
    void anUnfinishedActionOnAnotherTargetCountsAsDown() {
        Service web1 = platform.add("web-1");
        Service web2 = platform.add("web-2");
        platform.healthy(web1, ofSeconds(1)).healthy(web2, ofSeconds(1));
        // Another pipeline's redeploy of web-1 is queued during the drain: web-1 still reads Running.
        time.onSleep(nap -> {
            if (nap.equals(ofSeconds(10))) {
                platform.startAction(web1, "Service Redeploy");
            } else if (time.totalSlept().equals(ofSeconds(14))) {
                platform.finishActions(web1);
            }
        });

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(listener.details).anyMatch(d -> d.contains("web-1 has Service Redeploy In progress"));
        assertThat(report.services().get(1).took()).as("from web-2's redeploy, after the wait")
                .isEqualTo(ofSeconds(1));
    }

    @Test
    void theLastLookBeforeATurn_readsTheUnfinishedActionsOnce_forTheOtherTargetsAndTheTargetTogether() {
        Service web1 = platform.add("web-1");
        Service web2 = platform.add("web-2");
        platform.healthy(web1, ofSeconds(1)).healthy(web2, ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        // On Tutum each read is two requests over the account's whole Pending and In progress lists.
        assertThat(platform.calls()).filteredOn(c -> c.startsWith("actions"))
                .as("preflight's, then one before web-2").containsExactly("actions [web-1, web-2]",
                        "actions [web-1, web-2]");
    }

    @Test
    void aLaterTargetThatServesButIsBusy_isNotRedeployedOnTopOfAnotherChange() {
        Service web1 = platform.add("web-1");
        Service web2 = platform.add("web-2");
        platform.healthy(web1, ofSeconds(1)).healthy(web2, ofSeconds(1));
        // During web-1's drain, another pipeline starts a change of web-2 that leaves it reading Running (as Swarm
        // reads an update down to its monitor period).
        time.onSleep(nap -> {
            if (nap.equals(ofSeconds(10))) {
                platform.startAction(web2, "Service update");
            }
        });

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(platform.redeployed()).containsExactly("web-1");
        assertThat(report.services().get(1).reason()).startsWith("busy: Service update In progress");
    }

    @Test
    void servicesOfTheSameWaveAreNotGuarded_theyGoDownTogetherByDesign() {
        Service web1 = platform.add("web-1");
        Service api1 = platform.add("api-1");
        platform.healthy(web1, ofSeconds(1)).healthy(api1, ofSeconds(3));

        RolloutReport report = new Rollout(platform, time, time).runWaves(List.of(List.of("web-1", "api-1")),
                settings, listener, new Cancellation());

        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
        assertThat(platform.calls()).filteredOn(c -> c.startsWith("actions"))
                .as("only the preflight's").containsExactly("actions [web-1, api-1]");
    }

    @Test
    void forceSkipsTheInvariant_asItSkipsEveryStateCheck() {
        settings = settings.withForce(true).withTimeout(ofSeconds(8));
        redeployedAgainByAnotherPipeline(ofSeconds(3600));
        Service web2 = platform.add("web-2");
        platform.healthy(web2, ofSeconds(1));

        RolloutReport report = run("web-1", "web-2");

        assertThat(platform.redeployed()).containsExactly("web-1", "web-2");
        assertThat(report.outcome()).isEqualTo(RunOutcome.SUCCESS);
    }

    @Test
    void preflightRefusesATargetWithAnUnfinishedAction() {
        Service web1 = platform.add("web-1");
        platform.add("web-2");
        platform.startAction(web1, "Service Redeploy");

        RolloutReport report = run("web-1", "web-2");

        assertThat(report.outcome()).isEqualTo(RunOutcome.REFUSED);
        assertThat(report.cause()).isInstanceOf(PreflightException.class)
                .hasMessageContaining("web-1: has Service Redeploy In progress (busy)");
        assertThat(platform.redeployed()).isEmpty();
    }
}
