package dev.postern.rewrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.postern.address.AddressMapLookup;
import dev.postern.config.PostfixList;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * One address-mapping parameter ({@code canonical_maps}, {@code virtual_alias_maps}, ...) as
 * Postfix's {@code mail_addr_map} applies it: the tables are searched in
 * {@link AddressMapLookup} order and the value is read as a comma list of addresses.
 * <ul>
 * <li>A value {@code @domain} keeps the local part of the address (the first result only).</li>
 * <li>An extension the match did not include ({@code user+ext} found as {@code user}) is copied
 *     into every result when the map's name is in {@code propagate_unmatched_extensions}.</li>
 * <li>A result without a domain gets {@code @$myorigin}, as cleanup's rewriting to standard form
 *     would give it.</li>
 * </ul>
 */
public final class AddressMap {
    private final String parameter;
    private final TableSearch tables;
    private final AddressMapLookup lookup;
    private final boolean propagateExtension;
    private final String myorigin;

    /**
     * @param parameter          the parameter's name, for messages
     * @param propagateExtension whether {@code propagate_unmatched_extensions} names this kind of map
     */
    public AddressMap(String parameter, List<LookupTable> tables, AddressMapLookup lookup, boolean propagateExtension,
            String myorigin) {
        this.parameter = parameter;
        this.tables = new TableSearch(parameter, tables);
        this.lookup = lookup;
        this.propagateExtension = propagateExtension;
        this.myorigin = myorigin;
    }

    public String parameter() {
        return parameter;
    }

    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /**
     * @param address internal form ({@code local@domain}, the local part unquoted)
     * @return the addresses the maps give for it, in internal form; empty when none has an entry
     * @throws LookupException when a table fails (the message names the parameter)
     */
    public Optional<List<String>> map(String address) throws LookupException {
        Optional<AddressMapLookup.Found> found = lookup.find(tables, address);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String extension = found.get().extension();
        List<String> values = PostfixList.split(found.get().value());
        List<String> results = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String value = stripBrackets(values.get(i));
            if (value.isEmpty()) {
                continue;
            }
            if (i == 0 && value.startsWith("@")) {
                String local = localPart(address);
                // The extension is put back below when it propagates; otherwise it is dropped with the match.
                value = local.substring(0, local.length() - extension.length()) + value;
            }
            results.add(complete(propagateExtension ? withExtension(value, extension) : value));
        }
        return results.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(results));
    }

    private String complete(String value) {
        return value.indexOf('@') < 0 && !myorigin.isEmpty() ? value + "@" + myorigin : value;
    }

    static String withExtension(String address, String extension) {
        if (extension.isEmpty()) {
            return address;
        }
        int at = address.lastIndexOf('@');
        return at < 0 ? address + extension : address.substring(0, at) + extension + address.substring(at);
    }

    static String localPart(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? address : address.substring(0, at);
    }

    private static String stripBrackets(String value) {
        String trimmed = value.trim();
        return trimmed.startsWith("<") && trimmed.endsWith(">") ? trimmed.substring(1, trimmed.length() - 1).trim() : trimmed;
    }

    @Override
    public String toString() {
        return tables.toString();
    }
}
