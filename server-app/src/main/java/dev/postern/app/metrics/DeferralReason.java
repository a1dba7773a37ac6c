package dev.postern.app.metrics;

import java.util.Locale;

/**
 * The kind of failure behind a deferred recipient, told from its delay reason (the text
 * {@code postern queue} shows under it): a small fixed set, so that the {@code reason} label stays
 * a handful of values whatever the remote servers answer.
 */
public enum DeferralReason {
    CONNECTION_REFUSED("connection_refused"),
    TIMEOUT("timeout"),
    TLS("tls"),
    REPLY_4XX("reply_4xx"),
    OTHER("other");

    private final String label;

    DeferralReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * @param delayReason such as {@code connect to mx.example[192.0.2.7]:25: Connection refused} or
     *                    {@code host mx.example[192.0.2.7] said: 450 4.2.0 try later (in reply to RCPT TO command)}
     */
    public static DeferralReason of(String delayReason) {
        String text = delayReason.toLowerCase(Locale.ROOT);
        // A TLS failure can quote a timeout or the server's reply, so it is decided first.
        if (text.contains("tls")) {
            return TLS;
        }
        if (text.contains("connection refused")) {
            return CONNECTION_REFUSED;
        }
        if (text.contains("timed out")) {
            return TIMEOUT;
        }
        if (text.matches(".* said: 4\\d\\d[ -].*")) {
            return REPLY_4XX;
        }
        return OTHER;
    }
}
