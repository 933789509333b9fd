package dev.zdd.cli;

import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.common.Problems;
import dev.zdd.cli.common.UsageErrorListener;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place that prints failures: {@code zdd: <what happened and what to do>}, a stack trace only with
 * {@code -vv}; the exit code comes from {@link ExitCodes}. A command with more to say after a usage error (a
 * summary line, for {@code redeploy --output json}) says it as a {@link UsageErrorListener}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        Problems.print(command.getErr(), failure, false);
        command.getErr().println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        command.getErr().flush();
        if (command.getCommand() instanceof UsageErrorListener listener) {
            listener.usageError(failure, args);
        }
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        Problems.print(command.getErr(), failure, tracesErrors(parsed));
        return ExitCodes.of(failure);
    }

    private static boolean tracesErrors(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        OptionSpec verbose = leaf.matchedOption("-v");
        return verbose != null && verbose.getValue() instanceof boolean[] flags && flags.length > 1;
    }
}
