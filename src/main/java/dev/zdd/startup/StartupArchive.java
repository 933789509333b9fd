package dev.zdd.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Makes the start-up archive that {@code bin/zdd} hands to the JVM, for one installed (or built) zdd.jar and the
 * Java that runs this class: the archive holds that jar's path and time stamp and that JVM's build, so it is made
 * where the jar lives, by the Java that will run it. The build runs it on {@code target/zdd.jar}, {@code bin/install}
 * on the jar it installed:
 *
 * <pre>java -cp zdd.jar dev.zdd.startup.StartupArchive zdd.jar zdd-launcher</pre>
 *
 * <p>It trains on real runs: it starts {@code zdd sandbox} on loopback and runs zdd through the launcher against
 * it (redeploys, listings, {@code --version}), and, for the class-data archive, lists the services of a Docker
 * Engine of its own that has none (see {@link EmptyEngine}). On Java 24 and newer the result is an AOT cache, {@code zdd.aot}
 * (the JVM's {@code -XX:AOTMode=record}, then {@code create}); before, a class-data-sharing archive, {@code zdd.jsa},
 * dumped from the classes those runs loaded ({@code -XX:DumpLoadedClassList}, then {@code -Xshare:dump}). Such a
 * static archive also holds picocli's classes, which are too old a class file version for the dynamic archive of
 * {@code -XX:ArchiveClassesAtExit}. The archive is written under a temporary name, tried once with the JVM told to
 * refuse to start without it, and only then moved into place (a JVM crashes on a truncated archive). Any failure
 * leaves no archive, never a broken one, says why in one line, and exits 0: zdd just starts slower without it.
 */
public final class StartupArchive {

    private static final long RUN_SECONDS = 120;
    private static final String TRAINING_FLAGS = "--poll-interval 50ms --drain-delay 0s";

    private final Path jar;
    private final Path launcher;
    private final String java;
    private final int feature;
    private final Path work;
    private final Path log;

    private StartupArchive(Path jar, Path launcher, Path work) {
        this.jar = jar;
        this.launcher = launcher;
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.feature = Runtime.version().feature();
        this.work = work;
        this.log = work.resolve("training.log");
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java -cp zdd.jar " + StartupArchive.class.getName() + " ZDD_JAR LAUNCHER");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path launcher = Path.of(args[1]).toAbsolutePath();
        String base = jar.toString().replaceFirst("\\.jar$", "");
        // An archive made for the jar before this one must not outlive it, whatever happens next.
        Files.deleteIfExists(Path.of(base + ".jsa"));
        Files.deleteIfExists(Path.of(base + ".aot"));
        Path work = Files.createTempDirectory("zdd-archive");
        StartupArchive maker = new StartupArchive(jar, launcher, work);
        boolean keepLog = false;
        try {
            Path archive = maker.make(Path.of(base + (maker.aot() ? ".aot" : ".jsa")));
            System.out.println("[archive] wrote " + archive + " (" + Files.size(archive) / 1024 + " KiB, "
                               + (maker.aot() ? "an AOT cache" : "class data") + " for Java " + maker.feature + ")");
        } catch (Exception e) {
            keepLog = Files.exists(maker.log);
            System.out.println("[archive] no start-up archive, zdd starts without one: " + e.getMessage()
                               + (keepLog ? " (see " + maker.log + ")" : ""));
        } finally {
            try (var files = Files.list(work)) {
                for (Path file : files.toList()) {
                    if (!keepLog || !file.equals(maker.log)) {
                        Files.deleteIfExists(file);
                    }
                }
            }
            if (!keepLog) {
                Files.deleteIfExists(work);
            }
        }
    }

    /** Whether this Java makes an AOT cache (24 and newer) rather than a class-data archive. */
    boolean aot() {
        return feature >= 24;
    }

    Path make(Path archive) throws Exception {
        Path partial = Path.of(archive + ".partial");
        Files.deleteIfExists(partial);
        try {
            Process sandbox = startSandbox();
            try {
                Map<String, String> env = exports(sandbox);
                if (aot()) {
                    Path configuration = work.resolve("zdd.aotconf");
                    zdd(env, "-XX:AOTMode=record -XX:AOTConfiguration=" + configuration,
                            "redeploy " + TRAINING_FLAGS + " web-1 web-2");
                    zdd(Map.of(), "-Xlog:aot=warning -XX:AOTMode=create -XX:AOTConfiguration=" + configuration
                                  + " -XX:AOTCache=" + partial, "");
                } else {
                    List<String> runs = List.of("redeploy " + TRAINING_FLAGS + " web-1 web-2",
                            "redeploy --output json " + TRAINING_FLAGS + " web-1 web-2", "services",
                            "services --output json", "--version");
                    Set<String> classes = new LinkedHashSet<>();
                    for (int i = 0; i < runs.size(); i++) {
                        Path list = work.resolve(i + ".classlist");
                        zdd(env, "-XX:DumpLoadedClassList=" + list, runs.get(i));
                        classes.addAll(Files.readAllLines(list));
                    }
                    // Swarm's adapter and the Docker Engine transport, against an engine that has no service.
                    try (EmptyEngine engine = EmptyEngine.start(work.resolve("docker.sock"))) {
                        Path list = work.resolve("swarm.classlist");
                        zdd(Map.of("DOCKER_HOST", "unix://" + engine.socket()), "-XX:DumpLoadedClassList=" + list,
                                "services --platform swarm");
                        classes.addAll(Files.readAllLines(list));
                    }
                    Path all = Files.write(work.resolve("zdd.classlist"), classes);
                    // G1 at dump time also stores the heap objects that JVMs able to map them use.
                    zdd(Map.of(), "-Xlog:cds=warning -Xshare:dump -XX:-UseSerialGC -XX:+UseG1GC"
                                  + " -XX:SharedClassListFile=" + all
                                  + " -XX:SharedArchiveFile=" + partial, "");
                }
            } finally {
                sandbox.destroy();
                if (!sandbox.waitFor(15, TimeUnit.SECONDS)) {
                    sandbox.destroyForcibly();
                }
            }
            if (!Files.isRegularFile(partial) || Files.size(partial) == 0) {
                throw new IOException("the JVM wrote no archive");
            }
            // Refused by the JVM that will use it, it would only cost time at every start.
            zdd(Map.of(), (aot() ? "-XX:AOTMode=on -XX:AOTCache=" : "-Xshare:on -XX:SharedArchiveFile=") + partial,
                    "--version");
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return archive;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private Process startSandbox() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(java, "-jar", jar.toString(), "sandbox", "--port", "0",
                "--lb-port", "0", "--boot-time", "50ms", "--warmup", "0s")
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(isolated(System.getenv(), work));
        return builder.start();
    }

    /**
     * The environment of every training run: nothing of the caller's but what finds programs and speaks their
     * language, and a home of its own. Whoever installs zdd may have {@code ZDD_API_URL}, {@code TUTUM_AUTH},
     * {@code ZDD_PLATFORM}, {@code DOCKER_HOST} or a {@code ~/.tutum} pointing at their real platform: the training
     * redeploys services, and must only ever reach the sandbox and the empty engine it started itself.
     */
    static Map<String, String> isolated(Map<String, String> caller, Path home) {
        Map<String, String> env = new HashMap<>();
        for (String kept : List.of("PATH", "LANG", "LC_ALL", "TMPDIR")) {
            String value = caller.get(kept);
            if (value != null) {
                env.put(kept, value);
            }
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", home.toString());
        return env;
    }

    /** Runs zdd through the launcher, with this Java and this jar, and {@code javaOptions} last; must exit 0. */
    private void zdd(Map<String, String> env, String javaOptions, String arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", launcher.toString()));
        if (!arguments.isEmpty()) {
            command.addAll(List.of(arguments.split(" ")));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(isolated(System.getenv(), work));
        builder.environment().putAll(env);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("ZDD_JAR", jar.toString());
        builder.environment().put("ZDD_JAVA_OPTS", javaOptions);
        Files.writeString(log, "\n$ ZDD_JAVA_OPTS='" + javaOptions + "' zdd " + arguments + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Process run = builder.start();
        if (!run.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
            run.destroyForcibly();
            throw new IOException("zdd " + arguments + " did not end within " + RUN_SECONDS + " s");
        }
        if (run.exitValue() != 0) {
            String what = arguments.isEmpty() ? "the JVM (" + javaOptions.split(" ")[1] + ")" : "zdd " + arguments;
            throw new IOException(what + " exited " + run.exitValue());
        }
    }

    /**
     * The sandbox's export lines, read until its last comment line (at most 60 s); its stdout is drained after
     * that, so that it never blocks on a full pipe.
     */
    private static Map<String, String> exports(Process sandbox) throws Exception {
        Map<String, String> env = new ConcurrentHashMap<>();
        CountDownLatch printed = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(sandbox.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("export ")) {
                        for (String pair : line.substring(7).trim().split("\\s+")) {
                            int eq = pair.indexOf('=');
                            if (eq > 0) {
                                env.put(pair.substring(0, eq), pair.substring(eq + 1));
                            }
                        }
                    } else if (line.startsWith("# then:")) {
                        printed.countDown();
                    }
                }
            } catch (IOException e) {
                // the sandbox ended
            } finally {
                printed.countDown();
            }
        }, "sandbox-stdout");
        reader.setDaemon(true);
        reader.start();
        printed.await(60, TimeUnit.SECONDS);
        if (!env.containsKey("TUTUM_REST_HOST")) {
            throw new IOException("the sandbox did not start");
        }
        return Map.copyOf(env);
    }
}
