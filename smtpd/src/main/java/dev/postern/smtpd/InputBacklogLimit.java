package dev.postern.smtpd;

import io.netty.channel.Channel;

/**
 * Stops reading from a client while too many of its lines wait to be processed. James reads the
 * socket as fast as the client sends and queues every line for the command and DATA handlers, which
 * are slower: a client sending 10 MB of short lines had hundreds of megabytes of queued lines in
 * the heap, twelve such clients exhausted it. Reading pauses above {@link #HIGH} waiting lines and
 * resumes at {@link #LOW}, as TCP flow control then holds the rest of the data in the client's
 * send buffer. The counts are {@link ClientInputMeter}'s.
 */
final class InputBacklogLimit {
    /** Waiting lines at which reading pauses: far above what any honest client pipelines. */
    static final long HIGH = 10_000;
    /** Waiting lines at which reading resumes. */
    static final long LOW = 1_000;

    private InputBacklogLimit() {
    }

    /** After a read: pauses reading if the backlog is over the limit. */
    static void afterReceived(Channel channel, long waiting) {
        if (waiting > HIGH && channel.config().isAutoRead()) {
            channel.config().setAutoRead(false);
        }
    }

    /** After a line is handed to the dispatcher: resumes reading once the backlog is worked off. */
    static void afterDispatched(Channel channel, long waiting) {
        if (waiting <= LOW && !channel.config().isAutoRead()) {
            channel.config().setAutoRead(true);
        }
    }
}
