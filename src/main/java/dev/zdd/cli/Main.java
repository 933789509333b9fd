package dev.zdd.cli;

import ch.qos.logback.classic.Level;
import dev.zdd.cli.wiring.Environment;
import dev.zdd.cli.wiring.Logging;
import dev.zdd.cli.wiring.RedactingWriter;
import dev.zdd.cli.wiring.Secrets;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The {@code zdd} command line. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                Environment.system()));
    }

    /**
     * Runs one command line to its end and returns the exit code; never throws, never exits. Everything written
     * to {@code out} and {@code err} passes through one filter that masks the secrets the run has seen.
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Environment env) {
        Secrets secrets = new Secrets();
        PrintWriter safeOut = new PrintWriter(new RedactingWriter(out, secrets), true);
        PrintWriter safeErr = new PrintWriter(new RedactingWriter(err, secrets), true);
        Logging.configure(safeErr, Level.WARN, false);
        ErrorHandler errors = new ErrorHandler();
        CommandLine commandLine = ZddCommand.tree(new CommandFactory(env, secrets), args)
                .setOut(safeOut)
                .setErr(safeErr)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(errors)
                .setExecutionExceptionHandler(errors);
        try {
            return commandLine.execute(args);
        } finally {
            safeOut.flush();
            safeErr.flush();
        }
    }
}
