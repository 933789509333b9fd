package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The man pages that the build wrote into target/man render with man(1), without a single warning. */
class ManPagesIT {

    @TempDir
    Path warnings;

    @ParameterizedTest
    @ValueSource(strings = {"zdd.1", "zdd-redeploy.1", "zdd-services.1", "zdd-completion.1"})
    void rendersWithoutWarnings(String page) throws Exception {
        Path man = Tools.require("man");
        Path file = Tools.jar().resolveSibling("man").resolve(page);
        assertThat(file).exists();

        // man prints its own and groff's warnings on stderr; the rendered page goes to stdout.
        ProcessBuilder builder = new ProcessBuilder(man.toString(), "--warnings", "-l", file.toString())
                .redirectError(warnings.resolve("stderr").toFile());
        builder.environment().put("MANWIDTH", "80");
        builder.environment().put("MANPAGER", "cat");
        Process process = builder.start();
        String rendered = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(warnings.resolve("stderr")).isEmptyFile();
        assertThat(process.exitValue()).isZero();
        assertThat(rendered).contains("NAME", "SYNOPSIS", "OPTIONS", "EXIT STATUS", "SEE ALSO");
    }
}
