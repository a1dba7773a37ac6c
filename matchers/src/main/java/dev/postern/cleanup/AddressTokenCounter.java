package dev.postern.cleanup;

/**
 * Counts the RFC 822 tokens of an address header as Postfix's address parser splits them: each
 * special character ({@code <>@,;:.} and the like) is one token, so are an atom, a quoted string,
 * a comment (nested comments included) and a domain literal; white space separates tokens. The
 * text arrives one physical line at a time, and a quoted string, comment or literal may go on on
 * the next line of the folded header, so the counter keeps what is open between calls.
 */
final class AddressTokenCounter {
    private static final String SPECIALS = "()<>@,;:\\\".[]";

    private final int limit;
    private int count;
    /** What the previous line left open: 0 (nothing), '"', '[' or '(' (with {@link #commentDepth}). */
    private char open;
    private int commentDepth;
    private boolean escaped;

    /** @param limit Postfix's {@code header_address_token_limit} */
    AddressTokenCounter(int limit) {
        this.limit = limit;
    }

    /**
     * Counts the tokens of {@code text} (one line of the header, without its line break) and
     * answers where the first token beyond the limit starts, or -1 if all of them fit.
     */
    int cutIndex(CharSequence text) {
        int i = 0;
        int length = text.length();
        while (i < length) {
            if (open != 0) {
                i = insideOpenToken(text, i);
                continue;
            }
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
                continue;
            }
            if (count == limit) {
                return i;
            }
            count++;
            switch (c) {
                case '"', '[' -> {
                    open = c;
                    i++;
                }
                case '(' -> {
                    open = '(';
                    commentDepth = 1;
                    i++;
                }
                default -> i = SPECIALS.indexOf(c) >= 0 ? i + 1 : endOfAtom(text, i + 1);
            }
        }
        return -1;
    }

    /** Consumes the rest of a quoted string, literal or comment; returns where it ends. */
    private int insideOpenToken(CharSequence text, int i) {
        int length = text.length();
        while (i < length) {
            char c = text.charAt(i++);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (open == '(' && c == '(') {
                commentDepth++;
            } else if (open == '(' && c == ')' && --commentDepth == 0
                    || open == '"' && c == '"' || open == '[' && c == ']') {
                open = 0;
                return i;
            }
        }
        return i;
    }

    private static int endOfAtom(CharSequence text, int i) {
        int length = text.length();
        while (i < length) {
            char c = text.charAt(i);
            if (c <= ' ' || c == 0x7f || SPECIALS.indexOf(c) >= 0) {
                break;
            }
            i++;
        }
        return i;
    }
}
