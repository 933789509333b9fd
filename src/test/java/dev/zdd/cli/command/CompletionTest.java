package dev.zdd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zdd.cli.Fixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code zdd completion bash}, sourced in a real bash, asked what it offers as if TAB had been pressed. */
class CompletionTest {

    @TempDir
    Path dir;

    Path script;

    @BeforeEach
    void generate() throws IOException {
        Fixture.Result result = new Fixture(dir).run("completion", "bash");
        assertThat(result.exitCode()).isZero();
        script = Files.writeString(dir.resolve("zdd.bash"), result.out());
    }

    @Test
    void completesTheCommandNames() throws Exception {
        assertThat(complete("zdd", "re")).containsExactlyInAnyOrder("redeploy", "report");
        assertThat(complete("zdd", "red")).containsExactly("redeploy");
        assertThat(complete("zdd", "")).contains("redeploy", "services", "report", "completion");
    }

    @Test
    void completesOptionNames() throws Exception {
        assertThat(complete("zdd", "redeploy", "--pl")).containsExactly("--platform");
        assertThat(complete("zdd", "redeploy", "--dr")).containsExactlyInAnyOrder("--drain-delay", "--dry-run");
    }

    @Test
    void completesThePlatformsAndTheOutputFormats() throws Exception {
        assertThat(complete("zdd", "redeploy", "--platform", "")).containsExactly("tutum", "dockercloud", "swarm");
        assertThat(complete("zdd", "services", "--platform", "d")).containsExactly("dockercloud");
        assertThat(complete("zdd", "redeploy", "--output", "")).containsExactly("text", "json");
    }

    @Test
    void completesTheReportsFileAndTheEventsFileWithFileNames() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("rollout.ndjson"), "");

        assertThat(complete("zdd", "redeploy", "--re")).contains("--report");
        assertThat(complete("zdd", "demo", "--re")).containsExactly("--report");
        assertThat(complete("zdd", "redeploy", "--report", dir + "/rollout.n")).containsExactly(dir
                                                                                               + "/rollout.ndjson");
        assertThat(complete("zdd", "report", dir + "/rollout.n")).containsExactly(dir + "/rollout.ndjson");
    }

    @Test
    void offersTheSameScriptForZsh() {
        Fixture.Result zsh = new Fixture(dir).run("completion", "zsh");

        assertThat(zsh.exitCode()).isZero();
        assertThat(zsh.out()).contains("bashcompinit").contains("complete -F _complete_zdd");
    }

    @Test
    void exits2_forAnUnknownShell() {
        Fixture.Result fish = new Fixture(dir).run("completion", "fish");

        assertThat(fish.exitCode()).isEqualTo(2);
        assertThat(fish.err()).contains("fish");
    }

    /** What the completion function puts in COMPREPLY for these words, the cursor on the last one. */
    private List<String> complete(String... words) throws Exception {
        StringBuilder array = new StringBuilder();
        for (String word : words) {
            array.append(" '").append(word).append("'");
        }
        String line = String.join(" ", words);
        String probe = "source '" + script + "'\n"
                       + "COMP_WORDS=(" + array + ")\n"
                       + "COMP_CWORD=" + (words.length - 1) + "\n"
                       + "COMP_LINE='" + line + "'\n"
                       + "COMP_POINT=" + line.length() + "\n"
                       + "_complete_zdd zdd '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'\n"
                       + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process bash = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", probe)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(s -> !s.isEmpty()).toList();
    }
}
