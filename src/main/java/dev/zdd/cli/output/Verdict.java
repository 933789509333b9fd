package dev.zdd.cli.output;

import java.util.List;

/**
 * How the command judged a run, for its summary: the exit code, the summary's outcome word ({@code success},
 * {@code downtime}, ...), and what stopped the run in the user's words (empty when nothing did). Decided by the
 * command, which knows the exit-code table and the words for each failure; the renderers only show it.
 */
public record Verdict(int exitCode, String outcome, List<String> problems) {

    public Verdict {
        problems = List.copyOf(problems);
    }
}
