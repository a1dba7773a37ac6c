package dev.postern.smtpd;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.EhloExtension;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailParametersHook;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.postern.queue.MailAttributes;

/**
 * RFC 4865 FUTURERELEASE on the listeners whose {@code postern_future_release_max_interval} is not 0
 * (by default only submission's): EHLO announces {@code FUTURERELEASE <max-interval> <max-datetime>},
 * and MAIL FROM takes {@code HOLDFOR=<seconds, at most 9 digits>} or {@code HOLDUNTIL=<RFC 3339
 * date-time>} (erratum 2040), not both. The release time goes with the mail ({@link
 * MailAttributes#RELEASE_AT}); the queue manager keeps the mail queued until then.
 *
 * <p>Replies: bad syntax, or both parameters, {@code 501 5.5.4}; a time beyond the listener's limit or
 * already past {@code 554 5.5.4}; either parameter on a listener that does not offer the extension
 * {@code 555 5.5.4}.
 */
public class FutureRelease implements MailParametersHook, EhloExtension {
    static final String KEYWORD = "FUTURERELEASE";
    static final String HOLDFOR = "HOLDFOR";
    static final String HOLDUNTIL = "HOLDUNTIL";
    private static final ProtocolSession.AttachmentKey<Requested> RELEASE =
        ProtocolSession.AttachmentKey.of("dev.postern.futureRelease", Requested.class);
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,9}");
    /** RFC 3339 date-time: full-date "T" full-time, with a Z or numeric offset, optional fraction. */
    private static final Pattern DATE_TIME = Pattern.compile(
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})");

    /**
     * A release time and the MAIL command that asked for it ({@link CommandArguments#mailCommand}): one left by
     * a MAIL that was refused after its HOLDFOR was read does not count for the next MAIL.
     */
    private record Requested(Object mailCommand, Instant release) {
        boolean of(SMTPSession session) {
            return mailCommand == CommandArguments.mailCommand(session).orElse(null);
        }
    }

    private final HookEnvironment environment;
    private final Clock clock;
    private PerListener<Duration> maxInterval;

    @Inject
    public FutureRelease(HookEnvironment environment) {
        this(environment, Clock.systemUTC());
    }

    FutureRelease(HookEnvironment environment, Clock clock) {
        this.environment = environment;
        this.clock = clock;
    }

    /** For tests: fixed limits, no environment. */
    FutureRelease(PerListener<Duration> maxInterval, Clock clock) {
        this.environment = null;
        this.clock = clock;
        this.maxInterval = maxInterval;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        maxInterval = environment.perListener(config, this,
            parameters -> parameters.duration("postern_future_release_max_interval"));
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        Duration max = maxInterval.of(session);
        if (!offered(max)) {
            return List.of();
        }
        Instant latest = clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(max);
        return List.of(KEYWORD + " " + max.toSeconds() + " " + DateTimeFormatter.ISO_INSTANT.format(latest));
    }

    @Override
    public String[] getMailParamNames() {
        return new String[] {HOLDFOR, HOLDUNTIL};
    }

    @Override
    public HookResult doMailParameter(SMTPSession session, String paramName, String paramValue) {
        String name = paramName.toUpperCase(Locale.ROOT);
        Duration max = maxInterval.of(session);
        if (!offered(max)) {
            return FixedReply.PARAMETER_NOT_OFFERED.hookResult(name);
        }
        if (requested(session).isPresent()) {
            return FixedReply.BAD_FUTURE_RELEASE.hookResult("Only one of HOLDFOR and HOLDUNTIL may be given");
        }
        Instant now = clock.instant();
        Optional<Instant> release = name.equals(HOLDFOR) ? holdFor(paramValue, now) : holdUntil(paramValue);
        if (release.isEmpty()) {
            return FixedReply.BAD_FUTURE_RELEASE.hookResult("Bad " + name + " parameter syntax");
        }
        if (release.get().isAfter(now.plus(max))) {
            return FixedReply.FUTURE_RELEASE_OUT_OF_RANGE.hookResult(name + " is more than " + max.toSeconds()
                + " seconds ahead");
        }
        if (name.equals(HOLDUNTIL) && release.get().isBefore(now)) {
            return FixedReply.FUTURE_RELEASE_OUT_OF_RANGE.hookResult("HOLDUNTIL is in the past");
        }
        session.setAttachment(RELEASE, new Requested(CommandArguments.mailCommand(session).orElse(null), release.get()),
            State.Transaction);
        return HookResult.DECLINED;
    }

    /** Puts the transaction's release time, if any, on the mail to be queued. */
    static void applyTo(SMTPSession session, Mail mail) {
        requested(session).ifPresent(requested ->
            mail.setAttribute(new Attribute(MailAttributes.RELEASE_AT, AttributeValue.of(requested.release().toString()))));
    }

    private static Optional<Requested> requested(SMTPSession session) {
        return session.getAttachment(RELEASE, State.Transaction).filter(requested -> requested.of(session));
    }

    static Optional<Instant> holdFor(String value, Instant now) {
        if (value == null || !SECONDS.matcher(value).matches()) {
            return Optional.empty();
        }
        return Optional.of(now.plusSeconds(Long.parseLong(value)));
    }

    static Optional<Instant> holdUntil(String value) {
        if (value == null || !DATE_TIME.matcher(value).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value.toUpperCase(Locale.ROOT)).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static boolean offered(Duration max) {
        return max.toSeconds() > 0;
    }
}
