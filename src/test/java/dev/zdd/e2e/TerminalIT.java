package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar redeploys the sandbox's services as a person sees it in a terminal (tmux, whose screen the test
 * reads) and as a CI log stores it (stderr in a file).
 */
class TerminalIT {

    /** A live line of a service still under way: its state, then the time since its redeploy. */
    private static final Pattern LIVE = Pattern.compile("^\\[web-1\\] (?!Ready)(.+?)  (\\d+\\.\\d)s$");
    private static final Pattern LOGGED = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\[web-[12]\\] .+");

    static Process sandbox;
    static final Map<String, String> exports = new HashMap<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startSandbox(@TempDir Path sandboxDir) throws Exception {
        sandbox = new ProcessBuilder("java", "-jar", Tools.jar().toString(), "sandbox", "--port", "0", "--lb-port", "0",
                "--boot-time", "1s", "--warmup", "500ms")
                .redirectError(sandboxDir.resolve("sandbox.err").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(sandbox.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture.runAsync(() -> readExports(out)).get(20, TimeUnit.SECONDS);
        assertThat(exports).containsKeys("TUTUM_REST_HOST", "TUTUM_USER", "TUTUM_APIKEY");
    }

    private static void readExports(BufferedReader out) {
        try {
            for (String line = out.readLine(); line != null && exports.size() < 3; line = out.readLine()) {
                Matcher export = Pattern.compile("^export (\\w+)=(.*)$").matcher(line);
                if (export.matches()) {
                    exports.put(export.group(1), export.group(2));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the sandbox's stdout", e);
        }
    }

    @AfterAll
    static void stopSandbox() throws InterruptedException {
        if (sandbox != null) {
            sandbox.destroy();
            if (!sandbox.waitFor(10, TimeUnit.SECONDS)) {
                sandbox.destroyForcibly();
            }
        }
    }

    @Test
    void showsOneLiveLinePerService_withStateAndElapsedTime_thenTheSummary() throws Exception {
        String tmux = Tools.require("tmux").toString();
        String socket = "zdd-it-" + ProcessHandle.current().pid();
        try {
            run(List.of(tmux, "-L", socket, "new-session", "-d", "-x", "120", "-y", "30", "-s", "zdd",
                    "bash --norc --noprofile"));
            String exportLine = "export " + String.join(" ", exports.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()) + "; unset NO_COLOR";
            String command = "java -jar " + Tools.jar() + " redeploy --drain-delay 1s --poll-interval 200ms"
                             + " web-1 web-2; echo exit=$?";
            run(List.of(tmux, "-L", socket, "send-keys", "-t", "zdd", "-l", exportLine + "; clear; " + command));
            run(List.of(tmux, "-L", socket, "send-keys", "-t", "zdd", "Enter"));

            List<Double> elapsed = new ArrayList<>();
            List<String> screen = List.of();
            long until = System.nanoTime() + Duration.ofSeconds(25).toNanos();
            while (System.nanoTime() < until && screen.stream().noneMatch(line -> line.startsWith("exit="))) {
                Thread.sleep(100);
                screen = capture(tmux, socket);
                assertThat(screen.stream().filter(line -> line.startsWith("[web-1]")))
                        .as("one line for web-1, redrawn in place: %s", screen).hasSizeLessThanOrEqualTo(1);
                screen.stream().map(LIVE::matcher).filter(Matcher::matches)
                        .forEach(live -> elapsed.add(Double.parseDouble(live.group(2))));
            }

            assertThat(screen).as("the screen at the end").contains("exit=0");
            assertThat(elapsed).as("web-1's elapsed time, seen while it was under way").isNotEmpty();
            assertThat(elapsed.get(elapsed.size() - 1)).as("the elapsed time grows as it is redrawn: %s", elapsed)
                    .isGreaterThan(elapsed.get(0));
            assertThat(screen).anyMatch(line -> line.matches("\\[web-1\\] Ready after \\d+\\.\\ds, drained 1s  \\d+\\.\\ds"))
                    .anyMatch(line -> line.matches("\\[web-2\\] Ready after \\d+\\.\\ds  \\d+\\.\\ds"))
                    .anyMatch(line -> line.matches("web-1\\s+redeployed\\s+\\d+\\.\\ds"))
                    .anyMatch(line -> line.startsWith("success: 2 of 2 services redeployed in "));
        } finally {
            new ProcessBuilder(tmux, "-L", socket, "kill-server").start().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void writesPlainTimestampedLines_withoutAnEscapeSequence_whenStderrIsAFile() throws Exception {
        Path err = dir.resolve("stderr.log");
        ProcessBuilder zdd = new ProcessBuilder("java", "-jar", Tools.jar().toString(), "redeploy",
                "--drain-delay", "1s", "--poll-interval", "200ms", "web-1", "web-2")
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .redirectError(err.toFile());
        zdd.environment().putAll(exports);
        Process process = zdd.start();

        assertThat(process.waitFor(25, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(err);
        assertThat(process.exitValue()).as(log).isZero();
        assertThat(log).doesNotContain("\u001b", "\r").contains("[web-1] Redeploying", "[web-2] Ready after ");
        assertThat(log.lines().filter(line -> line.contains("[web-"))).isNotEmpty().allMatch(LOGGED.asPredicate());
        assertThat(dir.resolve("stdout.log")).content().contains("success: 2 of 2 services redeployed");
    }

    private static List<String> capture(String tmux, String socket) throws IOException, InterruptedException {
        Process capture = new ProcessBuilder(tmux, "-L", socket, "capture-pane", "-p", "-t", "zdd").start();
        String screen = new String(capture.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        capture.waitFor(5, TimeUnit.SECONDS);
        return screen.lines().map(String::stripTrailing).toList();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    }
}
