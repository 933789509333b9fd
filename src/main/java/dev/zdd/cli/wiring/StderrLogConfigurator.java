package dev.zdd.cli.wiring;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration, in code (found through {@code META-INF/services}): the settings {@link Logging} holds
 * for the current run, warnings and errors to its stderr as {@code zdd: message} by default. It replaces a
 * {@code logback.xml}, whose parsing (an XML parser and Logback's Joran, some 500 classes) cost a short-lived CLI
 * about a third of its start-up.
 */
public final class StderrLogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        Logging.started(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
