package dev.postern.app.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One SMTP reply as the harness's {@link SmtpClient} read it from the server under test: the three-digit
 * code and every raw line, multi-line aware. (Not the delivery agent's {@code dev.postern.delivery.smtp.SmtpReply},
 * which is Postern's own parse of a next hop's reply.)
 *
 * <p>{@link #full()} is the reply exactly as it went over the wire minus the line endings, lines joined
 * with {@code \n}; for a one-line reply that is e.g. {@code 454 4.7.1 <x@remote.example>: Relay access denied}.
 */
public final class ClientReply {

    private final int code;
    private final List<String> lines;

    ClientReply(int code, List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        this.code = code;
        this.lines = List.copyOf(lines);
    }

    /** Parses reply lines such as {@code 250-first} ... {@code 250 last}. */
    public static ClientReply of(String... rawLines) {
        List<String> lines = List.of(rawLines);
        int code = Integer.parseInt(lines.get(0).substring(0, 3));
        return new ClientReply(code, lines);
    }

    public int code() {
        return code;
    }

    /** The raw lines, each starting with the code and its separator ({@code "250-PIPELINING"}). */
    public List<String> lines() {
        return lines;
    }

    /** The raw reply, lines joined with {@code \n}. */
    public String full() {
        return String.join("\n", lines);
    }

    /** The text of each line without the code and separator. */
    public List<String> textLines() {
        List<String> texts = new ArrayList<>(lines.size());
        for (String line : lines) {
            texts.add(line.length() > 4 ? line.substring(4) : "");
        }
        return texts;
    }

    /** The text of all lines without codes, joined with {@code \n}. */
    public String text() {
        return String.join("\n", textLines());
    }

    /** The text of the last line (for a one-line reply, its whole text). */
    public String lastText() {
        List<String> texts = textLines();
        return texts.get(texts.size() - 1);
    }

    public boolean isPositiveCompletion() {
        return code >= 200 && code < 300;
    }

    public boolean isPositiveIntermediate() {
        return code >= 300 && code < 400;
    }

    public boolean isTransientNegative() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanentNegative() {
        return code >= 500 && code < 600;
    }

    /** True when some line's text (after the code) equals {@code keyword} or starts with {@code keyword + " "}. */
    public boolean hasExtension(String keyword) {
        for (String text : textLines()) {
            String upper = text.toUpperCase(java.util.Locale.ROOT);
            String wanted = keyword.toUpperCase(java.util.Locale.ROOT);
            if (upper.equals(wanted) || upper.startsWith(wanted + " ") || upper.startsWith(wanted + "=")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientReply other && other.code == code && other.lines.equals(lines);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, lines);
    }

    @Override
    public String toString() {
        return full();
    }
}
