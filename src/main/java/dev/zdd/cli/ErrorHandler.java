package dev.zdd.cli;

import dev.zdd.cli.command.RedeployCommand;
import dev.zdd.cli.common.ExitCodes;
import dev.zdd.cli.common.Problems;
import dev.zdd.cli.output.JsonRenderer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place that prints failures: {@code zdd: <what happened and what to do>}, a stack trace only with
 * {@code -vv}; the exit code comes from {@link ExitCodes}. Usage errors of {@code redeploy --output json}
 * still end stdout with a summary line, as the contract promises for every path.
 */
public final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    private final Clock clock;

    ErrorHandler(Clock clock) {
        this.clock = clock;
    }

    public static void report(PrintWriter err, Throwable failure, boolean trace) {
        Problems.describe(failure).forEach(line -> err.println("zdd: " + line));
        if (trace) {
            StringWriter stack = new StringWriter();
            failure.printStackTrace(new PrintWriter(stack));
            err.print(stack);
        }
        err.flush();
    }

    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        report(command.getErr(), failure, false);
        command.getErr().println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        command.getErr().flush();
        if (command.getCommand() instanceof RedeployCommand && asksForJson(args)) {
            new JsonRenderer(command.getOut(), clock).usageSummary(failure, ExitCodes.USAGE);
        }
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        report(command.getErr(), failure, tracesErrors(parsed));
        return ExitCodes.of(failure);
    }

    /** Read from the raw arguments: after a parse error, the command's fields can't be trusted. */
    private static boolean asksForJson(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equalsIgnoreCase("--output=json")
                || args[i].equals("--output") && i + 1 < args.length && args[i + 1].equalsIgnoreCase("json")) {
                return true;
            }
        }
        return false;
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
