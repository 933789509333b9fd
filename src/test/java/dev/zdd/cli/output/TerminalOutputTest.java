package dev.zdd.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import dev.zdd.rollout.Target;
import dev.zdd.time.FakeTime;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress on a terminal: live lines redrawn in place, colour unless refused; plain lines everywhere else. */
class TerminalOutputTest {

    @TempDir
    Path home;

    Fixture zdd;
    Service web1;
    Service web2;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home).onATerminal();
        web1 = zdd.platform.add("web-1");
        web2 = zdd.platform.add("web-2");
        zdd.platform.healthy(web1, Duration.ofSeconds(12)).healthy(web2, Duration.ofSeconds(3));
    }

    @Test
    void showsOneLinePerService_withItsStateAndElapsedTime_andKeepsFinishedLines() {
        Fixture.Result result = zdd.run("redeploy", "web-1", "web-2");

        assertThat(result.exitCode()).isZero();
        assertThat(Screen.of(result.err())).endsWith(
                "[web-1] Ready after 12.0s, drained 10s  22.0s",
                "[web-2] Ready after 3.0s  3.0s");
        assertThat(result.err()).contains("\u001b[1A", "\u001b[2K").doesNotContain("2026-01-01T");
        assertThat(result.outLines().get(2)).startsWith("success: 2 of 2 services redeployed");
    }

    @Test
    void aWavesServicesKeepALiveLineEach_whileTheyRedeployTogether() {
        Fixture.Result result = zdd.run("redeploy", "web-1,web-2");

        assertThat(result.exitCode()).isZero();
        // web-2's redeploy, right after web-1's, must not end web-1's line: both finish with their own times.
        assertThat(Screen.of(result.err())).endsWith(
                "[web-1] Ready after 12.0s  12.0s",
                "[web-2] Ready after 3.0s  3.0s");
    }

    @Test
    void coloursTheStates_unlessNoColorOrTheOptionSaysNo() {
        assertThat(zdd.run("redeploy", "web-1").err()).contains("\u001b[33mRedeploying", "\u001b[32mReady");

        assertThat(zdd.run("redeploy", "--no-color", "web-1").err()).doesNotContain("\u001b[3")
                .contains("\u001b[2K");
        zdd.variables.put("NO_COLOR", "1");
        assertThat(zdd.run("redeploy", "web-1").err()).doesNotContain("\u001b[3").contains("\u001b[2K");
    }

    @Test
    void showsAFailureInRed_onTheServicesLine() {
        zdd.platform.script(web1,
                new Frame(Duration.ZERO, ServiceState.REDEPLOYING, 0, ActionState.IN_PROGRESS, false),
                new Frame(Duration.ofSeconds(4), ServiceState.STOPPED, 0, ActionState.FAILED, false));

        Fixture.Result result = zdd.run("redeploy", "web-1", "web-2");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("\u001b[31mFailed: ");
        assertThat(Screen.of(result.err())).anySatisfy(line -> assertThat(line).startsWith("[web-1] Failed: "));
    }

    @Test
    void writesPlainLinesWithoutTimes_withVerboseOrOnADumbTerminal() {
        assertThat(zdd.run("redeploy", "-v", "web-1").err())
                .contains("\n[web-1] Redeploying\n").doesNotContain("\u001b", "\r");

        zdd.variables.put("TERM", "dumb");
        assertThat(zdd.run("redeploy", "web-1").err())
                .contains("\n[web-1] Redeploying\n").doesNotContain("\u001b", "\r");
    }

    @Test
    void quietStaysQuiet_onATerminalToo() {
        Fixture.Result result = zdd.run("redeploy", "-q", "web-1");

        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).hasSize(2);
    }

    @Test
    void redrawsOnItsOwn_withTheElapsedTimeOfTheInjectedClock_andStopsWhenFinished() throws Exception {
        FakeTime time = new FakeTime();
        StringWriter err = new StringWriter();
        LiveLines live = new LiveLines(new PrintWriter(err), time, false);
        live.redeploying(new Target("web-1", web1), null);

        time.advance(Duration.ofMillis(12_400));
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!err.toString().contains("Redeploying  12.4s") && System.nanoTime() < until) {
            Thread.sleep(LiveLines.REFRESH.toMillis() / 4);
        }
        assertThat(Screen.of(err.toString())).containsExactly("[web-1] Redeploying  12.4s");

        live.finish();
        String finished = err.toString();
        Thread.sleep(LiveLines.REFRESH.toMillis() * 2);
        assertThat(err.toString()).isEqualTo(finished);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("zdd-progress"));
    }
}
