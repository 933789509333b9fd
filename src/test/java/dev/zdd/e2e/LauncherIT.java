package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/zdd with the real Java and the built jar: the JVM takes its flags, and zdd's exit code comes back. */
class LauncherIT {

    @TempDir
    Path dir;

    @Test
    void runsTheBuiltJar_andPassesItsExitCodeThrough() throws Exception {
        assertThat(launch("--version")).isZero();
        assertThat(dir.resolve("out")).content().startsWith("zdd ");

        assertThat(launch("redeploy")).isEqualTo(2);
        assertThat(dir.resolve("err")).content().contains("SERVICE");
    }

    @Test
    void installsTwice_andTheInstalledZddMapsTheArchiveMadeForIt() throws Exception {
        // A checkout of our own: bin/install takes the jar from ../target.
        Path checkout = dir.resolve("checkout");
        Files.createDirectories(checkout.resolve("bin"));
        Files.createDirectories(checkout.resolve("target"));
        Files.copy(Path.of("bin/install"), checkout.resolve("bin/install"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(Path.of("bin/zdd"), checkout.resolve("bin/zdd"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(Tools.jar(), checkout.resolve("target/zdd.jar"));
        Path prefix = dir.resolve("prefix");
        // The installer's own platform settings point at a decoy: the archive's training redeploys services, and
        // must only ever reach the sandbox it starts itself, never whatever the installer's shell points at.
        AtomicInteger decoyRequests = new AtomicInteger();
        HttpServer decoy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        decoy.createContext("/", exchange -> {
            decoyRequests.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        decoy.start();
        String decoyUrl = "http://127.0.0.1:" + decoy.getAddress().getPort();
        try {
            for (int install = 1; install <= 2; install++) {
                ProcessBuilder builder = new ProcessBuilder(checkout.resolve("bin/install").toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("install.log").toFile());
                builder.environment().put("PREFIX", prefix.toString());
                builder.environment().remove("ZDD_JAVA_OPTS");
                builder.environment().putAll(Map.of("ZDD_API_URL", decoyUrl, "TUTUM_AUTH", "ApiKey decoy:decoy",
                        "ZDD_PLATFORM", "tutum", "TUTUM_STREAM_HOST", decoyUrl.replace("http", "ws")));
                Process process = builder.start();
                assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("install %d", install).isTrue();
                assertThat(process.exitValue()).as(Files.readString(dir.resolve("install.log"))).isZero();
            }
        } finally {
            decoy.stop(0);
        }

        assertThat(dir.resolve("install.log")).content().contains("[archive] wrote");
        assertThat(decoyRequests).as("requests the training sent to the installer's own platform").hasValue(0);
        // -Xshare:on: the JVM refuses to start rather than run without the archive.
        ProcessBuilder installed = new ProcessBuilder(prefix.resolve("bin/zdd").toString(), "--version")
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        installed.environment().remove("ZDD_JAR");
        installed.environment().put("ZDD_JAVA_OPTS", Runtime.version().feature() >= 24 ? "-XX:AOTMode=on"
                : "-Xshare:on");
        Process run = installed.start();
        assertThat(run.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(Files.readString(dir.resolve("err"))).isZero();
        assertThat(dir.resolve("out")).content().startsWith("zdd ");
    }

    private int launch(String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bin/zdd")
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        builder.command().addAll(List.of(args));
        builder.environment().put("ZDD_JAR", Tools.jar().toString());
        builder.environment().remove("ZDD_JAVA_OPTS");
        Process process = builder.start();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(dir.resolve("err"))).doesNotContain("Unrecognized VM option");
        return process.exitValue();
    }
}
