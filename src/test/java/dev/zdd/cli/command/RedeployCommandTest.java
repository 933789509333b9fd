package dev.zdd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import dev.zdd.platform.ActionState;
import dev.zdd.platform.InMemoryPlatform.Frame;
import dev.zdd.platform.PlatformException;
import dev.zdd.platform.Service;
import dev.zdd.platform.ServiceState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole {@code zdd redeploy} in-process: exit code, stdout and stderr, one test per exit code at least. */
class RedeployCommandTest {

    @TempDir
    Path home;

    Fixture zdd;
    Service web1;
    Service web2;

    @BeforeEach
    void setUp() {
        zdd = new Fixture(home);
        web1 = zdd.platform.add("web-1");
        web2 = zdd.platform.add("web-2");
    }

    @Test
    void exits0_summaryOnStdout_progressOnStderr_whenEveryServiceComesBack() {
        zdd.platform.healthy(web1, Duration.ofSeconds(12)).healthy(web2, Duration.ofSeconds(3));

        Fixture.Result result = zdd.run("redeploy", "web-2", "web-1");

        assertThat(result.exitCode()).isZero();
        assertThat(zdd.platform.redeployed()).containsExactly("web-2", "web-1");
        // Not a terminal: plain lines, each with its UTC time from the (fake) clock.
        assertThat(result.errLines()).contains("2026-01-01T00:00:00Z [web-2] Redeploying",
                "2026-01-01T00:00:03Z [web-2] Ready after 3.0s", "2026-01-01T00:00:03Z [web-2] Draining 10s",
                "2026-01-01T00:00:13Z [web-1] Redeploying", "2026-01-01T00:00:25Z [web-1] Ready after 12.0s");
        assertThat(result.err()).doesNotContain("\u001b", "\r");
        // The first state seen, Redeploying, repeats what the redeploy line said: said once.
        assertThat(result.errLines()).filteredOn(line -> line.endsWith("[web-2] Redeploying")).hasSize(1);
        assertThat(result.errLines().get(0)).startsWith("Plan: 2 services one after another; drain 10s");
        assertThat(result.err()).doesNotContain("[web-1] Draining");
        assertThat(result.outLines()).hasSize(3);
        assertThat(result.outLines().get(0)).matches("web-2\\s+redeployed\\s+3\\.0s");
        assertThat(result.outLines().get(1)).matches("web-1\\s+redeployed\\s+12\\.0s");
        assertThat(result.outLines().get(2)).startsWith("success: 2 of 2 services redeployed in ");
    }

