package dev.zdd.cli.common;

import ch.qos.logback.classic.Level;
import dev.zdd.cli.wiring.Logging;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code -v}, {@code -vv} and {@code -q}: how much goes to stderr besides the result. */
public final class Diagnostics {

    @Option(names = "-v", description = "More diagnostics on stderr; -vv traces HTTP requests (Authorization masked).")
    boolean[] verbose = new boolean[0];

    @Option(names = "-q", description = "Only errors and the final result.")
    boolean quiet;

    /** Checks the combination and sets the log levels; the first thing a command does. */
    public void apply(CommandLine command) {
        if (quiet && verbose.length > 0) {
            throw new ParameterException(command, "-q and -v can't be used together");
        }
        Logging.configure(command.getErr(), level(), tracesErrors());
    }

    public boolean quiet() {
        return quiet;
    }

    /** {@code -v}: the engine's details and what zdd chose (platform, credential source). */
    public boolean verbose() {
        return verbose.length > 0;
    }

    /** {@code -vv}: stack traces for errors, besides HTTP traces. */
    public boolean tracesErrors() {
        return verbose.length > 1;
    }

    private Level level() {
        return quiet ? Level.ERROR : switch (verbose.length) {
            case 0 -> Level.WARN;
            case 1 -> Level.INFO;
            default -> Level.DEBUG;
        };
    }
}
