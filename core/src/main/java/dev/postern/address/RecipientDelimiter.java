package dev.postern.address;

import java.util.Locale;
import java.util.Optional;

/**
 * Postfix's {@code recipient_delimiter} ({@code split_addr.c}): a set of characters, the first
 * of which in a local part starts its extension ({@code user+ext}). Some local parts are never
 * split: postmaster, MAILER-DAEMON, double-bounce, and, when {@code -} is a delimiter,
 * {@code owner-*} and {@code *-request} (mailing-list conventions).
 */
public final class RecipientDelimiter {
    private RecipientDelimiter() {
    }

    /** A local part split at its delimiter: {@code user+ext} is {@code user}, {@code +}, {@code ext}. */
    public record Split(String base, char delimiter, String extension) {
    }

    public static Optional<Split> split(String localPart, String delimiters) {
        if (delimiters == null || delimiters.isEmpty()) {
            return Optional.empty();
        }
        String lower = localPart.toLowerCase(Locale.ROOT);
        if (lower.equals("postmaster") || lower.equals("mailer-daemon") || lower.equals("double-bounce")) {
            return Optional.empty();
        }
        if (delimiters.indexOf('-') >= 0 && (lower.startsWith("owner-") || (lower.length() > 8 && lower.endsWith("-request")))) {
            return Optional.empty();
        }
        for (int i = 0; i < localPart.length(); i++) {
            if (delimiters.indexOf(localPart.charAt(i)) >= 0) {
                if (i == 0) {
                    return Optional.empty();
                }
                return Optional.of(new Split(localPart.substring(0, i), localPart.charAt(i), localPart.substring(i + 1)));
            }
        }
        return Optional.empty();
    }

    /** The local part without its extension, when it has one. */
    public static Optional<String> base(String localPart, String delimiters) {
        return split(localPart, delimiters).map(Split::base);
    }
}
