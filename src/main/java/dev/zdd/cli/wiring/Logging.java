package dev.zdd.cli.wiring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;

/**
 * Logback, configured in code for each run: every log line goes to the command's stderr writer (which masks
 * secrets and which tests capture), at the level {@code -v}, {@code -vv} or {@code -q} asks for zdd's own loggers.
 */
public final class Logging {

    private Logging() {
    }

    public static void configure(PrintWriter err, Level zddLevel, boolean traces) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        StderrAppender appender = new StderrAppender(err, traces);
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(zddLevel == Level.ERROR ? Level.ERROR : Level.WARN);
        root.addAppender(appender);
        context.getLogger("dev.zdd").setLevel(zddLevel);
    }

    private static final class StderrAppender extends AppenderBase<ILoggingEvent> {

        private final PrintWriter err;
        private final boolean traces;

        StderrAppender(PrintWriter err, boolean traces) {
            this.err = err;
            this.traces = traces;
        }

        @Override
        protected void append(ILoggingEvent event) {
            err.println("zdd: " + event.getFormattedMessage());
            if (traces && event.getThrowableProxy() != null) {
                err.print(ThrowableProxyUtil.asString(event.getThrowableProxy()));
                err.println();
            }
            err.flush();
        }
    }
}
