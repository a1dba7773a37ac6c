package dev.postern.address;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A Postfix network list such as {@code mynetworks}: networks in file order, each
 * possibly negated with {@code !}; the first entry that contains the address decides.
 */
public final class NetworkList {
    private final List<Entry> entries;

    private NetworkList(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param parameter the parameter name, for error messages
     * @param items the list items as split by main.cf list syntax
     */
    public static NetworkList parse(String parameter, List<String> items) {
        List<Entry> entries = new ArrayList<>();
        for (String item : items) {
            boolean negated = item.startsWith("!");
            String network = negated ? item.substring(1) : item;
            try {
                entries.add(new Entry(negated, Cidr.parse(network)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
            }
        }
        return new NetworkList(entries);
    }

    public boolean contains(InetAddress address) {
        for (Entry entry : entries) {
            if (entry.network().contains(address)) {
                return !entry.negated();
            }
        }
        return false;
    }

    /** The positive entries, for components (such as James's authorizedAddresses) that take plain CIDRs. */
    public List<String> positiveNetworks() {
        return entries.stream().filter(e -> !e.negated()).map(e -> e.network().toString()).toList();
    }

    public boolean hasNegations() {
        return entries.stream().anyMatch(Entry::negated);
    }

    private record Entry(boolean negated, Cidr network) {
    }
}
