package dev.postern.log;

/**
 * Postfix's printable(3) for the mail log: what a client, a message header, DNS or a remote server
 * sent reaches the log only through this, so no value can start a line of its own (a forged line
 * that fail2ban would act on), move a terminal's cursor or hide text.
 *
 * <ul>
 * <li>A folded line break (CR, LF or CRLF followed by a space or tab, as in a folded header) is
 *     unfolded: the break and the white space after it become one space.</li>
 * <li>Every other control character (C0 including TAB, CR, LF, ESC, NUL, backspace; DEL; C1 such as
 *     NEL) becomes {@code ?}, as Postfix's logger does.</li>
 * <li>Non-ASCII text stays when it is printable, as Postfix keeps valid UTF-8 with
 *     {@code smtputf8_enable = yes}; what is not ({@code U+FFFD}, the decoder's mark of invalid
 *     bytes, lone surrogates, format characters such as bidirectional overrides, the Unicode line and
 *     paragraph separators, unassigned and private-use code points) becomes {@code ?}.</li>
 * </ul>
 */
public final class Printable {
    private static final char REPLACEMENT = '?';

    private Printable() {
    }

    /** {@code text} made printable; the same instance when it is printable ASCII already (the usual case). */
    public static String of(String text) {
        int length = text.length();
        int i = 0;
        while (i < length && isPrintableAscii(text.charAt(i))) {
            i++;
        }
        if (i == length) {
            return text;
        }
        StringBuilder out = new StringBuilder(length).append(text, 0, i);
        while (i < length) {
            char c = text.charAt(i);
            if (isPrintableAscii(c)) {
                out.append(c);
                i++;
            } else if (c == '\r' || c == '\n') {
                i = lineBreak(text, i, out);
            } else {
                int codePoint = text.codePointAt(i);
                out.appendCodePoint(isPrintable(codePoint) ? codePoint : REPLACEMENT);
                i += Character.charCount(codePoint);
            }
        }
        return out.toString();
    }

    private static boolean isPrintableAscii(char c) {
        return c >= 0x20 && c < 0x7f;
    }

    /**
     * Writes the line break at {@code start} (CR, LF or CRLF) as one space when white space follows
     * (folding), otherwise as {@code ?}; returns the index after it and the white space it swallowed.
     */
    private static int lineBreak(String text, int start, StringBuilder out) {
        int end = start + (text.startsWith("\r\n", start) ? 2 : 1);
        int afterBlanks = end;
        while (afterBlanks < text.length() && (text.charAt(afterBlanks) == ' ' || text.charAt(afterBlanks) == '\t')) {
            afterBlanks++;
        }
        if (afterBlanks == end) {
            out.append(REPLACEMENT);
            return end;
        }
        out.append(' ');
        return afterBlanks;
    }

    private static boolean isPrintable(int codePoint) {
        if (codePoint == 0xFFFD) {
            return false;
        }
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.UNASSIGNED, Character.PRIVATE_USE -> false;
            default -> true;
        };
    }
}
