package dev.zdd.cli.command;

import dev.zdd.cli.common.ExitCodes;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zdd completion bash|zsh}: a completion script generated from the same command model as the parser, so
 * that it can never offer an option the parser would refuse.
 */
@Command(name = "completion", usageHelpAutoWidth = true,
        description = "Prints a shell completion script: commands, options, platforms and output formats.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the script was printed", "2:usage error: no shell, or one zdd has no script for"},
        footerHeading = "%nExamples:%n",
        footer = {
            "  source <(zdd completion bash)    # in ~/.bashrc",
            "  source <(zdd completion zsh)     # in ~/.zshrc"
        })
public final class CompletionCommand implements Callable<Integer> {

    /**
     * The shells the script supports. It is one script: picocli's bash script starts with the zsh preamble
     * (compinit, then bashcompinit) when it sees ZSH_VERSION, so zsh runs it through its bash emulation.
     */
    enum Shell {
        BASH, ZSH;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return ExitCodes.SUCCESS;
    }
}
