package dev.zdd.cli.common;

import picocli.CommandLine.ParameterException;

/**
 * A command that has more to say once its command line was refused and the error printed: {@code redeploy
 * --output json} still ends stdout with a summary line, as the contract promises for every path. The frame's error
 * handler calls it without knowing which command it is.
 */
@FunctionalInterface
public interface UsageErrorListener {

    /** {@code args} are the raw arguments: after a parse error, the command's fields can't be trusted. */
    void usageError(ParameterException failure, String[] args);
}
