package dev.zdd.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** What the end-to-end tests need from the machine: the built jar, and tools that CI must have installed. */
final class Tools {

    private Tools() {
    }

    /** The jar that {@code ./mvnw verify} built (failsafe passes its path as the system property zdd.jar). */
    static Path jar() {
        String jar = System.getProperty("zdd.jar");
        assertThat(jar).as("system property zdd.jar (set by maven-failsafe)").isNotNull();
        assertThat(Path.of(jar)).as("the built jar").exists();
        return Path.of(jar);
    }

    /**
     * The program's path, when it is on the PATH. When it is missing the test is skipped on a developer's machine,
     * but fails in CI (CI set), where bin/test installs it: a skipped test there would hide a missing install step.
     */
    static Path require(String program) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(folder, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = program + " is not installed (bin/test installs it, as root)";
        if (System.getenv("CI") != null) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
