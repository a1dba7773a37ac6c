package dev.postern.address;

import java.util.Optional;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;

/**
 * The one reading of a MAIL FROM or RCPT TO path: the {@code <...>} of the command is read here
 * once, by RFC 5321's grammar, and everything after it (restrictions, the relay guard, the
 * local-recipient check, the queue envelope, routing) works from the {@link #mailbox} this
 * produces. Two parsers that read the same bytes differently are how an open relay happens
 * ({@code RCPT TO:<v\>@evil.example>} was once judged as the local {@code v\} while James
 * queued {@code v\>@evil.example}), so a path that could be read in more than one way is not
 * read at all: the command gets {@code 501 5.1.3 Bad recipient address syntax} (MAIL:
 * {@code 501 5.1.7 Bad sender address syntax}).
 *
 * <p>What is accepted: {@code <>}; {@code <[@route,@route:]local[@domain]>} where the local
 * part is a dot-string of RFC 5321 atext or a quoted string (a backslash only inside quotes,
 * before a printable character), and the domain is letters, digits, {@code - _ .} or an
 * address literal {@code [...]} (no {@code [ ] \} inside); the closing {@code >} is followed
 * by nothing or by spaces and ESMTP parameters. Postfix's leniencies that stay unambiguous
 * are kept: a missing domain (qualified later with {@code $myorigin}), one trailing dot on
 * the domain (dropped), a source route (dropped, as RFC 5321 says). Refused: control
 * characters and 8-bit bytes anywhere in the path, a backslash outside quotes, white space,
 * comments or a second {@code <} outside quotes, unbalanced quotes or brackets, anything but
 * a space after the closing {@code >}.
 *
 * @param asWritten  the path between the angle brackets exactly as the client sent it, for log lines
 * @param mailbox    {@code local@domain} with the route and a trailing dot removed; for an
 *                   unqualified path only the local part; empty for {@code <>}
 * @param parameters the ESMTP parameters after the path, without leading spaces
 */
public record EnvelopePath(String asWritten, String mailbox, String parameters) {
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    /** A path that cannot be read unambiguously; {@link #getMessage} says where. */
    public static final class SyntaxException extends Exception {
        private final String asWritten;
        private final boolean usage;

        SyntaxException(String asWritten, String reason) {
            this(asWritten, reason, false);
        }

        private SyntaxException(String asWritten, String reason, boolean usage) {
            super(reason);
            this.asWritten = asWritten;
            this.usage = usage;
        }

        /** The command is not {@code FROM:}/{@code TO:} at all (a usage error, not a bad address). */
        public boolean isUsage() {
            return usage;
        }

        /** What the client sent after the colon, for the log line of the refusal. */
        public String asWritten() {
            return asWritten;
        }
    }

    /** Whether this is the null path {@code <>}. */
    public boolean isNull() {
        return mailbox.isEmpty();
    }

    /** Whether the mailbox names a domain; an unqualified one gets {@code $myorigin}. */
    public boolean isQualified() {
        return domainStart(mailbox) >= 0;
    }

    /** The mailbox with {@code domain} appended when it has none (the null path stays empty). */
    public String qualified(String domain) {
        return isNull() || isQualified() ? mailbox : mailbox + "@" + domain;
    }

    /** The domain as written (without a trailing dot), if the mailbox has one. */
    public Optional<String> domain() {
        int at = domainStart(mailbox);
        return at < 0 ? Optional.empty() : Optional.of(mailbox.substring(at + 1));
    }

    /** The local part as written, quotes included. */
    public String localPart() {
        int at = domainStart(mailbox);
        return at < 0 ? mailbox : mailbox.substring(0, at);
    }

