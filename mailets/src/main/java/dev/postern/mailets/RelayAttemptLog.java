package dev.postern.mailets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.core.MailAddress;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.mailet.Mail;

import dev.postern.log.MailLog;
import dev.postern.log.MessageTimes;
import dev.postern.log.QueueIdGenerator;

/**
 * Postfix's smtp(8) delivery lines for what James's RemoteDelivery did in one attempt
 * ({@link RelayAttempt}), one line per recipient, so that pflogsumm counts relayed mail:
 * <pre>QID: to=&lt;r&gt;, relay=HOST[IP]:PORT, delay=1.2, delays=0.1/0/1.1/1.1, dsn=2.0.0, status=sent (delivered via HOST[IP]:PORT)</pre>
 *
 * <ul>
 * <li>put back into the queue with a delay: {@code dsn=4.0.0, status=deferred (delivery temporarily
 * failed; next attempt in N s)};</li>
 * <li>{@code is-delivery-permanent-error} set to true: {@code dsn=5.0.0, status=bounced (reason)}, the
 * reason being the {@code delivery-error} the Bouncer attached (when RemoteDelivery has a
 * {@code bounceProcessor}) or the error message;</li>
 * <li>set to false without being queued again (James gave up after {@code maxRetries}): the last
 * deferral, then {@code qmgr: QID: from=<s>, status=expired, returned to sender} as Postfix logs a
 * message that outlived {@code maximal_queue_lifetime};</li>
 * <li>otherwise {@code dsn=2.0.0, status=sent}.</li>
 * </ul>
 * A reason that carries an enhanced status code of the right class ({@code 550 5.1.1 ...}) gives
 * its code as {@code dsn=}. Recipients a partial SMTP failure set aside are logged as bounced (those
 * the attempt narrowed the mail to before bouncing them) or sent (those the server accepted).
 *
 * <p><b>What is not visible.</b> RemoteDelivery does not say which host it talked to. Through a
 * gateway (main.cf's relayhost) the line names the first gateway with its address, resolved once;
 * with direct MX delivery James's choice of MX is not visible, so {@code relay=} is the recipient's
 * domain. RemoteDelivery keeps the SMTP reply of a temporary failure to itself, so deferrals say
 * only that the delivery failed. {@code delays=} has no connection setup time: {@code c} is 0 and
 * {@code d} is the whole attempt.
 */
final class RelayAttemptLog {
    static final String SERVICE = "smtp";
    static final String UNKNOWN = "unknown";
    /** How long an address that did not resolve is remembered as unknown before being looked up again. */
    private static final Duration UNKNOWN_RETRY = Duration.ofMinutes(1);
    private static final Pattern ENHANCED_STATUS = Pattern.compile("(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.])");

    private final MailLog mailLog;
    private final Optional<RelayhostGateway> gateway;
    private final Clock clock;
    private final Function<String, String> resolver;
    private final Map<String, Resolved> addresses = new ConcurrentHashMap<>();

    /**
     * @param gateway  where RemoteDelivery sends all mail, or empty for direct MX delivery
     * @param resolver a host's address as text, {@value #UNKNOWN} if it has none
     */
    RelayAttemptLog(MailLog mailLog, Optional<RelayhostGateway> gateway, Clock clock, Function<String, String> resolver) {
        this.mailLog = mailLog;
        this.gateway = gateway;
        this.clock = clock;
        this.resolver = resolver;
    }

    RelayAttemptLog(MailLog mailLog, Optional<RelayhostGateway> gateway) {
        this(mailLog, gateway, Clock.systemUTC(), RelayAttemptLog::resolve);
    }

    Instant now() {
        return clock.instant();
    }

