package dev.postern.delivery.smtp;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server reply: its code and the text of each line (without the code). Multi-line replies
 * are shown as one line, as Postfix logs them.
 */
public record SmtpReply(int code, List<String> lines) {
    private static final Pattern ENHANCED = Pattern.compile("^([245])\\.([0-9]{1,3})\\.([0-9]{1,3})(?=\\s|$)");

    public SmtpReply {
        lines = List.copyOf(lines);
    }

    public boolean isPositive() {
        return code / 100 == 2;
    }

    public boolean isTemporary() {
        return code / 100 == 4;
    }

    public boolean isPermanent() {
        return code / 100 == 5;
    }

    /** The RFC 3463 code the reply starts with, when its class agrees with the reply code's. */
    public Optional<String> enhancedCode() {
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = ENHANCED.matcher(lines.get(0));
        if (!m.find() || Integer.parseInt(m.group(1)) != code / 100) {
            return Optional.empty();
        }
        return Optional.of(m.group());
    }

    /** The enhanced code, or {@code X.0.0} of the reply's class. */
    public String dsn() {
        return enhancedCode().orElse((code / 100) + ".0.0");
    }

    /** {@code 550 5.1.1 <r>: Recipient address rejected ...}, lines joined with a space. */
    public String text() {
        String joined = String.join(" ", lines).trim();
        return joined.isEmpty() ? String.valueOf(code) : code + " " + joined;
    }

    @Override
    public String toString() {
        return text();
    }
}
