package dev.zdd.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * zdd's own SLF4J loggers, which start the logging backend only when one of them has something to say.
 *
 * <p>Starting Logback costs a short-lived CLI about 40 ms of its start (a security policy file read, a status
 * printer, code generated for string concatenation), and a plain {@code LoggerFactory.getLogger} in a class's static
 * field pays it as soon as the class loads, for a run that at the default level logs nothing. These loggers know the
 * level zdd's loggers log at ({@link #threshold}, which the command line sets from {@code -v}, {@code -vv} and
 * {@code -q}): below it they answer at once, and only a message at or above it goes to the real logger, made then.
 */
public final class Loggers {

    /** The most verbose level zdd's loggers log at: WARN until a command says otherwise. */
    private static volatile Level threshold = Level.WARN;

    private Loggers() {
    }

    public static Logger get(Class<?> type) {
        return new Lazy(type.getName());
    }

    public static Logger get(String name) {
        return new Lazy(name);
    }

    /** The level zdd's loggers log at from now on (the backend is told the same by whoever configures it). */
    public static void threshold(Level level) {
        threshold = level;
    }

    static boolean enabled(Level level) {
        return level.toInt() >= threshold.toInt();
    }

    private static final class Lazy extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;

        private transient volatile Logger real;

        Lazy(String name) {
            this.name = name;
        }

        private Logger real() {
            Logger logger = real;
            if (logger == null) {
                logger = LoggerFactory.getLogger(name);
                real = logger;
            }
            return logger;
        }

        @Override
        public boolean isTraceEnabled() {
            return enabled(Level.TRACE) && real().isTraceEnabled();
        }

        @Override
        public boolean isDebugEnabled() {
            return enabled(Level.DEBUG) && real().isDebugEnabled();
        }

        @Override
        public boolean isInfoEnabled() {
            return enabled(Level.INFO) && real().isInfoEnabled();
        }

        @Override
        public boolean isWarnEnabled() {
            return enabled(Level.WARN) && real().isWarnEnabled();
        }

        @Override
        public boolean isErrorEnabled() {
            return enabled(Level.ERROR) && real().isErrorEnabled();
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return Lazy.class.getName();
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            LoggingEventBuilder event = real().atLevel(level).setMessage(pattern).setCause(throwable);
            if (marker != null) {
                event = event.addMarker(marker);
            }
            if (arguments != null) {
                for (Object argument : arguments) {
                    event = event.addArgument(argument);
                }
            }
            event.log();
        }
    }
}