    /** Logs the lines of an attempt whose queue item is now done with {@code status}. */
    void attemptEnded(RelayAttempt attempt, CompletionStatus status) {
        Mail mail = attempt.mail();
        RelayAttempt.Result result = attempt.result();
        String queueId = QueueIdGenerator.queueIdOf(mail.getName());
        String delays = MessageTimes.delays(mail, attempt.dequeued(), attempt.dequeued(), clock.instant());
        Outcome overall = overall(result, status);
        Set<MailAddress> recipients = new LinkedHashSet<>(result.original());
        recipients.addAll(result.remaining());
        for (MailAddress recipient : recipients) {
            Outcome outcome;
            if (status == CompletionStatus.RETRY || result.remaining().contains(recipient)) {
                outcome = overall;
            } else if (result.narrowedAway().contains(recipient)) {
                outcome = Outcome.BOUNCED;
            } else {
                outcome = Outcome.SENT;
            }
            log(queueId, recipient, delays, outcome, result);
        }
        if (overall == Outcome.EXPIRED) {
            mailLog.log("qmgr", queueId, "from=<" + mail.getMaybeSender().asString("") + ">, status=expired, returned to sender");
        }
    }

    private enum Outcome { SENT, DEFERRED, BOUNCED, EXPIRED, RETRY }

    private static Outcome overall(RelayAttempt.Result result, CompletionStatus status) {
        if (status == CompletionStatus.RETRY) {
            // DeliveryRunnable failed unexpectedly; the queue makes the mail ready again.
            return Outcome.RETRY;
        }
        if (result.requeueDelay().isPresent()) {
            return Outcome.DEFERRED;
        }
        return result.permanentError()
            .map(permanent -> permanent ? Outcome.BOUNCED : Outcome.EXPIRED)
            .orElse(Outcome.SENT);
    }

    private void log(String queueId, MailAddress recipient, String delays, Outcome outcome, RelayAttempt.Result result) {
        String relay = relay(recipient);
        Optional<String> reason = reason(recipient, result);
        String dsn;
        String status;
        switch (outcome) {
            case SENT -> {
                dsn = "2.0.0";
                status = "sent (delivered via " + relay + ")";
            }
            case DEFERRED -> {
                String text = reason.orElseGet(() -> "delivery temporarily failed; next attempt in "
                    + result.requeueDelay().orElse(Duration.ZERO).toSeconds() + " s");
                dsn = dsn(text, '4');
                status = "deferred (" + text + ")";
            }
            case EXPIRED, RETRY -> {
                String text = reason.orElse(outcome == Outcome.RETRY ? "delivery attempt failed; will retry"
                    : "delivery temporarily failed");
                dsn = dsn(text, '4');
                status = "deferred (" + text + ")";
            }
            case BOUNCED -> {
                String text = reason.orElse("delivery failed permanently");
                dsn = dsn(text, '5');
                status = "bounced (" + text + ")";
            }
            default -> throw new IllegalStateException("Unknown outcome " + outcome);
        }
        mailLog.log(SERVICE, queueId, "to=<" + recipient.asString() + ">, relay=" + relay + ", " + delays
            + ", dsn=" + dsn + ", status=" + status);
    }

    /** The Bouncer's reason for this recipient, else the error message the attempt set; on one line. */
    private static Optional<String> reason(MailAddress recipient, RelayAttempt.Result result) {
        return Optional.ofNullable(result.deliveryErrors().get(recipient))
            .or(result::errorMessage)
            .map(text -> text.replaceAll("\\s+", " ").trim())
            .filter(text -> !text.isEmpty() && !text.equals("null"));
    }

    /** The enhanced status code in {@code text} when it is of class {@code kind}, else {@code kind.0.0}. */
    static String dsn(String text, char kind) {
        Matcher matcher = ENHANCED_STATUS.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1).charAt(0) == kind) {
                return matcher.group();
            }
        }
        return kind + ".0.0";
    }

    private String relay(MailAddress recipient) {
        return gateway.map(g -> g.host() + "[" + address(g.host()) + "]:" + g.port())
            .orElseGet(() -> recipient.getDomain().asString());
    }

    private String address(String host) {
        Instant now = clock.instant();
        Resolved resolved = addresses.get(host);
        if (resolved == null || now.isAfter(resolved.until())) {
            String address = resolver.apply(host);
            resolved = new Resolved(address, UNKNOWN.equals(address) ? now.plus(UNKNOWN_RETRY) : Instant.MAX);
            addresses.put(host, resolved);
        }
        return resolved.address();
    }

    private record Resolved(String address, Instant until) {
    }

    static String resolve(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (UnknownHostException | SecurityException e) {
            return UNKNOWN;
        }
    }

}
