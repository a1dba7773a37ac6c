package dev.postern.cleanup;

/**
 * Who sent the message being inspected, for the lines cleanup logs about it:
 * <pre>QID: reject: header Subject: spam from NAME[IP]; from=&lt;s&gt; to=&lt;r&gt; proto=ESMTP helo=&lt;h&gt;: 5.7.1 text</pre>
 *
 * @param client    {@code NAME[IP]}
 * @param recipient the last envelope recipient: Postfix's cleanup names only one, the last it was given
 * @param helo      the HELO/EHLO name, or empty when the client sent none (then no {@code helo=})
 */
public record CleanupContext(String queueId, String client, String sender, String recipient, String protocol,
        String helo) {
    /** Postfix logs at most this much of the header or body line that matched. */
    static final int CONTENT_LOG_LIMIT = 200;

    /**
     * The text after {@code cleanup[PID]: }, with the header or body line as it came: the mail
     * log makes it printable (a folded header becomes one line), as it does every line.
     */
    public String line(String action, ContentClass kind, String content, String text) {
        StringBuilder line = new StringBuilder().append(queueId).append(": ").append(action).append(": ")
            .append(kind.context()).append(' ')
            .append(content, 0, Math.min(content.length(), CONTENT_LOG_LIMIT))
            .append(" from ").append(client).append(';')
            .append(" from=<").append(sender).append('>');
        if (!recipient.isEmpty()) {
            line.append(" to=<").append(recipient).append('>');
        }
        line.append(" proto=").append(protocol);
        if (!helo.isEmpty()) {
            line.append(" helo=<").append(helo).append('>');
        }
        if (!text.isEmpty()) {
            line.append(": ").append(text);
        }
        return line.toString();
    }
}
