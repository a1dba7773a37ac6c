package dev.postern.restrictions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.config.PostfixList;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * {@code smtpd_sender_login_maps}: which SASL login names own a MAIL FROM address. The tables
 * are searched in order; in each, an address table is asked for the address, the address
 * without its {@code recipient_delimiter} extension, then {@code @domain}; a pattern table
 * for the address only. The first answer, a list of login names, decides.
 */
final class SenderLoginMaps {
    private final List<LookupTable> tables;
    private final String recipientDelimiter;

    private SenderLoginMaps(List<LookupTable> tables, String recipientDelimiter) {
        this.tables = tables;
        this.recipientDelimiter = recipientDelimiter;
    }

    /** @throws IllegalArgumentException when the parameter is empty or names a table that cannot be opened */
    static SenderLoginMaps open(String value, Function<String, LookupTable> opener, String recipientDelimiter) {
        List<String> specs = PostfixList.split(value == null ? "" : value);
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("smtpd_sender_login_maps is empty: the *_sender_login_mismatch"
                + " restrictions need it (address -> login names)");
        }
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : specs) {
            LookupTable table;
            try {
                table = opener.apply(spec);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("smtpd_sender_login_maps: " + spec + ": " + e.getMessage(), e);
            }
            if (table == null) {
                throw new IllegalArgumentException("smtpd_sender_login_maps: " + spec + ": no such table");
            }
            tables.add(table);
        }
        return new SenderLoginMaps(List.copyOf(tables), recipientDelimiter);
    }

    /** The login names owning {@code sender}; empty when no table knows the address. */
    Optional<List<String>> owners(String sender) throws LookupException {
        for (LookupTable table : tables) {
            for (String key : keys(table, sender)) {
                Optional<String> value = table.lookup(key);
                if (value.isPresent()) {
                    return Optional.of(PostfixList.split(value.get()));
                }
            }
        }
        return Optional.empty();
    }

    private List<String> keys(LookupTable table, String sender) {
        if (table.isPattern()) {
            return List.of(sender);
        }
        String address = sender.toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        List<String> keys = new ArrayList<>();
        keys.add(address);
        if (at > 0 && !recipientDelimiter.isEmpty()) {
            String local = address.substring(0, at);
            int cut = firstDelimiter(local);
            if (cut > 0) {
                keys.add(local.substring(0, cut) + address.substring(at));
            }
        }
        if (at >= 0) {
            keys.add(address.substring(at));
        }
        return keys;
    }

    private int firstDelimiter(String local) {
        int cut = -1;
        for (char c : recipientDelimiter.toCharArray()) {
            int i = local.indexOf(c);
            if (i > 0 && (cut < 0 || i < cut)) {
                cut = i;
            }
        }
        return cut;
    }
}
