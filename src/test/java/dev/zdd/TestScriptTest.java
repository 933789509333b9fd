package dev.zdd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * {@code bin/test}, copied into a checkout whose Maven wrapper, swarm-up, swarm-down, cluster-up, cluster-down,
 * registry-up and registry-down only record what they are asked, with a fake {@code docker} (running or not) and a fake {@code apt-get} first on the
 * PATH: it starts what is not running, hands Maven its arguments and the services' variables, stops what it started
 * whatever happens, and leaves alone what was already running. Starting needs root (the real script refuses without
 * it), so the cases that start something run only as root, as CI does.
 */
class TestScriptTest {

    record Run(int exitCode, String out, String err, List<String> calls) {
    }

    @TempDir
    Path dir;

    Path checkout;
    Path calls;

    @BeforeEach
    void checkout() throws IOException {
        checkout = dir.resolve("checkout");
        calls = dir.resolve("calls");
        Files.createDirectories(checkout.resolve("bin"));
        Files.copy(Path.of("bin/test"), checkout.resolve("bin/test"), StandardCopyOption.COPY_ATTRIBUTES);
        script(checkout.resolve("mvnw"), "echo \"mvnw $* FAKE_STARTED=${FAKE_STARTED:-}"
                                         + " FAKE_REGISTRY=${FAKE_REGISTRY:-}\" >> '" + calls + "'\n"
                                         + "exit \"${FAKE_MAVEN_EXIT:-0}\"");
        script(checkout.resolve(".ci/swarm-up"), "echo swarm-up >> '" + calls + "'\n"
                                                 + "[ -z \"${FAKE_START_FAILS:-}\" ] || exit 1\n"
                                                 + "echo 'export FAKE_STARTED=yes'");
        script(checkout.resolve(".ci/swarm-down"), "echo swarm-down >> '" + calls + "'");
        script(checkout.resolve(".ci/cluster-up"), "echo cluster-up >> '" + calls + "'\n"
                                                   + "echo 'export FAKE_CLUSTER=yes'");
        script(checkout.resolve(".ci/cluster-down"), "echo cluster-down >> '" + calls + "'");
        script(checkout.resolve(".ci/registry-up"), "echo registry-up >> '" + calls + "'\n"
                                                    + "echo 'export FAKE_REGISTRY=yes'");
        script(checkout.resolve(".ci/registry-down"), "echo registry-down >> '" + calls + "'");
        script(dir.resolve("fakebin/docker"), "exit \"${FAKE_DOCKER_EXIT:-1}\"");
        script(dir.resolve("fakebin/apt-get"), "echo \"apt-get $*\" >> '" + calls + "'");
    }

    @Test
    void startsTheSwarm_runsMavenWithItsArgumentsAndVariables_stopsTheSwarm_andExitsWithMavensCode() throws Exception {
        assumeTrue(root(), "bin/test starts services only as root");

        Run run = run(Map.of("FAKE_MAVEN_EXIT", "3"), "-o", "-Dit.test=SomeIT");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(withoutInstalls(run.calls())).containsExactly("swarm-up", "cluster-up", "registry-up",
                "mvnw -B verify -o -Dit.test=SomeIT FAKE_STARTED=yes FAKE_REGISTRY=yes", "registry-down",
                "cluster-down", "swarm-down");
    }

    @Test
    void leavesASwarmThatWasAlreadyRunning() throws Exception {
        assumeTrue(root(), "whether anything must be installed depends on the machine; as root it can be");

        Run run = run(Map.of("FAKE_DOCKER_EXIT", "0"));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(withoutInstalls(run.calls())).containsExactly("swarm-up", "cluster-up", "registry-up",
                "mvnw -B verify FAKE_STARTED=yes FAKE_REGISTRY=yes", "registry-down");
    }

    @Test
    void stopsWhatItStarted_whenTheStartFails_andRunsNoTest() throws Exception {
        assumeTrue(root(), "bin/test starts services only as root");

        Run run = run(Map.of("FAKE_START_FAILS", "1"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("test: swarm did not start");
        assertThat(withoutInstalls(run.calls())).containsExactly("swarm-up", "swarm-down");
    }

    /** Which packages a machine lacks is its own affair; the fake apt-get keeps the real one out of it. */
    private static List<String> withoutInstalls(List<String> calls) {
        return calls.stream().filter(call -> !call.startsWith("apt-get ")).toList();
    }

    private Run run(Map<String, String> variables, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", checkout.resolve("bin/test").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        builder.environment().put("PATH", dir.resolve("fakebin") + ":" + System.getenv("PATH"));
        builder.environment().remove("FAKE_STARTED");
        builder.environment().remove("FAKE_REGISTRY");
        // No registry of the fake checkout runs, whatever runs on this machine.
        builder.environment().put("ZDD_REGISTRY_DIR", dir.resolve("registry").toString());
        builder.environment().putAll(variables);
        Process process = builder.start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8),
                Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }

    private static boolean root() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return id.waitFor(10, TimeUnit.SECONDS) && uid.equals("0");
    }

    private static void script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
