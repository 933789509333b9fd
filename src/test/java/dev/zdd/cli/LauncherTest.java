package dev.zdd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
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
                .contains("-Xlog:disable");

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
    void usesTheAotCache_onlyOnJava24OrNewer_asItsReleaseFileSays() throws Exception {
        Path launcher = layout(dir.resolve("app"), true);
        Path jar = dir.resolve("app/bin/zdd.jar").toRealPath();
        Path cache = newerThan(jar, jar.resolveSibling("zdd.aot"));
        Path archive = newerThan(jar, jar.resolveSibling("zdd.jsa"));

        Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"Someone\"\nJAVA_VERSION=\"25.0.3\"\n");
        run(List.of(launcher.toString(), "--version"), Map.of());
        List<String> args = Files.readAllLines(javaArgs);
        assertThat(args).as("Java 25").contains("-XX:AOTCache=" + cache)
                .noneMatch(a -> a.startsWith("-XX:SharedArchiveFile")).noneMatch(a -> a.startsWith("-Xshare"));
        assertThat(args.indexOf("-XX:AOTCache=" + cache)).isLessThan(args.indexOf("-jar"));

        Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        run(List.of(launcher.toString(), "--version"), Map.of());
        assertThat(Files.readAllLines(javaArgs)).as("Java 17").contains("-XX:SharedArchiveFile=" + archive)
                .noneMatch(a -> a.startsWith("-XX:AOTCache"));

        Files.delete(javaHome.resolve("release"));
        run(List.of(launcher.toString(), "--version"), Map.of());
        assertThat(Files.readAllLines(javaArgs)).as("a Java that can't be told").contains(
                "-XX:SharedArchiveFile=" + archive).noneMatch(a -> a.startsWith("-XX:AOTCache"));

        Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"24\"\n");
        Files.setLastModifiedTime(cache, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 5000));
        run(List.of(launcher.toString(), "--version"), Map.of());
        assertThat(Files.readAllLines(javaArgs)).as("a cache older than the jar").noneMatch(
                a -> a.startsWith("-XX:AOTCache"));
    }

    @Test
    void installsIntoAFolderOfItsOwn_linkedFromBinLibAndTheManPages_withTheArchiveMadeThere() throws Exception {
        Path checkout = checkout();
        Path prefix = dir.resolve("prefix");

        Run install = run(List.of(checkout.resolve("bin/install").toString()), Map.of("PREFIX", prefix.toString()));

        assertThat(install.exitCode()).as(install.err()).isZero();
        assertThat(install.out()).contains("zdd installed: " + prefix.resolve("bin/zdd"));
        Path folder = installedFolder(prefix);
        assertThat(folder.resolve("zdd.jar")).hasContent("not really a jar");
        assertThat(folder.resolve("man/zdd.1")).exists();
        assertThat(Files.readSymbolicLink(prefix.resolve("bin/zdd"))).isEqualTo(Path.of("../lib/zdd/zdd"));
        assertThat(Files.readSymbolicLink(prefix.resolve("share/man/man1/zdd.1")))
                .isEqualTo(Path.of("../../../lib/zdd/man/zdd.1"));
        assertThat(prefix.resolve("share/man/man1/zdd.1")).hasContent(".TH ZDD 1\n");
        // The archive is made for the installed jar, by the Java the launcher will run: never copied from the build.
        assertThat(folder.resolve("zdd.jsa")).hasContent("an archive for " + folder.resolve("zdd.jar"));
        assertThat(Files.getLastModifiedTime(folder.resolve("zdd.jsa")))
                .isGreaterThan(Files.getLastModifiedTime(folder.resolve("zdd.jar")));
        Run installed = run(List.of(prefix.resolve("bin/zdd").toString(), "services"), Map.of("FAKE_EXIT", "5"));
        assertThat(installed.exitCode()).isEqualTo(5);
        assertThat(Files.readAllLines(javaArgs)).contains(prefix.resolve("lib/zdd/zdd.jar").toString(),
                "-XX:SharedArchiveFile=" + prefix.resolve("lib/zdd/zdd.jsa"));
    }

    @Test
    void installsAgain_replacingEverything_asAUserWhoCannotWriteOverTheReadOnlyArchive() throws Exception {
        Path checkout = checkout();
        Path prefix = dir.resolve("prefix");
        List<String> asUser = asAnotherUserIfRoot(prefix);

        Run first = run(asUser(asUser, checkout.resolve("bin/install")), Map.of("PREFIX", prefix.toString()));
        assertThat(first.exitCode()).as(first.err()).isZero();
        Path before = installedFolder(prefix);
        assertThat(Files.getPosixFilePermissions(before.resolve("zdd.jsa")))
                .isEqualTo(PosixFilePermissions.fromString("r--r--r--"));
        Files.writeString(checkout.resolve("target/zdd.jar"), "the next version");
        Files.writeString(checkout.resolve("target/man/zdd-new.1"), ".TH ZDD-NEW 1\n");
        Files.delete(checkout.resolve("target/man/zdd-old.1"));

        Run second = run(asUser(asUser, checkout.resolve("bin/install")), Map.of("PREFIX", prefix.toString()));

        assertThat(second.exitCode()).as(second.err()).isZero();
        Path after = installedFolder(prefix);
        assertThat(after).isNotEqualTo(before);
        assertThat(before).doesNotExist();
        assertThat(after.resolve("zdd.jar")).hasContent("the next version");
        assertThat(after.resolve("zdd.jsa")).hasContent("an archive for " + after.resolve("zdd.jar"));
        assertThat(prefix.resolve("share/man/man1/zdd-new.1")).hasContent(".TH ZDD-NEW 1\n");
        assertThat(prefix.resolve("share/man/man1/zdd-old.1")).as("a page the new version lacks").doesNotExist();
        assertThat(prefix.resolve("share/man/man1/zdd.1")).exists();
        try (var lib = Files.list(prefix.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("zdd",
                    after.getFileName().toString());
        }
    }

    @Test
    void replacesAnInstallOfTheFormerLayout_aFolderWithAReadOnlyArchive_asAnotherUser() throws Exception {
        Path checkout = checkout();
        Path prefix = dir.resolve("prefix");
        Path old = Files.createDirectories(prefix.resolve("lib/zdd"));
        Files.writeString(old.resolve("zdd.jar"), "the old version");
        Files.copy(Path.of("bin/zdd"), old.resolve("zdd"));
        Files.writeString(old.resolve("zdd.jsa"), "the old archive");
        Files.setPosixFilePermissions(old.resolve("zdd.jsa"), PosixFilePermissions.fromString("r--r--r--"));
        Files.createDirectories(prefix.resolve("share/man/man1"));
        Files.writeString(prefix.resolve("share/man/man1/zdd.1"), "the old page");
        Files.createDirectories(prefix.resolve("bin"));
        Files.createSymbolicLink(prefix.resolve("bin/zdd"), Path.of("../lib/zdd/zdd"));
        List<String> asUser = asAnotherUserIfRoot(prefix);

        Run install = run(asUser(asUser, checkout.resolve("bin/install")), Map.of("PREFIX", prefix.toString()));

        assertThat(install.exitCode()).as(install.err()).isZero();
        Path folder = installedFolder(prefix);
        assertThat(folder.resolve("zdd.jar")).hasContent("not really a jar");
        assertThat(prefix.resolve("share/man/man1/zdd.1")).isSymbolicLink().hasContent(".TH ZDD 1\n");
        try (var lib = Files.list(prefix.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("zdd",
                    folder.getFileName().toString());
        }
    }

    @Test
    void anInstallThatFails_leavesTheOneBeforeAsItWas_andNoHalfMadeFolder() throws Exception {
        Path checkout = checkout();
        Path prefix = dir.resolve("prefix");
        assertThat(run(List.of(checkout.resolve("bin/install").toString()), Map.of("PREFIX", prefix.toString()))
                .exitCode()).isZero();
        Path before = installedFolder(prefix);
        Files.writeString(checkout.resolve("target/zdd.jar"), "the next version");
        // The switch itself fails: a mv that refuses to rename.
        Path tools = Files.createDirectories(dir.resolve("failing-tools"));
        executable(tools.resolve("mv"), "#!/bin/sh\necho 'mv: cannot do that' >&2\nexit 1\n");

        Run failed = run(List.of(checkout.resolve("bin/install").toString()), Map.of("PREFIX", prefix.toString(),
                "PATH", tools + ":" + System.getenv("PATH")));

        assertThat(failed.exitCode()).isNotZero();
        assertThat(installedFolder(prefix)).isEqualTo(before);
        assertThat(before.resolve("zdd.jar")).hasContent("not really a jar");
        try (var lib = Files.list(prefix.resolve("lib"))) {
            assertThat(lib.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("zdd",
                    before.getFileName().toString());
        }
    }

    /**
     * A checkout with bin/zdd, bin/install, a built jar and man pages, readable by anyone; its fake Java writes an
     * archive beside the jar it is given, read-only as the JVM's own are.
     */
    private Path checkout() throws IOException {
        Path checkout = dir.resolve("checkout");
        layout(checkout, false);
        Files.copy(Path.of("bin/install"), checkout.resolve("bin/install"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(checkout.resolve("target/man"));
        Files.writeString(checkout.resolve("target/zdd.jar"), "not really a jar");
        Files.writeString(checkout.resolve("target/man/zdd.1"), ".TH ZDD 1\n");
        Files.writeString(checkout.resolve("target/man/zdd-old.1"), ".TH ZDD-OLD 1\n");
        Files.writeString(checkout.resolve("target/zdd.jsa"), "the build's archive, for the build's jar");
        executable(javaHome.resolve("bin/java"), """
                #!/bin/sh
                if [ -w '%s' ]; then for a in "$@"; do echo "$a"; done > '%s'; fi
                if [ "$3" = dev.zdd.startup.StartupArchive ]; then
                  sleep 1
                  echo "an archive for $4" > "${4%%.jar}.jsa"
                  chmod 444 "${4%%.jar}.jsa"
                fi
                exit "${FAKE_EXIT:-0}"
                """.formatted(dir, javaArgs));
        try (var files = Files.walk(dir)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                        Files.isDirectory(file) || Files.isExecutable(file) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return checkout;
    }

    /** The folder lib/zdd links to, checked to be a folder of its own. */
    private static Path installedFolder(Path prefix) throws IOException {
        Path link = prefix.resolve("lib/zdd");
        assertThat(link).isSymbolicLink();
        Path target = Files.readSymbolicLink(link);
        assertThat(target.toString()).matches("zdd\\.\\w{6}");
        return prefix.resolve("lib").resolve(target);
    }

    /**
     * Root writes over read-only files anyway: as root, the install runs as nobody (through setpriv), in a prefix
     * that nobody owns, so that it meets the permissions a user meets. Otherwise it runs as it is.
     */
    private List<String> asAnotherUserIfRoot(Path prefix) throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!uid.equals("0")) {
            return List.of();
        }
        assumeThat(Path.of("/usr/bin/setpriv")).as("setpriv, to install as another user").exists();
        Files.createDirectories(prefix);
        assertThat(new ProcessBuilder("chown", "-R", "nobody", prefix.toString()).start().waitFor()).isZero();
        // Every folder above must let nobody through.
        for (Path up = dir; up != null && !up.equals(up.getRoot()); up = up.getParent()) {
            if (!Files.getPosixFilePermissions(up).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                assumeThat(up).as("a folder nobody can pass through").isNull();
            }
        }
        return List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env",
                "HOME=" + prefix);
    }

    private static List<String> asUser(List<String> prefix, Path command) {
        List<String> all = new java.util.ArrayList<>(prefix);
        all.add(command.toString());
        return all;
    }

    private static Path newerThan(Path jar, Path file) throws IOException {
        Files.writeString(file, "made from this jar");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5000));
        return file;
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
