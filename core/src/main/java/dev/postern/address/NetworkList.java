package dev.postern.address;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.postern.config.PostfixList;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * A Postfix network list such as {@code mynetworks}: items in order, each possibly negated with
 * {@code !}; the first item that contains the address decides. An item is a network
 * ({@code 192.0.2.0/24}, {@code [2001:db8::]/32}, {@code [::ffff:127.0.0.0]/104}), a
 * {@code /file/name} whose contents are more items (a {@code !} before it negates each), or a
 * {@code type:table} that contains the address when the address (as text, {@code 192.0.2.1} or
 * {@code 2001:db8::1}) is a key; its value is ignored, as in Postfix.
 */
public final class NetworkList {
    /** A bare IPv6 network, which Postfix wants in brackets but which is no table either. */
    private static final Pattern BARE_IPV6 = Pattern.compile("[0-9A-Fa-f]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(/[0-9]+)?");

    private final List<Entry> entries;

    private NetworkList(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * A list without {@code type:table} items (a table item is an error).
     *
     * @param parameter the parameter name, for error messages
     * @param items the list items as split by main.cf list syntax
     */
    public static NetworkList parse(String parameter, List<String> items) {
        return parse(parameter, items, null);
    }

    /**
     * @param parameter the parameter name, for error messages
     * @param items the list items as split by main.cf list syntax
     * @param tables opens a {@code type:table} item; null when tables are not allowed
     * @throws IllegalArgumentException naming the parameter (and the file, for a {@code /file/name} item)
     */
    public static NetworkList parse(String parameter, List<String> items, Function<String, LookupTable> tables) {
        List<Entry> entries = new ArrayList<>();
        addItems(parameter, items, tables, entries);
        return new NetworkList(entries);
    }

    /**
     * The positive networks of a list, its {@code /file/name} items read, its {@code type:table}
     * items left out without being opened: for components (such as James's authorizedAddresses)
     * that take plain CIDRs.
     */
    public static List<String> positiveNetworks(String parameter, List<String> items) {
        return parse(parameter, items, NOT_OPENED).positiveNetworks();
    }

    /** Stands for a table item that {@link #positiveNetworks(String, List)} does not need opened. */
    private static final Function<String, LookupTable> NOT_OPENED = name -> LookupTable.failing(name, "not opened");

    private static void addItems(String parameter, List<String> items, Function<String, LookupTable> tables,
            List<Entry> entries) {
        PostfixList.forEachItem(parameter, items, false, (item, negated) -> {
            if (isTable(item)) {
                if (tables == null) {
                    throw new IllegalArgumentException(parameter + ": lookup tables are not supported here: \"" + item + "\"");
                }
                entries.add(new Entry(negated, null, tables.apply(item)));
                return;
            }
            try {
                entries.add(new Entry(negated, Cidr.parse(item), null));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
            }
        });
    }

    private static boolean isTable(String item) {
        return item.charAt(0) != '[' && item.indexOf(':') > 0 && !BARE_IPV6.matcher(item).matches();
    }

    /**
     * @throws LookupException when a table item could not be searched: whether the address is
     *                         listed is then unknown, which is never taken as "not listed"
     */
    public boolean contains(InetAddress address) throws LookupException {
        String text = null;
        for (Entry entry : entries) {
            boolean hit;
            if (entry.table() != null) {
                if (text == null) {
                    text = HostSyntax.canonicalAddress(address.getHostAddress());
                }
                hit = entry.table().lookup(text).isPresent();
            } else {
                hit = entry.network().contains(address);
            }
            if (hit) {
                return !entry.negated();
            }
        }
        return false;
    }

    /**
     * The positive networks, for components (such as James's authorizedAddresses) that take plain
     * CIDRs; {@code type:table} items cannot be listed and are left out.
     */
    public List<String> positiveNetworks() {
        return entries.stream().filter(e -> !e.negated() && e.network() != null).map(e -> e.network().toString()).toList();
    }

    public boolean hasNegations() {
        return entries.stream().anyMatch(Entry::negated);
    }

    /** Whether some item is a table, which {@link #positiveNetworks()} cannot show. */
    public boolean hasTables() {
        return entries.stream().anyMatch(e -> e.table() != null);
    }

    private record Entry(boolean negated, Cidr network, LookupTable table) {
    }
}
