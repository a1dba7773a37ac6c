package dev.postern.queue;

import java.math.BigDecimal;
import java.math.MathContext;
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
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final MathContext TWO_DIGITS = new MathContext(2);

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
        long nanos = duration.toNanos();
        double value = Math.max(0, nanos / 1e9);
        if (value == 0) {
            return "0";
        }
        if (value >= 10) {
            return Long.toString(Math.round(value));
        }
        return underTen(nanos);
    }

    /**
     * Under 10 s, rounded half up to two significant digits with trailing zeros dropped. This is done
     * on the whole nanoseconds because the mail log writes five of these per delivery line, and the
     * {@code BigDecimal} of the {@code double} (what this printed before, which the log's readers saw)
     * cost a big-number division each. The two agree except on an exact tie (the third digit a 5 and
     * nothing after it), where the {@code double} can lie either side of the half; only ties go the
     * {@code BigDecimal} way, so every line reads as it did.
     */
    static String underTen(long nanos) {
        long unit = 1;
        while (nanos / unit >= 100) {
            unit *= 10;
        }
        long digits = nanos / unit;
        long rest = nanos % unit;
        if (2 * rest == unit) {
            return new BigDecimal(nanos / 1e9).round(TWO_DIGITS).stripTrailingZeros().toPlainString();
        }
        if (2 * rest > unit) {
            digits++;
        }
        return plainSeconds(digits * unit);
    }

    /** Whole nanoseconds as seconds, {@code 0.0012} or {@code 1.5} or {@code 10}: no exponent, no trailing zeros. */
    private static String plainSeconds(long nanos) {
        long whole = nanos / NANOS_PER_SECOND;
        long fraction = nanos % NANOS_PER_SECOND;
        if (fraction == 0) {
            return Long.toString(whole);
        }
        String digits = Long.toString(NANOS_PER_SECOND + fraction).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + digits.substring(0, end);
    }

    private static Optional<Instant> read(Mail mail, AttributeName name) {
        return mail.getAttribute(name)
            .map(Attribute::getValue)
            .map(AttributeValue::getValue)
            .filter(Long.class::isInstance)
            .map(v -> Instant.ofEpochMilli((Long) v));
    }
}
