package dev.postern.delivery.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MaybeSender;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * smtp_sasl_password_maps: the {@code user:password} the client authenticates with, looked up
 * in Postfix's order: the envelope sender and then its {@code @domain} (only with
 * smtp_sender_dependent_authentication, never for the null sender), the remote host name, then
 * the next hop as written ({@code [mail.isp.example]:587}). Each key is asked of every table
 * in turn before the next key ({@link TableSearch}).
 */
public final class SaslPasswords {
    private final TableSearch tables;
    private final boolean senderDependent;

    public SaslPasswords(List<LookupTable> tables, boolean senderDependent) {
        this.tables = new TableSearch("smtp_sasl_password_maps", tables);
        this.senderDependent = senderDependent;
    }

    /** A user name and password. */
    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[" + username + "]";
        }
    }

    public Optional<Credentials> find(MaybeSender sender, String hostname, String nexthop) throws LookupException {
        // Every key is a whole string of its own (an address, a host name, a next hop), asked of pattern tables too.
        List<TableSearch.Key> keys = keys(sender, hostname, nexthop).stream().map(TableSearch.Key::whole).toList();
        return tables.find(keys).map(hit -> parse(hit.value()));
    }

    List<String> keys(MaybeSender sender, String hostname, String nexthop) {
        List<String> keys = new ArrayList<>();
        if (senderDependent && !sender.isNullSender()) {
            keys.add(sender.get().asString());
            keys.add("@" + sender.get().getDomain().asString());
        }
        keys.add(hostname);
        if (!nexthop.equalsIgnoreCase(hostname)) {
            keys.add(nexthop);
        }
        return keys;
    }

    /** {@code user:password}; the password may contain colons, the user name not. */
    private static Credentials parse(String value) {
        String trimmed = value.trim();
        int colon = trimmed.indexOf(':');
        return colon < 0 ? new Credentials(trimmed, "") : new Credentials(trimmed.substring(0, colon), trimmed.substring(colon + 1));
    }

    public boolean isEmpty() {
        return tables.isEmpty();
    }
}
