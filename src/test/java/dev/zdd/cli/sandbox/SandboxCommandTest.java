package dev.zdd.cli.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import dev.zdd.cli.Main;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Interrupts;
import dev.zdd.cli.wiring.PlatformFactory;
import dev.zdd.time.Sleeper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(15)
class SandboxCommandTest {

    @TempDir
    Path home;

    /** The sandbox's run, with what it printed by the time it was "interrupted". */
    private record Run(int exitCode, String out, String err) {
    }

    @Test
    void printsTheExportLinesAndServesUntilInterrupted() {
        Run run = run(List.of("--port", "0", "--lb-port", "0", "--services", "web-1,web-2"), exports -> {
            assertThat(get(URI.create(exports.get("TUTUM_REST_HOST") + "/api/v1/service/"), exports))
                    .isEqualTo(200);
        });

        assertThat(run.exitCode()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).matches("export TUTUM_REST_HOST=http://127\\.0\\.0\\.1:\\d+");
        assertThat(lines.get(1)).isEqualTo("export TUTUM_USER=sandbox");
        assertThat(lines.get(2)).matches("export TUTUM_APIKEY=[0-9a-f]{40}");
        assertThat(lines.get(3)).matches("export TUTUM_STREAM_HOST=ws://127\\.0\\.0\\.1:\\d+");
        assertThat(lines.get(4)).matches("# load balancer: http://127\\.0\\.0\\.1:\\d+/");
        assertThat(run.out()).contains("# container web-1-1: http://127.0.0.1:", "# container web-2-1: ")
                .containsPattern("# image sandbox/web-1:latest@sha256:[0-9a-f]{64} \\(push a new one: POST http");
        assertThat(run.err()).contains("[sandbox] running", "[sandbox] stopping");
    }

    @Test
    void zddRedeploysAgainstTheSandboxItPrinted() {
        StringWriter zddOut = new StringWriter();
        StringWriter zddErr = new StringWriter();
        int[] zddExit = new int[1];

        Run run = run(List.of("--port", "0", "--lb-port", "0", "--boot-time", "100ms", "--warmup", "0s"),
                exports -> zddExit[0] = Main.execute(
                        new String[] {"redeploy", "web-1", "web-2", "--drain-delay", "0s", "--poll-interval", "100ms",
                            "-v"},
                        new PrintWriter(zddOut), new PrintWriter(zddErr), environment(exports, new Fixture.FakeInterrupts())));

        assertThat(run.exitCode()).isZero();
        assertThat(zddExit[0]).as("zdd redeploy, stderr:%n%s", zddErr).isZero();
        assertThat(zddOut.toString()).contains("web-1", "web-2");
        assertThat(zddErr.toString()).contains("zdd: listening to the events stream at ws://127.0.0.1:");
        assertThat(run.err()).contains("[sandbox] web-1 Redeploying", "[sandbox] Service Redeploy of web-2 Success");
    }

    @Test
    void printsAnLbLineToPaste_andZddRedeploysPacedByTheSandboxsLoadBalancer() {
        StringWriter zddOut = new StringWriter();
        StringWriter zddErr = new StringWriter();
        int[] zddExit = new int[1];

        Run run = run(List.of("--port", "0", "--lb-port", "0", "--boot-time", "100ms", "--warmup", "0s",
                "--check-interval", "100ms"), exports -> {
                    String lb = lbLine(exports);
                    zddExit[0] = Main.execute(new String[] {"redeploy", "--lb", lb, "--poll-interval", "100ms",
                        "web-1", "web-2"}, new PrintWriter(zddOut), new PrintWriter(zddErr),
                            environment(exports, new Fixture.FakeInterrupts()));
                });

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("\\nexport ZDD_LB_AUTH=sandbox:[0-9a-f]{40}\\n")
                .containsPattern("# and paces a rollout: zdd redeploy --lb 'http://127\\.0\\.0\\.1:\\d+/haproxy\\?stats'"
                                 + " web-1 web-2\\n");
        assertThat(zddExit[0]).as("zdd redeploy --lb, stderr:%n%s", zddErr).isZero();
        assertThat(zddErr.toString()).contains("[web-1] Draining in the load balancer: app/web-1-1",
                "[web-2] UP in the load balancer after");
        assertThat(run.err()).contains("[sandbox] lb: web-1-1 drained", "[sandbox] lb: web-1-1 set ready");
    }

    /** The --lb URL of the line the sandbox printed to paste. */
    private static String lbLine(Map<String, String> exports) {
        return exports.get("#lb");
    }