    @Test
    void usesTheDurationsGiven_forPollingAndDraining() {
        zdd.platform.healthy(web1, Duration.ofSeconds(2)).healthy(web2, Duration.ofSeconds(2));

        Fixture.Result result = zdd.run("redeploy", "--poll-interval", "500ms", "--drain-delay", "PT3S",
                "--no-reuse-volumes", "web-1", "web-2");

        assertThat(result.exitCode()).isZero();
        assertThat(zdd.time.naps()).contains(Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(zdd.time.naps()).allMatch(nap -> nap.compareTo(Duration.ofSeconds(3)) <= 0);
        assertThat(zdd.platform.calls()).contains("redeploy web-1 reuse_volumes=false");
    }

    @Test
    void exits1_whenAServiceFails_andLeavesTheServicesAfterItUntouched() {
        zdd.platform.script(web1,
                new Frame(Duration.ZERO, ServiceState.REDEPLOYING, 0, ActionState.IN_PROGRESS, false),
                new Frame(Duration.ofSeconds(4), ServiceState.STOPPED, 0, ActionState.FAILED, false));

        Fixture.Result result = zdd.run("redeploy", "web-1", "web-2");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(zdd.platform.redeployed()).containsExactly("web-1");
        assertThat(result.err()).contains("[web-1] Failed: ");
        assertThat(result.outLines().get(0)).startsWith("web-1").contains("failed");
        assertThat(result.outLines().get(1)).matches("web-2\\s+not_started");
        assertThat(result.outLines().get(2)).startsWith("failed: 0 of 2 services redeployed");
    }

    @Test
    void exits1_whenAServiceTimesOut() {
        zdd.platform.script(web1,
                new Frame(Duration.ZERO, ServiceState.REDEPLOYING, 0, ActionState.IN_PROGRESS, false));

        Fixture.Result result = zdd.run("redeploy", "--timeout", "30s", "web-1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).contains("timed_out").contains("timed_out: 0 of 1 service redeployed");
    }

    @Test
    void exits2_whenNoServiceIsGiven() {
        Fixture.Result result = zdd.run("redeploy");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines()).first().asString().startsWith("zdd: ").contains("SERVICE");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void exits2_whenTheSameServiceIsGivenTwice() {
        Fixture.Result result = zdd.run("redeploy", "web-1", "web-2", "web-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("zdd: 'web-1' is given twice");
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void exits2_whenTwoNamesAreTheSameService() {
        Fixture.Result result = zdd.run("redeploy", "web-1", web1.id());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("are the same service");
    }

    @Test
    void exits2_forSwarmWithPerContainerOrReadyPath_whichSwarmCannotDo() {
        Fixture.Result perContainer = zdd.run("redeploy", "--platform", "swarm", "--per-container", "web-1");
        Fixture.Result readyPath = zdd.run("redeploy", "--platform", "swarm", "--ready-path", "/", "web-1");

        assertThat(perContainer.exitCode()).isEqualTo(2);
        assertThat(perContainer.errLines().get(0)).startsWith("zdd: --per-container does not apply to")
                .contains("Swarm rolls a service's tasks itself");
        assertThat(readyPath.exitCode()).isEqualTo(2);
        assertThat(readyPath.errLines().get(0)).startsWith("zdd: --ready-path does not apply to");
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void exits2_forSwarmWithTutumCredentialOptions() {
        Fixture.Result result = zdd.run("redeploy", "--platform", "swarm", "--user", "alice", "web-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--user does not apply to --platform swarm").contains("DOCKER_HOST");
    }

    @Test
    void swarmReadsDockerHostAndNeedsNoCredentials() {
        zdd.withoutCredentials();
        zdd.variables.put("DOCKER_HOST", "unix:///tmp/zdd-test-docker.sock");
        zdd.platform.healthy(zdd.platform.services().get(0), java.time.Duration.ofSeconds(1));

        Fixture.Result result = zdd.run("redeploy", "--platform", "swarm", "--drain-delay", "0s", "web-1");

        assertThat(result.exitCode()).isZero();
        assertThat(zdd.connection().swarm().dockerHost()).hasToString("unix:///tmp/zdd-test-docker.sock");
        assertThat(zdd.connection().authorization()).isNull();
    }

    @Test
    void exits2_whenThePlatformRefusesItsConfiguration() {
        zdd.platforms = connection -> {
            throw PlatformException.configuration("refusing plain http:// to example.com: use https, or --insecure-http");
        };

        Fixture.Result result = zdd.run("redeploy", "--api-url", "http://example.com", "web-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("zdd: refusing plain http:// to example.com");
    }

    @Test
    void exits2_whenQuietAndVerboseAreBothGiven() {
        assertThat(zdd.run("redeploy", "-q", "-v", "web-1").exitCode()).isEqualTo(2);
    }

    @Test
    void exits3_whenANameMatchesTwoStacks_listingTheCandidates() {
        Service shop = zdd.platform.add("api", "shop", ServiceState.RUNNING, 1, 1);
        Service blog = zdd.platform.add("api", "blog", ServiceState.RUNNING, 1, 1);

        Fixture.Result result = zdd.run("redeploy", "web-1", "api");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).startsWith("zdd: 'api' matches 2 live services: ")
                .contains("api (stack shop, uuid " + shop.id() + ")")
                .contains("api (stack blog, uuid " + blog.id() + ")")
                .contains("NAME.STACK");
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void exits3_whenANameMatchesNoLiveService() {
        Fixture.Result result = zdd.run("redeploy", "web-1", "wbe-2");

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("zdd: 'wbe-2' matches no live service");
        assertThat(result.out()).contains("refused:");
    }

    @Test
    void exits4_whenATargetIsNotFullyRunning_andRedeploysNothing() {
        zdd.platform.set(web2, ServiceState.PARTLY_RUNNING, 0);

        Fixture.Result result = zdd.run("redeploy", "web-1", "web-2");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).startsWith("zdd: preflight refused, nothing was redeployed: web-2")
                .contains("--force");
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void exits5_whenNoCredentialsAreFound_namingWhereTheyCanComeFrom() {
        zdd.withoutCredentials();

        Fixture.Result result = zdd.run("redeploy", "web-1");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.errLines()).first().asString()
                .startsWith("zdd: no credentials")
                .contains("TUTUM_USER", "TUTUM_APIKEY", "--apikey-file", "TUTUM_AUTH", "~/.tutum");
        assertThat(zdd.connections).isEmpty();
    }

    @Test
    void exits5_whenThePlatformKeepsFailing() {
        zdd.platform.failRedeploy(web1, PlatformException.status("POST", "/api/v1/service/x/redeploy/", 500,
                "Internal Server Error"));

        Fixture.Result result = zdd.run("redeploy", "web-1", "web-2");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("zdd: the platform answered HTTP 500 (POST /api/v1/service/x/redeploy/)");
        assertThat(zdd.platform.redeployed()).containsExactly("web-1");
    }

    @Test
    void exits5_whenThePlatformRefusesTheCredentials() {
        zdd.platforms = connection -> Fixture.failing(
                PlatformException.status("GET", "/api/v1/service/", 401, "UNAUTHORIZED"));

        Fixture.Result result = zdd.run("redeploy", "web-1");

        assertThat(result.exitCode()).isEqualTo(5);
        assertThat(result.err()).contains("refused the credentials with HTTP 401");
    }

    @Test
    void exits1_withOneLineAndNoStackTrace_whenSomethingUnexpectedBreaks() {
        zdd.platforms = connection -> {
            throw new IllegalStateException("boom");
        };

        Fixture.Result result = zdd.run("redeploy", "web-1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).containsExactly(
                "zdd: unexpected failure (IllegalStateException: boom); run again with -vv for the details, "
                + "and please report it");
        assertThat(result.out()).contains("web-1  not_started");
    }

    @Test
    void showsTheStackTraceOnlyWithDoubleVerbose() {
        zdd.platforms = connection -> {
            throw new IllegalStateException("boom");
        };

        assertThat(zdd.run("redeploy", "-vv", "web-1").err()).contains("at dev.zdd.cli.");
    }

    @Test
    void exits130_whenInterrupted_andStillPrintsTheSummary() {
        zdd.platform.healthy(web1, Duration.ofSeconds(5)).healthy(web2, Duration.ofSeconds(5));
        zdd.time.onSleep(nap -> {
            if (zdd.time.naps().size() == 2) {
                zdd.interrupts.raise();
            }
        });

        Fixture.Result result = zdd.run("redeploy", "web-1", "web-2");

        assertThat(result.exitCode()).isEqualTo(130);
        assertThat(zdd.platform.redeployed()).containsExactly("web-1");
        assertThat(result.outLines()).last().asString().startsWith("interrupted: 0 of 2 services redeployed");
        assertThat(result.out()).contains("web-2  not_started");
    }

    @Test
    void dryRun_printsThePlanOnStdout_andOnlyReads() {
        Fixture.Result result = zdd.run("redeploy", "--dry-run", "web-2", "web-1");

        assertThat(result.exitCode()).isZero();
        assertThat(zdd.platform.redeployed()).isEmpty();
        assertThat(result.outLines().get(0)).startsWith("Dry run, nothing will be redeployed. Plan: 2 services")
                .contains("drain 10s", "timeout 10m", "worst case 20m10s");
        assertThat(result.outLines().get(1)).matches("  1\\. web-2  " + web2.id() + "  Running 1/1");
        assertThat(result.outLines().get(2)).matches("  2\\. web-1  " + web1.id() + "  Running 1/1");
        assertThat(result.outLines()).last().asString().startsWith("success: dry run, nothing redeployed");
    }

    @Test
    void quiet_leavesOnlyTheSummary() {
        zdd.platform.healthy(web1, Duration.ofSeconds(2));

        Fixture.Result result = zdd.run("redeploy", "-q", "web-1");

        assertThat(result.exitCode()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).hasSize(2);
    }

    @Test
    void verbose_showsTheEngineDetailsAndWhereTheCredentialsCameFrom() {
        zdd.platform.healthy(web1, Duration.ofSeconds(2));

        Fixture.Result result = zdd.run("redeploy", "-v", "web-1");

        assertThat(result.err()).contains("zdd: tutum at https://dashboard.tutum.co, credentials from TUTUM_APIKEY")
                .contains("[web-1] action In progress");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--drain-delay", "--poll-interval", "--timeout", "--deadline"})
    void exits2_whenADurationIsBad_namingTheOptionAndTheValue(String option) {
        Fixture.Result result = zdd.run("redeploy", option, "ten seconds", "web-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.errLines().get(0)).isEqualTo("zdd: Invalid value for option '" + option
                + "': 'ten seconds' is not a duration: use 500ms, 10s, 2m, 1h, a number of seconds, "
                + "or ISO-8601 such as PT10S");
        assertThat(zdd.platform.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--poll-interval", "--probe-interval"})
    void exits2_whenAnIntervalIsUnder50ms_whichWouldMeanDozensOfRequestsASecond(String option) {
        for (String value : new String[] {"0s", "49ms", "1ms"}) {
            Fixture.Result result = zdd.run("redeploy", option, value, "--probe", "http://127.0.0.1:1/", "web-1");

            assertThat(result.exitCode()).as(value).isEqualTo(2);
            assertThat(result.err()).contains(option + " must be at least 50ms, not " + value);
            assertThat(zdd.platform.calls()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--timeout", "--drain-delay", "--deadline", "--poll-interval"})
    void exits2_forASubMillisecondOrEmptyDuration_andSendsNothing(String option) {
        for (String value : new String[] {"0.0001ms", ""}) {
            Fixture.Result result = zdd.run("redeploy", option, value, "web-1");

            assertThat(result.exitCode()).as(value).isEqualTo(2);
            assertThat(result.err()).startsWith("zdd: Invalid value for option '" + option + "'")
                    .doesNotContain("Exception");
            assertThat(zdd.platform.calls()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--timeout", "--deadline"})
    void exits2_whenAWaitIsZero(String option) {
        Fixture.Result result = zdd.run("redeploy", option, "0s", "web-1");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(option + " must be longer than 0");
    }

    @Test
    void helpAndVersion_behaveAsPicocliStandardOptions() {
        Fixture.Result help = zdd.run("redeploy", "--help");
        Fixture.Result version = zdd.run("--version");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: zdd redeploy").contains("--drain-delay=DURATION");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("zdd ");
    }

    @Test
    void exits2_andSuggestsTheNearestCommand_forAMistypedOne() {
        Fixture.Result mistyped = zdd.run("redploy", "web-1");
        Fixture.Result unknown = zdd.run("xyz");

        assertThat(mistyped.exitCode()).isEqualTo(2);
        assertThat(mistyped.errLines()).first().isEqualTo("zdd: unknown command 'redploy'; did you mean redeploy?");
        assertThat(zdd.run("servics").errLines()).first()
                .isEqualTo("zdd: unknown command 'servics'; did you mean services?");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.errLines()).first().isEqualTo(
                "zdd: unknown command 'xyz': the commands are redeploy, services, sandbox, demo, report and completion");
        assertThat(zdd.platform.redeployed()).isEmpty();
    }

    @Test
    void exits2_withoutACommand() {
        Fixture.Result result = zdd.run();

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("zdd: missing a command: redeploy, services, sandbox, demo, report or completion\n");
    }
}
