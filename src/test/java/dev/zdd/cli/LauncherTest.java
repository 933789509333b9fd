package dev.zdd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/zdd} and {@code bin/install}, run by the shell with a fake JAVA_HOME whose {@code java} records its
 * arguments and exits with the code it is told: what the launcher hands to Java, and what it hands back.
 */
class LauncherTest {

    record Run(int exitCode, String out, String err) {
    }

    @TempDir
    Path dir;

    Path javaHome;
    Path javaArgs;

    @BeforeEach
    void fakeJava() throws IOException {
        javaHome = dir.resolve("jdk");
        javaArgs = dir.resolve("java-args");
        executable(javaHome.resolve("bin/java"),
                "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done > '" + javaArgs + "'\nexit \"${FAKE_EXIT:-0}\"\n");
    }

    @Test
    void passesTheArgumentsAndTheExitCodeThrough() throws Exception {
        Path launcher = layout(dir.resolve("app"), true);

        Run run = run(List.of(launcher.toString(), "redeploy", "web 1"), Map.of("FAKE_EXIT", "7"));

        assertThat(run.exitCode()).isEqualTo(7);
        List<String> args = Files.readAllLines(javaArgs);
        assertThat(args).contains("-XX:+UseSerialGC", "-Dzdd.stderr.terminal=false");
        assertThat(args.subList(args.size() - 4, args.size()))
                .containsExactly("-jar", dir.resolve("app/bin/zdd.jar").toRealPath().toString(), "redeploy", "web 1");
    }

    @Test
    void findsTheJarBesideTheRealScript_whenCalledThroughASymlink() throws Exception {
        Path launcher = layout(dir.resolve("app"), true);
        Path link = Files.createDirectories(dir.resolve("bin")).resolve("zdd");
        Files.createSymbolicLink(link, launcher);

        Run run = run(List.of(link.toString(), "--version"), Map.of());

        assertThat(run.exitCode()).isZero();
        assertThat(Files.readAllLines(javaArgs)).contains(dir.resolve("app/bin/zdd.jar").toRealPath().toString());
    }

    @Test
    void usesTheClassDataArchiveBesideTheJar_onlyWhenItIsNewerThanTheJarAndNotEmpty() throws Exception {
        Path launcher = layout(dir.resolve("app"), true);
        Path jar = dir.resolve("app/bin/zdd.jar").toRealPath();
        Path archive = jar.resolveSibling("zdd.jsa");
        String useIt = "-XX:SharedArchiveFile=" + archive;

        run(List.of(launcher.toString(), "--version"), Map.of());
        assertThat(Files.readAllLines(javaArgs)).as("no archive").noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"))
                .contains("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

        Files.writeString(archive, "made from this jar");
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() + 5000));
        run(List.of(launcher.toString(), "--version"), Map.of());
        List<String> args = Files.readAllLines(javaArgs);
        assertThat(args).as("a newer archive").contains(useIt);
        assertThat(args.indexOf(useIt)).isLessThan(args.indexOf("-jar"));

        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() - 5000));
        run(List.of(launcher.toString(), "--version"), Map.of());
        assertThat(Files.readAllLines(javaArgs)).as("an archive older than the jar").doesNotContain(useIt);

        Files.writeString(archive, "");
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(
                Files.getLastModifiedTime(jar).toMillis() + 5000));
        run(List.of(launcher.toString(), "--version"), Map.of());
        assertThat(Files.readAllLines(javaArgs)).as("an empty archive").doesNotContain(useIt);
    }

    @Test
    void exits2_withAClearMessage_whenTheJarIsMissing() throws Exception {
        Path launcher = layout(dir.resolve("app"), false);

        Run run = run(List.of(launcher.toString(), "--version"), Map.of());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).startsWith("zdd: cannot find zdd.jar").contains("ZDD_JAR");
        assertThat(javaArgs).doesNotExist();
    }

    @Test
    void exits2_namingZddJar_whenItPointsAtAMissingJar_evenWithAJarBesideTheLauncher() throws Exception {
        Path launcher = layout(dir.resolve("app"), true);
        Path missing = dir.resolve("missing.jar");

        Run run = run(List.of(launcher.toString(), "--version"), Map.of("ZDD_JAR", missing.toString()));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("zdd: ZDD_JAR points at " + missing + ", which is not a file"
                                        + " (unset ZDD_JAR to run the zdd.jar beside the launcher)\n");
        assertThat(javaArgs).doesNotExist();
    }

    @Test
    void runsTheJarThatZddJarNames() throws Exception {
        Path launcher = layout(dir.resolve("app"), true);
        Path other = Files.writeString(dir.resolve("other.jar"), "");

        Run run = run(List.of(launcher.toString(), "--version"), Map.of("ZDD_JAR", other.toString()));

        assertThat(run.exitCode()).isZero();
        List<String> args = Files.readAllLines(javaArgs);
        assertThat(args.subList(args.size() - 3, args.size())).containsExactly("-jar", other.toString(), "--version");
    }

    @Test
    void installsTheJarTheLauncherALinkAndTheManPages_underPrefix() throws Exception {
        Path checkout = dir.resolve("checkout");
        layout(checkout, false);
        Files.copy(Path.of("bin/install"), checkout.resolve("bin/install"));
        Files.createDirectories(checkout.resolve("target/man"));
        Files.writeString(checkout.resolve("target/zdd.jar"), "not really a jar");
        Files.writeString(checkout.resolve("target/man/zdd.1"), ".TH ZDD 1\n");
        Files.writeString(checkout.resolve("target/zdd.jsa"), "an archive");
        Path prefix = dir.resolve("prefix");

        Run install = run(List.of(checkout.resolve("bin/install").toString()), Map.of("PREFIX", prefix.toString()));

        assertThat(install.exitCode()).as(install.err()).isZero();
        assertThat(prefix.resolve("lib/zdd/zdd.jar")).hasContent("not really a jar");
        assertThat(prefix.resolve("share/man/man1/zdd.1")).exists();
        // The archive must land beside the jar and not be older than it, or the launcher ignores it.
        assertThat(prefix.resolve("lib/zdd/zdd.jsa")).hasContent("an archive");
        assertThat(Files.getLastModifiedTime(prefix.resolve("lib/zdd/zdd.jsa")))
                .isGreaterThanOrEqualTo(Files.getLastModifiedTime(prefix.resolve("lib/zdd/zdd.jar")));
        assertThat(Files.readSymbolicLink(prefix.resolve("bin/zdd"))).isEqualTo(Path.of("../lib/zdd/zdd"));
        Run installed = run(List.of(prefix.resolve("bin/zdd").toString(), "services"), Map.of("FAKE_EXIT", "5"));
        assertThat(installed.exitCode()).isEqualTo(5);
        assertThat(Files.readAllLines(javaArgs)).contains(prefix.resolve("lib/zdd/zdd.jar").toRealPath().toString());
    }

    /** A copy of bin/zdd under root/bin, with a zdd.jar beside it or not. */
    private static Path layout(Path root, boolean withJar) throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path launcher = Files.copy(Path.of("bin/zdd"), bin.resolve("zdd"), StandardCopyOption.COPY_ATTRIBUTES);
        if (withJar) {
            Files.writeString(bin.resolve("zdd.jar"), "");
        }
        return launcher;
    }

    private static void executable(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Run run(List<String> command, Map<String, String> variables) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        builder.environment().remove("ZDD_JAR");
        builder.environment().remove("ZDD_JAVA_OPTS");
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().putAll(variables);
        Process process = builder.start();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }
}
