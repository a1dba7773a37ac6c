package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;

class RepeatedWarningFilterTest {
    private final Logger logger = new LoggerContext().getLogger("dev.postern.tables.TableRegistry");

    private LoggingEvent event(Level level, String format, Object argument) {
        return new LoggingEvent(Logger.class.getName(), logger, level, format, null, new Object[] {argument});
    }

    @Test
    void theSameWarningIsSaidOnceAnotherStillIs() {
        RepeatedWarningFilter filter = new RepeatedWarningFilter();

        assertThat(filter.decide(event(Level.WARN, "{}", "conf/header_checks, line 2: skipping this rule")))
            .isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event(Level.WARN, "{}", "conf/header_checks, line 2: skipping this rule")))
            .isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event(Level.WARN, "{}", "conf/header_checks, line 3: skipping this rule")))
            .as("same format, another message").isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event(Level.ERROR, "{}", "conf/header_checks, line 2: skipping this rule")))
            .isEqualTo(FilterReply.NEUTRAL);
    }
}
