package dev.postern.milter;

import java.util.Locale;

/**
 * {@code milter_default_action}: what happens when a filter cannot be reached, times out or
 * breaks the protocol. {@code quarantine} accepts the mail and puts it on hold.
 */
public enum MilterDefaultAction {
    ACCEPT(MilterReply.ACCEPT),
    REJECT(new MilterReply(MilterReply.Kind.REJECT, 550, "5.5.0", "Service unavailable")),
    TEMPFAIL(MilterReply.TEMPFAIL),
    QUARANTINE(MilterReply.ACCEPT);

    private final MilterReply reply;

    MilterDefaultAction(MilterReply reply) {
        this.reply = reply;
    }

    /** The reply that stands for the filter's. */
    public MilterReply reply() {
        return reply;
    }

    public static MilterDefaultAction parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("milter_default_action = " + value
                + ": expected accept, reject, tempfail or quarantine");
        }
    }
}
