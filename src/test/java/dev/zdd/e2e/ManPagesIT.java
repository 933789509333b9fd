package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The man pages that the build wrote into target/man render with man(1), without a single warning. */
class ManPagesIT {

    @TempDir
    Path dir;

    @Test
    void everyCommandHasAPage_thatRendersWithoutWarnings() throws Exception {
        Path man = Tools.require("man");
        List<Path> pages;
        try (Stream<Path> files = Files.list(Tools.jar().resolveSibling("man"))) {
            pages = files.filter(file -> file.toString().endsWith(".1")).sorted().toList();
        }
        assertThat(pages).extracting(page -> page.getFileName().toString())
                .contains("zdd.1", "zdd-redeploy.1", "zdd-services.1", "zdd-completion.1");

        for (Path page : pages) {
            assertThat(render(man, page)).as(page.toString())
                    .contains("NAME", "SYNOPSIS", "OPTIONS", "EXIT STATUS", "SEE ALSO");
        }
    }

    /** The page as man shows it; fails on anything that man or groff say on stderr. */
    private String render(Path man, Path page) throws IOException, InterruptedException {
        Path warnings = dir.resolve(page.getFileName() + ".warnings");
        ProcessBuilder builder = new ProcessBuilder(man.toString(), "--warnings", "-l", page.toString())
                .redirectError(warnings.toFile());
        builder.environment().put("MANWIDTH", "80");
        builder.environment().put("MANPAGER", "cat");
        Process process = builder.start();
        String rendered = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();

        assertThat(warnings).as("warnings for " + page).isEmptyFile();
        assertThat(process.exitValue()).isZero();
        return rendered;
    }
}
