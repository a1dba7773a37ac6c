package dev.postern.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * When a message arrived and when it was queued, carried on the mail as attributes so
 * that every delivery agent can log Postfix's {@code delay=} and {@code delays=a/b/c/d}:
 * a = before the queue (SMTP receive), b = in the queue, c = connection setup,
 * d = transmission. Times are epoch milliseconds; the queue keeps them across restarts.
 */
public final class MessageTimes {
    private MessageTimes() {
    }

    public static void stamp(Mail mail, Instant arrival, Instant queued) {
        mail.setAttribute(new Attribute(MailAttributes.ARRIVAL, AttributeValue.of(arrival.toEpochMilli())));
        mail.setAttribute(new Attribute(MailAttributes.QUEUED, AttributeValue.of(queued.toEpochMilli())));
    }

    /**
     * @param deliveryStart when the delivery agent took the message
     * @param connected     when its connection (or mailbox) was ready
     * @param now           when the delivery finished
     * @return {@code delay=N, delays=a/b/c/d} in Postfix's two-significant-digit style
     */
    public static String delays(Mail mail, Instant deliveryStart, Instant connected, Instant now) {
        Instant arrival = read(mail, MailAttributes.ARRIVAL).orElse(deliveryStart);
        Instant queued = read(mail, MailAttributes.QUEUED).orElse(arrival);
        return "delay=" + seconds(Duration.between(arrival, now))
            + ", delays=" + seconds(Duration.between(arrival, queued))
            + "/" + seconds(Duration.between(queued, deliveryStart))
            + "/" + seconds(Duration.between(deliveryStart, connected))
            + "/" + seconds(Duration.between(connected, now));
    }

    /** The {@code delay=} of a delivery line as a duration: from arrival (or the delivery's start, unstamped) to {@code now}. */
    public static Duration delay(Mail mail, Instant deliveryStart, Instant now) {
        return Duration.between(read(mail, MailAttributes.ARRIVAL).orElse(deliveryStart), now);
    }

    /** When the message arrived, as stamped at SMTP time. */
    public static Optional<Instant> arrival(Mail mail) {
        return read(mail, MailAttributes.ARRIVAL);
    }

    /** Postfix prints delays with two significant digits, and 0 for nothing. */
    static String seconds(Duration duration) {
        double value = Math.max(0, duration.toNanos() / 1e9);
        if (value == 0) {
            return "0";
        }
        if (value >= 10) {
            return Long.toString(Math.round(value));
        }
        String formatted = new java.math.BigDecimal(value).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
        return formatted;
    }

    private static Optional<Instant> read(Mail mail, AttributeName name) {
        return mail.getAttribute(name)
            .map(Attribute::getValue)
            .map(AttributeValue::getValue)
            .filter(Long.class::isInstance)
            .map(v -> Instant.ofEpochMilli((Long) v));
    }
}
