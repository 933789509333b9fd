package dev.zdd.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggersTest {

    private final ch.qos.logback.classic.Logger backend =
            (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.zdd.loggers-test");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger log = Loggers.get("dev.zdd.loggers-test");

    @BeforeEach
    void capture() {
        backend.setLevel(Level.DEBUG);
        backend.setAdditive(false);
        lines.start();
        backend.addAppender(lines);
    }

    @AfterEach
    void restore() {
        backend.detachAppender(lines);
        backend.setAdditive(true);
        backend.setLevel(null);
        Loggers.threshold(org.slf4j.event.Level.WARN);
    }

    @Test
    void belowItsThreshold_aLoggerAnswersAtOnce_andPassesNothingOn() {
        Loggers.threshold(org.slf4j.event.Level.WARN);

        assertThat(log.isInfoEnabled()).isFalse();
        log.info("retrying {}", 1);
        log.debug("trace");

        assertThat(lines.list).isEmpty();
    }

    @Test
    void atItsThreshold_messagesReachTheBackend_withTheirArgumentsAndCause() {
        Loggers.threshold(org.slf4j.event.Level.INFO);
        IOException cause = new IOException("reset");

        log.info("GET {} failed; trying again in {}", "/api/v1/service/", "1 s", cause);
        log.debug("not at INFO");
        log.warn("plain");

        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("GET /api/v1/service/ failed; trying again in 1 s", "plain");
        assertThat(lines.list.get(0).getLevel()).isEqualTo(Level.INFO);
        assertThat(lines.list.get(0).getThrowableProxy().getMessage()).isEqualTo("reset");
    }
}
