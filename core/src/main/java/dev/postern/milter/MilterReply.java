package dev.postern.milter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A filter's answer to one event, as the MTA acts on it: go on ({@code c}), accept ({@code a}),
 * reject ({@code r}), tempfail ({@code t}), discard ({@code d}), an SMTP reply of the filter's own
 * ({@code y}), shut the connection ({@code 4}), skip the rest of this event type ({@code s}).
 * A refusal carries the SMTP reply that answers the client, with Postfix's texts for {@code r}
 * and {@code t}.
 */
public record MilterReply(Kind kind, int code, String dsn, String text) {
    public enum Kind { CONTINUE, ACCEPT, REJECT, TEMPFAIL, DISCARD, SHUTDOWN, SKIP }

    public static final MilterReply CONTINUE = new MilterReply(Kind.CONTINUE, 0, "", "");
    public static final MilterReply ACCEPT = new MilterReply(Kind.ACCEPT, 0, "", "");
    public static final MilterReply DISCARD = new MilterReply(Kind.DISCARD, 0, "", "");
    public static final MilterReply SKIP = new MilterReply(Kind.SKIP, 0, "", "");
    public static final MilterReply REJECT = new MilterReply(Kind.REJECT, 550, "5.7.1", "Command rejected");
    public static final MilterReply TEMPFAIL =
        new MilterReply(Kind.TEMPFAIL, 451, "4.7.1", "Service unavailable - try again later");
    public static final MilterReply SHUTDOWN = new MilterReply(Kind.SHUTDOWN, 421, "4.7.0", "Server closing connection");

    private static final Pattern REPLY_LINE = Pattern.compile("([45])(\\d\\d)[ -](?:(\\d\\.\\d{1,3}\\.\\d{1,3}) )?(.*)");

    /** Whether the client is refused: a reject, a tempfail or the filter's own 4xx/5xx. */
    public boolean refuses() {
        return kind == Kind.REJECT || kind == Kind.TEMPFAIL || kind == Kind.SHUTDOWN;
    }

    /** Whether this reply ends the filter's part in the message (or, before MAIL, the session). */
    public boolean isFinal() {
        return kind != Kind.CONTINUE && kind != Kind.SKIP;
    }

    /** The reply as {@code soft_bounce = yes} sends it: a 5xx becomes the 4xx of the same status detail. */
    public MilterReply softBounced() {
        if (code < 500 || code > 599) {
            return this;
        }
        return new MilterReply(Kind.TEMPFAIL, code - 100, "4" + dsn.substring(1), text);
    }

    /** {@code 550 5.7.1 text} */
    public String line() {
        return code + " " + dsn + " " + text;
    }

    /**
     * The filter's own reply ({@code y}): {@code ddd x.y.z text}, multi-line as {@code ddd-} lines
     * joined by CRLF (their texts are joined here), {@code %%} for a percent sign. The status is
     * optional (then {@code x.7.1}); a first digit other than 4 or 5, or a status whose class is not
     * the code's, is a protocol error.
     */
    public static MilterReply replyCode(String reply) throws MilterException {
        String[] lines = reply.split("\r?\n");
        Matcher first = REPLY_LINE.matcher(lines[0]);
        if (!first.matches()) {
            throw new MilterException("malformed reply code from filter: " + reply);
        }
        char klass = first.group(1).charAt(0);
        String dsn = first.group(3) == null ? klass + ".7.1" : first.group(3);
        if (dsn.charAt(0) != klass) {
            throw new MilterException("reply code " + first.group(1) + first.group(2) + " with status " + dsn + " of another class");
        }
        StringBuilder text = new StringBuilder(first.group(4));
        for (int i = 1; i < lines.length; i++) {
            Matcher more = REPLY_LINE.matcher(lines[i]);
            text.append(' ').append(more.matches() ? more.group(4) : lines[i]);
        }
        int code = Integer.parseInt(first.group(1) + first.group(2));
        String unescaped = text.toString().replace("%%", "\u0000").replace("%", "").replace('\u0000', '%');
        return new MilterReply(klass == '5' ? Kind.REJECT : Kind.TEMPFAIL, code, dsn, unescaped);
    }
}
