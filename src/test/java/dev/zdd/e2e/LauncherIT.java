package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
