package dev.postern.restrictions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.config.PostfixList;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * {@code smtpd_sender_login_maps}: which SASL login names own a MAIL FROM address. The keys are
 * the address, the address without its {@code recipient_delimiter} extension, then
 * {@code @domain}; as in Postfix's {@code mail_addr_find}, each key is asked of every table before
 * the next key ({@link TableSearch}), so an exact address in the second table beats an
 * {@code @domain} entry in the first. Pattern tables are asked the address only. The first
 * answer, a list of login names, decides.
 */
final class SenderLoginMaps {
    static final String PARAMETER = "smtpd_sender_login_maps";

    private final TableSearch tables;
    private final String recipientDelimiter;

    private SenderLoginMaps(TableSearch tables, String recipientDelimiter) {
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
        return new SenderLoginMaps(new TableSearch(PARAMETER, tables), recipientDelimiter);
    }

    /** The login names owning {@code sender}; empty when no table knows the address. */
    Optional<List<String>> owners(String sender) throws LookupException {
        return tables.find(keys(sender)).map(hit -> PostfixList.split(hit.value()));
    }

    private List<TableSearch.Key> keys(String sender) {
        String address = sender.toLowerCase(Locale.ROOT);
        int at = address.lastIndexOf('@');
        List<TableSearch.Key> keys = new ArrayList<>();
        keys.add(TableSearch.Key.whole(sender));
        if (at > 0 && !recipientDelimiter.isEmpty()) {
            String local = address.substring(0, at);
            int cut = firstDelimiter(local);
            if (cut > 0) {
                keys.add(TableSearch.Key.part(local.substring(0, cut) + address.substring(at)));
            }
        }
        if (at >= 0) {
            keys.add(TableSearch.Key.part(address.substring(at)));
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
