package dev.postern.app;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * A command-line tool says each warning once: {@code check} opens a table both for the restriction
 * lists and again for the pipeline that uses it, and each opening warns of the same skipped rule.
 * One instance per tool run (logback makes it from {@code tool-logback.xml}).
 */
public final class RepeatedWarningFilter extends Filter<ILoggingEvent> {
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return said.add(event.getLevel() + " " + event.getFormattedMessage()) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
