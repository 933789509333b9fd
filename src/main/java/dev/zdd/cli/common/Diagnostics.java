package dev.zdd.cli.common;

import ch.qos.logback.classic.Level;
import dev.zdd.cli.output.Verbosity;
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

    /** The options as the renderers take them: a plain value, so that output knows nothing of options. */
    public Verbosity verbosity() {
        return quiet ? Verbosity.QUIET : switch (verbose.length) {
            case 0 -> Verbosity.NORMAL;
            case 1 -> Verbosity.VERBOSE;
            default -> Verbosity.TRACE;
        };
    }

    public boolean quiet() {
        return verbosity().quiet();
    }

    /** {@code -v}: the engine's details and what zdd chose (platform, credential source). */
    public boolean verbose() {
        return verbosity().verbose();
    }

    /** {@code -vv}: stack traces for errors, besides HTTP traces. */
    public boolean tracesErrors() {
        return verbosity() == Verbosity.TRACE;
    }

    private Level level() {
        return switch (verbosity()) {
            case QUIET -> Level.ERROR;
            case NORMAL -> Level.WARN;
            case VERBOSE -> Level.INFO;
            case TRACE -> Level.DEBUG;
        };
    }
}