    @Test
    void zddRedeploysOnDockerCloudAgainstTheSandbox_fromTheDockerCloudExportLinesItPrinted() {
        StringWriter zddOut = new StringWriter();
        StringWriter zddErr = new StringWriter();
        int[] zddExit = new int[1];
        Map<String, String> printed = new HashMap<>();

        Run run = run(List.of("--platform", "dockercloud", "--port", "0", "--lb-port", "0", "--boot-time", "100ms",
                        "--warmup", "0s"),
                exports -> {
                    printed.putAll(exports);
                    zddExit[0] = Main.execute(new String[] {"redeploy", "--platform", "dockercloud", "web-1", "web-2",
                        "--drain-delay", "0s", "--poll-interval", "100ms", "-v"},
                            new PrintWriter(zddOut), new PrintWriter(zddErr),
                            environment(exports, new Fixture.FakeInterrupts()));
                });

        assertThat(run.exitCode()).isZero();
        assertThat(printed).containsKeys("DOCKERCLOUD_REST_HOST", "DOCKERCLOUD_USER", "DOCKERCLOUD_APIKEY",
                "DOCKERCLOUD_STREAM_HOST").doesNotContainKey("TUTUM_REST_HOST");
        assertThat(printed.get("ZDD_PLATFORM")).isEqualTo("dockercloud");
        assertThat(zddExit[0]).as("zdd redeploy, stderr:%n%s", zddErr).isZero();
        assertThat(zddOut.toString()).contains("web-1", "web-2");
        assertThat(zddErr.toString()).contains("zdd: listening to the events stream at ws://127.0.0.1:")
                .contains("/api/audit/v1/events/");
        assertThat(run.err()).contains("[sandbox] Service Redeploy of web-1 Success",
                "[sandbox] Service Redeploy of web-2 Success");
    }

    @Test
    void refusesAPlatformItDoesNotSpeak() {
        Run run = run(List.of("--platform", "swarm"), exports -> { });

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--platform", "swarm");
    }

    @Test
    void takesTheApiKeyFromAFile() throws Exception {
        Path key = Files.writeString(home.resolve("key"), "s3cret\n");

        Run run = run(List.of("--port", "0", "--lb-port", "0", "--apikey-file", key.toString()), exports -> {
            assertThat(exports.get("TUTUM_APIKEY")).isEqualTo("s3cret");
            assertThat(get(URI.create(exports.get("TUTUM_REST_HOST") + "/api/v1/service/"), exports))
                    .isEqualTo(200);
        });

        assertThat(run.exitCode()).isZero();
    }

    @Test
    void refusesARehearsalForAServiceItDoesNotHave() {
        Run run = run(List.of("--port", "0", "--lb-port", "0", "--fail", "nope"), exports -> { });

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("nope");
    }

    @Test
    void refusesABadDuration() {
        Run run = run(List.of("--boot-time", "soon"), exports -> { });

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--boot-time", "soon");
    }

    @Test
    void refusesAHealthCheckWithoutAnInterval() {
        Run run = run(List.of("--port", "0", "--lb-port", "0", "--check-interval", "0s"), exports -> { });

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--check-interval");
    }

    /** Runs {@code zdd sandbox ARGS}; {@code whileRunning} gets the printed exports, then the sandbox is stopped. */
    private Run run(List<String> args, Consumer<Map<String, String>> whileRunning) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Interrupts interrupts = action -> {
            whileRunning.accept(exports(out.toString()));
            action.run();
            return () -> { };
        };
        CommandLine command = new CommandLine(new SandboxCommand(environment(Map.of(), interrupts)))
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
        int exitCode = command.execute(args.toArray(String[]::new));
        return new Run(exitCode, out.toString(), err.toString());
    }

    private Environment environment(Map<String, String> variables, Interrupts interrupts) {
        return new Environment(variables, home, Clock.systemUTC(), Sleeper.SYSTEM, PlatformFactory.STANDARD,
                interrupts);
    }

    private static Map<String, String> exports(String out) {
        Map<String, String> exports = new HashMap<>();
        out.lines().filter(line -> line.startsWith("export ")).forEach(line -> {
            String[] pair = line.substring("export ".length()).split("=", 2);
            exports.put(pair[0], pair[1]);
        });
        out.lines().filter(line -> line.contains("zdd redeploy --lb '")).forEach(line -> {
            int start = line.indexOf("--lb '") + "--lb '".length();
            exports.put("#lb", line.substring(start, line.indexOf('\'', start)));
        });
        return exports;
    }

    private static int get(URI uri, Map<String, String> exports) {
        String credentials = exports.get("TUTUM_USER") + ":" + exports.get("TUTUM_APIKEY");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
                .build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
