package dev.postern.testing.smtp;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

/**
 * What an {@link SmtpSink} answers: read by every session as each command arrives, so a test may
 * change it between two connections or two transactions.
 */
final class SinkScript {
    static final List<String> DEFAULT_EHLO_KEYWORDS =
            List.of("PIPELINING", "8BITMIME", "SIZE 0", "ENHANCEDSTATUSCODES", "SMTPUTF8");
    static final String DEFAULT_MAIL_REPLY = "250 2.1.0 Ok";
    static final String DEFAULT_RCPT_REPLY = "250 2.1.5 Ok";

    /** {@code null}: the default {@code 220 hostname ESMTP ...}. */
    volatile String greeting;
    /** The server says nothing: the client times out waiting for the greeting. */
    volatile boolean silent;
    volatile List<String> ehloKeywords = DEFAULT_EHLO_KEYWORDS;
    /** Replies by command verb (upper case), instead of the default; MAIL and RCPT have their own. */
    final Map<String, String> verbReplies = new ConcurrentHashMap<>();
    volatile Function<String, String> mailReply = sender -> DEFAULT_MAIL_REPLY;
    volatile Function<String, String> rcptReply = recipient -> DEFAULT_RCPT_REPLY;
    /** {@code null}: {@code 250 2.0.0 Ok: queued as SINKn}. */
    volatile String dataReply;
    /** LMTP: the reply after the dot per accepted recipient; {@code null}: {@link #dataReply}. */
    volatile Function<String, String> recipientDataReply;
    /** Stops reading after 354, as a server that hangs in the middle of a message. */
    volatile boolean stallInData;
    /** Closes the connection instead of answering the final dot. */
    volatile boolean dropAtEndOfData;
    /** Answers STARTTLS with this context. */
    volatile SSLContext tls;
    /** Answers 220 to STARTTLS and then closes the connection: a broken TLS stack. */
    volatile boolean brokenTls;
    volatile boolean tlsWantsClientCertificate;
    /** {@code user:password} that AUTH PLAIN and LOGIN accept; {@code null}: none. */
    volatile String authAccepts;

    String verbReply(String verb) {
        return verbReplies.get(verb.toUpperCase(Locale.ROOT));
    }

    void reset() {
        greeting = null;
        silent = false;
        ehloKeywords = DEFAULT_EHLO_KEYWORDS;
        verbReplies.clear();
        mailReply = sender -> DEFAULT_MAIL_REPLY;
        rcptReply = recipient -> DEFAULT_RCPT_REPLY;
        dataReply = null;
        recipientDataReply = null;
        stallInData = false;
        dropAtEndOfData = false;
        tls = null;
        brokenTls = false;
        tlsWantsClientCertificate = false;
        authAccepts = null;
    }
}
