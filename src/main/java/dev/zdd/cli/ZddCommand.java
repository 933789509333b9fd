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
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
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
        })
final class ZddCommand implements Callable<Integer> {

    /** Every subcommand, in the order help lists them: each is registered here. */
    static final List<Class<?>> COMMANDS = List.of(RedeployCommand.class, ServicesCommand.class,
            SandboxCommand.class, DemoCommand.class, ReportCommand.class, CompletionCommand.class);
    private static final Set<String> VERSION_OPTIONS = Set.of("-V", "--version");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // From the registered commands, so that the list can't fall behind them.
        List<String> commands = List.copyOf(spec.subcommands().keySet());
        throw new ParameterException(spec.commandLine(), "missing a command: "
                + String.join(", ", commands.subList(0, commands.size() - 1)) + " or " + commands.get(commands.size() - 1));
    }

    /**
     * The command tree a command line needs: picocli reads every option of every command it is given, and that
     * reading is a good part of a short-lived CLI's start. So {@code zdd redeploy ...} gets only {@code redeploy},
     * {@code zdd --version} no subcommand at all; anything else (no command, help, a mistyped command that wants
     * the nearest name, completion scripts) gets them all.
     */
    static CommandLine tree(IFactory factory, String... args) {
        CommandLine zdd = new CommandLine(new ZddCommand(), factory);
        for (Class<?> command : needed(args)) {
            try {
                zdd.addSubcommand(factory.create(command));
            } catch (Exception e) {
                throw new IllegalStateException("cannot create the command " + command.getSimpleName(), e);
            }
        }
        return zdd;
    }

    /** The subcommands a command line can reach; see {@link #tree}. */
    static List<Class<?>> needed(String... args) {
        if (args.length == 1 && VERSION_OPTIONS.contains(args[0])) {
            return List.of();
        }
        if (args.length > 0 && !args[0].equals(name(CompletionCommand.class))) {
            for (Class<?> command : COMMANDS) {
                if (name(command).equals(args[0])) {
                    return List.of(command);
                }
            }
        }
        return COMMANDS;
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"zdd " + Version.get()};
        }
    }
}
