package dev.postern.qmgr;

import java.time.Duration;

import dev.postern.config.ComponentParameters;

/**
 * Postfix's retry policy for deferred mail: after a failed attempt the message waits for its own age,
 * but at least {@code minimal_backoff_time} and at most {@code maximal_backoff_time}, so the gaps
 * roughly double; it is returned to its sender once it is older than {@code maximal_queue_lifetime}
 * ({@code bounce_queue_lifetime} for a bounce, whose sender is null). {@code delay_warning_time}
 * (0: off) is when the sender of a still-deferred message is warned, once.
 */
public record RetrySchedule(Duration minimalBackoff, Duration maximalBackoff, Duration maximalQueueLifetime,
                            Duration bounceQueueLifetime, Duration delayWarning) {

    public RetrySchedule {
        if (maximalBackoff.compareTo(minimalBackoff) < 0) {
            // Postfix warns and uses the minimum; a schedule that shrinks makes no sense.
            maximalBackoff = minimalBackoff;
        }
    }

    public static RetrySchedule fromParameters(ComponentParameters parameters) {
        return new RetrySchedule(parameters.duration("minimal_backoff_time"), parameters.duration("maximal_backoff_time"),
            parameters.duration("maximal_queue_lifetime"), parameters.duration("bounce_queue_lifetime"),
            parameters.duration("delay_warning_time"));
    }

    /** How long a message of this age waits before its next attempt. */
    public Duration nextDelay(Duration age) {
        if (age.compareTo(minimalBackoff) < 0) {
            return minimalBackoff;
        }
        return age.compareTo(maximalBackoff) > 0 ? maximalBackoff : age;
    }

    /** Whether a message of this age that is still deferred goes back to its sender. */
    public boolean expired(Duration age, boolean nullSender) {
        return age.compareTo(nullSender ? bounceQueueLifetime : maximalQueueLifetime) >= 0;
    }

    /** Whether a message of this age, not yet warned about, warrants a delay warning. */
    public boolean warnNow(Duration age) {
        return !delayWarning.isZero() && age.compareTo(delayWarning) >= 0;
    }
}
