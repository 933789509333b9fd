package dev.zdd.cli;

import dev.zdd.Version;
import dev.zdd.cli.command.CompletionCommand;
import dev.zdd.cli.command.RedeployCommand;
import dev.zdd.cli.command.ReportCommand;
import dev.zdd.cli.command.ServicesCommand;
import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.sandbox.DemoCommand;
import dev.zdd.cli.sandbox.SandboxCommand;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code zdd}: the top command; it only holds the subcommands and the standard help and version options. */
@Command(name = "zdd", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = ZddCommand.VersionProvider.class,
        description = "Redeploys services one after another with zero downtime.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.SUCCESS_DOC, ExitCodes.FAILED_DOC, ExitCodes.USAGE_DOC, ExitCodes.RESOLUTION_DOC,
            ExitCodes.PREFLIGHT_DOC, ExitCodes.PLATFORM_DOC, ExitCodes.DOWNTIME_DOC, ExitCodes.INTERRUPTED_DOC},
        footerHeading = "%nExamples:%n",
        footer = {
            "  zdd demo                        # see it work, on a local sandbox",
            "  zdd services",
            "  zdd redeploy web-1 web-2",
            "  source <(zdd completion bash)"
        },
        // Every subcommand is registered here.
        subcommands = {RedeployCommand.class, ServicesCommand.class, SandboxCommand.class, DemoCommand.class,
            ReportCommand.class, CompletionCommand.class})
final class ZddCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // From the registered commands, so that the list can't fall behind them.
        List<String> commands = List.copyOf(spec.subcommands().keySet());
        throw new ParameterException(spec.commandLine(), "missing a command: "
                + String.join(", ", commands.subList(0, commands.size() - 1)) + " or " + commands.get(commands.size() - 1));
    }

    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"zdd " + Version.get()};
        }
    }
}