    /**
     * Whether James's address is this reading and nothing else: the same local part, the same
     * domain (James drops the brackets of an address literal and lower-cases, so the domain is
     * compared as James's {@link Domain} of it). The SMTP handlers build James's address from
     * {@link #qualified} and refuse the command when this fails, so that no second reading can
     * ever differ from the first.
     *
     * @param mailbox a qualified mailbox of this path
     */
    public static boolean readsAs(String mailbox, MailAddress parsed) {
        int at = domainStart(mailbox);
        if (at < 0 || parsed == null) {
            return false;
        }
        try {
            return parsed.getLocalPart().equals(mailbox.substring(0, at))
                && parsed.getDomain().equals(Domain.of(mailbox.substring(at + 1)));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Reads the argument of MAIL or RCPT.
     *
     * @param argument everything after the command verb, e.g. {@code FROM:<a@b.example> SIZE=10}
     * @param keyword  {@code FROM} or {@code TO}
     * @param requireBrackets whether a path without {@code <>} is refused (James's
     *                        {@code addressBracketsEnforcement}); without it, the first word is the path
     * @throws SyntaxException when the argument is not {@code keyword:path [parameters]} or the
     *                         path cannot be read unambiguously
     */
    public static EnvelopePath parse(String argument, String keyword, boolean requireBrackets) throws SyntaxException {
        String text = argument == null ? "" : argument;
        int colon = text.indexOf(':');
        if (colon < 0 || !text.substring(0, colon).trim().equalsIgnoreCase(keyword)) {
            throw new SyntaxException(text, "expected " + keyword + ":<address>", true);
        }
        String rest = stripLeadingSpaces(text.substring(colon + 1));
        if (!rest.startsWith("<")) {
            return unbracketed(rest, requireBrackets);
        }
        return new Reader(rest).bracketed();
    }

    private static EnvelopePath unbracketed(String rest, boolean requireBrackets) throws SyntaxException {
        if (requireBrackets) {
            throw new SyntaxException(rest, "address not enclosed in <>");
        }
        int space = rest.indexOf(' ');
        String word = space < 0 ? rest : rest.substring(0, space);
        String parameters = space < 0 ? "" : stripLeadingSpaces(rest.substring(space));
        if (word.isEmpty()) {
            throw new SyntaxException(rest, "no address");
        }
        EnvelopePath inner = new Reader("<" + word + ">").bracketed();
        return new EnvelopePath(word, inner.mailbox(), parameters);
    }

    private static String stripLeadingSpaces(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return text.substring(i);
    }

    /** The index of the {@code @} before the domain: the first one outside a quoted string. */
    private static int domainStart(String mailbox) {
        boolean quoted = false;
        for (int i = 0; i < mailbox.length(); i++) {
            char c = mailbox.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '@' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 5321 atext: letters, digits and {@code !#$%&'*+-/=?^_`{|}~}. */
    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || ATEXT_SPECIALS.indexOf(c) >= 0;
    }

    private static boolean isDomainCharacter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** One pass over {@code <path> parameters}, position by position; no backtracking. */
    private static final class Reader {
        private final String text;
        private int pos = 1;

        Reader(String text) {
            this.text = text;
        }

        EnvelopePath bracketed() throws SyntaxException {
            checkCharacters();
            if (peek() == '>') {
                pos++;
                return new EnvelopePath("", "", parameters());
            }
            if (peek() == '@') {
                sourceRoute();
            }
            int start = pos;
            localPart();
            if (peek() == '@') {
                pos++;
                domain();
            }
            int end = pos;
            expect('>', "address not closed by >");
            String mailbox = text.substring(start, end);
            if (mailbox.endsWith(".") && domainStart(mailbox) >= 0) {
                mailbox = mailbox.substring(0, mailbox.length() - 1);
            }
            return new EnvelopePath(text.substring(1, end), mailbox, parameters());
        }

        /** Control characters and 8-bit bytes are refused before anything else is read. */
        private void checkCharacters() throws SyntaxException {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || c >= 0x7f) {
                    throw error("control or 8-bit character in address");
                }
            }
        }

        /** {@code @a.example,@b.example:} before the mailbox: read, checked and dropped. */
        private void sourceRoute() throws SyntaxException {
            while (true) {
                expect('@', "malformed source route");
                domain();
                if (peek() == ':') {
                    pos++;
                    return;
                }
                expect(',', "malformed source route");
            }
        }

        private void localPart() throws SyntaxException {
            if (peek() == '"') {
                quotedString();
                return;
            }
            dotString();
        }

        private void quotedString() throws SyntaxException {
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return;
                }
                if (c == '\\') {
                    pos++;
                    if (pos >= text.length()) {
                        break;
                    }
                }
                pos++;
            }
            throw error("unterminated quoted string");
        }

        private void dotString() throws SyntaxException {
            int start = pos;
            while (pos < text.length() && (isAtext(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            if (pos == start) {
                throw error(unexpected("local part"));
            }
        }

        private void domain() throws SyntaxException {
            if (peek() == '[') {
                addressLiteral();
                return;
            }
            int start = pos;
            while (pos < text.length() && (isDomainCharacter(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            if (pos == start) {
                throw error(unexpected("domain"));
            }
        }

        private void addressLiteral() throws SyntaxException {
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == ']') {
                    pos++;
                    return;
                }
                if (c == '[' || c == '\\' || c == ' ') {
                    throw error("\"" + c + "\" inside an address literal");
                }
                pos++;
            }
            throw error("unterminated address literal");
        }

        /** After {@code >}: nothing, or spaces and the ESMTP parameters. */
        private String parameters() throws SyntaxException {
            if (pos == text.length()) {
                return "";
            }
            if (text.charAt(pos) != ' ') {
                throw error("\"" + text.charAt(pos) + "\" after the closing >");
            }
            return stripLeadingSpaces(text.substring(pos));
        }

        private void expect(char c, String reason) throws SyntaxException {
            if (peek() != c) {
                throw error(pos < text.length() ? reason + " (found \"" + text.charAt(pos) + "\")" : reason);
            }
            pos++;
        }

        private String unexpected(String where) {
            return peek() == '>' || pos >= text.length() ? "empty " + where
                : "\"" + text.charAt(pos) + "\" not allowed in the " + where;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private SyntaxException error(String reason) {
            return new SyntaxException(text, reason);
        }
    }
}
