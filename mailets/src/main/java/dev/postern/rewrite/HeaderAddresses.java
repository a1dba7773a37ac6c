package dev.postern.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;

import dev.postern.tables.LookupException;

/**
 * Rewrites the addresses in one address header ({@code From:}, {@code To:}, ...) and nothing
 * else: display names, comments, groups, folding and spacing stay exactly as written, because
 * only the text of each address is replaced in place. The header is parsed with JavaMail's
 * lenient parser; a value it cannot parse, or whose addresses cannot be found again in the
 * text, is left as it is.
 */
public final class HeaderAddresses {
    /** Postfix's header sender class ({@code header_sender}). */
    public static final List<String> SENDER_HEADERS = List.of("From", "Sender", "Reply-To", "Errors-To",
        "Resent-From", "Resent-Sender", "Return-Receipt-To");
    /** Postfix's header recipient class ({@code header_recipient}). */
    public static final List<String> RECIPIENT_HEADERS = List.of("To", "Cc", "Bcc", "Apparently-To",
        "Resent-To", "Resent-Cc", "Resent-Bcc");

    private HeaderAddresses() {
    }

    /** What becomes of one address, in internal form. */
    @FunctionalInterface
    public interface Rewrite {
        String apply(String address) throws LookupException;
    }

    /**
     * @param value the header's value as stored (possibly folded)
     * @return the new value; empty when nothing changed or the value could not be parsed
     */
    public static Optional<String> rewrite(String value, Rewrite rewrite) throws LookupException {
        List<String> addresses;
        try {
            addresses = addresses(value);
        } catch (AddressException e) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        int copied = 0;
        int from = 0;
        boolean changed = false;
        for (String written : addresses) {
            if (written.indexOf('@') < 0) {
                continue;
            }
            String internal = Addresses.internal(written);
            String result = rewrite.apply(internal);
            int at = find(value, written, from);
            if (at < 0) {
                return Optional.empty();
            }
            from = at + written.length();
            if (result.equals(internal)) {
                continue;
            }
            String replacement = Addresses.external(result);
            out.append(value, copied, at).append(replacement);
            copied = from;
            changed = true;
        }
        if (!changed) {
            return Optional.empty();
        }
        return Optional.of(out.append(value, copied, value.length()).toString());
    }

    private static List<String> addresses(String value) throws AddressException {
        List<String> addresses = new ArrayList<>();
        for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
            if (address.isGroup()) {
                for (InternetAddress member : address.getGroup(false)) {
                    addresses.add(checked(member));
                }
            } else if (address.getAddress() != null) {
                addresses.add(checked(address));
            }
        }
        return addresses;
    }

    /**
     * The lenient parser takes {@code Bob <bob@example.com} (no closing bracket) for one address
     * "Bob <bob@example.com"; strict validation of each address found refuses such text.
     */
    private static String checked(InternetAddress address) throws AddressException {
        String text = address.getAddress();
        if (text.indexOf('@') >= 0) {
            new InternetAddress(text, true).validate();
        }
        return text;
    }

    /**
     * Where {@code address} is written in {@code value} from {@code from} on, outside quoted
     * strings and comments (a display name may look like an address), as a whole token.
     */
    static int find(String value, String address, int from) {
        boolean quoted = false;
        int comment = 0;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (comment > 0) {
                if (c == '\\') {
                    i++;
                } else if (c == '(') {
                    comment++;
                } else if (c == ')') {
                    comment--;
                }
                continue;
            }
            if (value.startsWith(address, i) && startsToken(value, i) && endsToken(value, i + address.length())) {
                return i;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == '(') {
                comment = 1;
            }
        }
        return -1;
    }

    private static boolean startsToken(String value, int i) {
        if (i == 0) {
            return true;
        }
        char before = value.charAt(i - 1);
        return Character.isWhitespace(before) || before == '<' || before == ',' || before == ':' || before == ';';
    }

    private static boolean endsToken(String value, int end) {
        if (end == value.length()) {
            return true;
        }
        char after = value.charAt(end);
        return Character.isWhitespace(after) || after == '>' || after == ',' || after == ';' || after == '(';
    }
}
