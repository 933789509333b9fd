/*
 * Writes target/zdd.jsa, a class-data-sharing archive (JDK 13+ dynamic CDS) that bin/zdd uses when it is there and
 * newer than the jar: zdd then starts in about two thirds of the time. Run by Maven in the package phase, after the
 * jar is shaded (skip with -Dzdd.cds.skip):
 *
 *   java src/build/MakeCdsArchive.java target/zdd.jar bin/zdd
 *
 * It trains on what a real run loads: starts the sandbox, then runs bin/zdd redeploy --output json against it with
 * -XX:ArchiveClassesAtExit. The archive is written under a temporary name and moved into place only when complete,
 * since the JVM crashes on a truncated archive; any failure leaves no archive, never a broken one, and does not fail
 * the build (zdd just starts without it). Loopback only; every wait is bounded.
 */

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

public final class MakeCdsArchive {

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path launcher = Path.of(args[1]).toAbsolutePath();
        Path archive = Path.of(jar.toString().replaceFirst("\\.jar$", "") + ".jsa");
        Path partial = Path.of(archive + ".partial");
        Files.deleteIfExists(archive); // it belongs to the jar before this one; the launcher must not mix them
        Files.deleteIfExists(partial);
        try {
            train(jar, launcher, partial);
            if (Files.size(partial) == 0) {
                throw new IOException("the JVM wrote an empty archive");
            }
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("[cds] wrote " + archive + " (" + Files.size(archive) / 1024 + " KiB)");
        } catch (Exception e) {
            System.out.println("[cds] no archive, zdd will start without one: " + e);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    static void train(Path jar, Path launcher, Path partial) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = Path.of(jar.getParent().toString(), "cds-training.log");
        Process sandbox = new ProcessBuilder(java, "-jar", jar.toString(), "sandbox", "--port", "0", "--lb-port", "0",
                "--boot-time", "50ms", "--warmup", "0s").redirectError(log.toFile()).start();
        try {
            Map<String, String> env = exports(sandbox);
            ProcessBuilder zdd = new ProcessBuilder(List.of("sh", launcher.toString(), "redeploy", "--output", "json",
                    "--poll-interval", "50ms", "--drain-delay", "0s", "web-1", "web-2"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            zdd.environment().putAll(env);
            zdd.environment().put("ZDD_JAR", jar.toString());
            zdd.environment().put("ZDD_JAVA_OPTS", "-XX:ArchiveClassesAtExit=" + partial);
            Process run = zdd.start();
            if (!run.waitFor(120, TimeUnit.SECONDS)) {
                run.destroyForcibly();
                throw new IOException("the training run did not end within 120 s");
            }
            if (run.exitValue() != 0) {
                throw new IOException("the training run exited " + run.exitValue() + "; see " + log);
            }
        } finally {
            sandbox.destroy();
            if (!sandbox.waitFor(15, TimeUnit.SECONDS)) {
                sandbox.destroyForcibly();
            }
        }
    }

    /** The sandbox's export lines, read until its last comment line (at most 60 s). */
    static Map<String, String> exports(Process sandbox) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        BufferedReader lines = new BufferedReader(new InputStreamReader(sandbox.getInputStream(),
                StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while (System.nanoTime() < deadline && (line = lines.readLine()) != null && !line.startsWith("# then:")) {
            if (line.startsWith("export ")) {
                for (String pair : line.substring(7).trim().split("\\s+")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        env.put(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        }
        if (!env.containsKey("TUTUM_REST_HOST")) {
            throw new IOException("the sandbox did not start");
        }
        return env;
    }
}
