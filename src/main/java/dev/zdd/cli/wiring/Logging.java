package dev.zdd.cli.wiring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import dev.zdd.log.Loggers;
import java.io.PrintWriter;

/**
 * Logback, configured in code for each run: every log line goes to the command's stderr writer (which masks
 * secrets and which tests capture), at the level {@code -v}, {@code -vv} or {@code -q} asks for zdd's own loggers.
 *
 * <p>Lazily: {@link #configure} only notes the run's settings (and tells zdd's own {@link Loggers} the level they
 * log at) until something first asks SLF4J for a logger. Then Logback starts, finds {@link StderrLogConfigurator},
 * and that applies them. A run that logs nothing at its level (the default, WARN, for most runs) never starts
 * Logback, which costs a short-lived CLI about 40 ms of its start.
 */
public final class Logging {

    private static final Object LOCK = new Object();
    /** What the current run asked for; the first run's defaults until a command says otherwise. */
    private static volatile Settings wanted = new Settings(new PrintWriter(System.err, true), Level.WARN, false);
    /** Logback's context once it has started, else null. */
    private static volatile LoggerContext started;

    private Logging() {
    }

    /** Where and how much the current run logs; applied now if Logback has started, else when it starts. */
    public static void configure(PrintWriter err, Level zddLevel, boolean traces) {
        wanted = new Settings(err, zddLevel, traces);
        Loggers.threshold(org.slf4j.event.Level.valueOf(zddLevel.levelStr));
        LoggerContext context = started;
        if (context != null) {
            apply(context);
        }
    }

    /** Called once, by the configurator Logback finds when it starts. */
    static void started(LoggerContext context) {
        started = context;
        apply(context);
    }

    /** Whether Logback has started in this JVM (tests ask). */
    static boolean hasStarted() {
        return started != null;
    }

    private static void apply(LoggerContext context) {
        synchronized (LOCK) {
            Settings settings = wanted;
            context.reset();
            StderrAppender appender = new StderrAppender(settings.err(), settings.traces());
            appender.setContext(context);
            appender.start();
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.setLevel(settings.zddLevel() == Level.ERROR ? Level.ERROR : Level.WARN);
            root.addAppender(appender);
            context.getLogger("dev.zdd").setLevel(settings.zddLevel());
        }
    }

    private record Settings(PrintWriter err, Level zddLevel, boolean traces) {
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
