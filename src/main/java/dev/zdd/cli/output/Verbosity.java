package dev.zdd.cli.output;

/** How much goes to stderr besides the result: {@code -q}, nothing, {@code -v}, {@code -vv}. */
public enum Verbosity {
    /** Only errors and the final result. */
    QUIET,
    /** Progress and warnings. */
    NORMAL,
    /** Besides progress, the engine's details and what zdd chose. */
    VERBOSE,
    /** Besides those, HTTP traces and stack traces. */
    TRACE;

    public boolean quiet() {
        return this == QUIET;
    }

    public boolean verbose() {
        return compareTo(VERBOSE) >= 0;
    }
}
