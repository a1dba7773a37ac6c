package dev.postern.log;

import java.time.Duration;

/**
 * What a delivery line says about one recipient, as fields rather than text: the figures that
 * count deliveries take these from the call that writes the line, not from the line
 * ({@link MailLog#logDelivery}).
 *
 * @param status as logged: {@code sent}, {@code deferred}, {@code bounced} (a probe's
 *               {@code deliverable}, {@code undeliverable})
 * @param delay  from the message's arrival to the end of the attempt (the line's {@code delay=})
 */
public record DeliveryOutcome(String status, Duration delay) implements MailEvent {
    public double delaySeconds() {
        return Math.max(0, delay.toNanos() / 1e9);
    }
}
