package dev.zdd.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built jar as a user would, {@code java -jar zdd.jar ...}, with NDJSON output. */
public final class Zdd {

    /** How a run ended: its exit code, its summary line, and stderr for the failure messages. */
    public record Run(int exitCode, JsonNode summary, String stdout, String stderr, Duration took) {

        /** Failed requests that zdd's own --probe saw (the first probe). */
        public long probeFailures() {
            return summary.path("probes").path(0).path("failures").asLong(-1);
        }

        @Override
        public String toString() {
            return "zdd exited " + exitCode + " after " + took.toMillis() + " ms\nstdout:\n" + stdout
                   + "\nstderr:\n" + stderr;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Zdd() {
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("zdd.jar", "target/zdd.jar"));
        if (!Files.isReadable(jar)) {
            throw new AssertionError("no zdd jar at " + jar + " (run ./mvnw package, or set -Dzdd.jar)");
        }
        return jar;
    }

    /**
     * Runs {@code zdd redeploy --output json ARGS} with the given environment on top of this one (minus any zdd or
     * Tutum settings of the caller's own), and waits for it, at most {@code limit}.
     */
    public static Run redeploy(Map<String, String> env, Duration limit, String... args) throws Exception {
        return start(env, args).finish(limit);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }

    /** A zdd run in the background, whose NDJSON stdout can be watched while it runs. */
    public static final class Started {

        private final Process process;
        private final Path out;
        private final Path err;
        private final long start = System.nanoTime();

        private Started(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** Waits (polling every 20 ms, bounded) until a stdout line contains {@code text}. */
        public void awaitOutput(String text, Duration within) throws Exception {
            long end = System.nanoTime() + within.toNanos();
            while (!Files.readString(out).contains(text)) {
                if (System.nanoTime() > end || !process.isAlive() && !Files.readString(out).contains(text)) {
                    throw new AssertionError("zdd printed no '" + text + "' within " + within + ":\n"
                                             + Files.readString(out) + Files.readString(err));
                }
                Thread.sleep(20);
            }
        }

        /** Sends SIGTERM, which zdd takes as it takes Ctrl-C: stop, clean up, print the summary, exit 130. */
        public void terminate() {
            process.destroy();
        }

        /** What zdd printed on stderr so far. */
        public String stderr() throws IOException {
            return Files.readString(err);
        }

        /** Waits for the end, at most {@code limit}, and returns how it ended. */
        public Run finish(Duration limit) throws Exception {
            try {
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new AssertionError("zdd did not finish within " + limit + "; stderr:\n"
                                             + Files.readString(err));
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                String stdout = Files.readString(out);
                String[] lines = stdout.strip().split("\n");
                JsonNode summary = lines[lines.length - 1].isBlank() ? JSON.createObjectNode()
                        : JSON.readTree(lines[lines.length - 1]);
                return new Run(process.exitValue(), summary, stdout, Files.readString(err), took);
            } finally {
                process.destroyForcibly();
                deleteQuietly(out);
                deleteQuietly(err);
            }
        }
    }

    /** Starts {@code zdd redeploy --output json ARGS} in the background, as {@link #redeploy} runs it. */
    public static Started start(Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString(),
                "redeploy", "--output", "json"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("zdd-out", ".ndjson");
        Path err = Files.createTempFile("zdd-err", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("ZDD_") || name.startsWith("TUTUM_")
                                                        || name.startsWith("DOCKERCLOUD_"));
        builder.environment().putAll(env);
        return new Started(builder.start(), out, err);
    }
}
