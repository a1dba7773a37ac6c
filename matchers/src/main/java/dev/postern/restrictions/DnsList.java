package dev.postern.restrictions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.postern.address.HostSyntax;

/**
 * The argument of a DNS list restriction ({@code reject_rbl_client zen.example=127.0.0.[2..11]}):
 * the list's domain and, optionally, a filter on the A record the list answers with. Each
 * octet of a filter is a number or {@code [n;m..k]}, a set of numbers and ranges, as Postfix's
 * {@code ip_match} reads it. Parsed at startup so that a bad filter stops the server instead
 * of every query.
 *
 * @param argument as written, for logs and {@code rbl_reply_maps} keys
 * @param domain   the domain queries are made under
 * @param filter   the A records that count as "listed"; empty when any does
 */
public record DnsList(String argument, String domain, Optional<List<List<int[]>>> filter) {

    /** @throws IllegalArgumentException {@code PARAMETER: WORD ARGUMENT: reason} */
    public static DnsList parse(String parameter, String word, String argument) {
        int eq = argument.indexOf('=');
        String domain = (eq < 0 ? argument : argument.substring(0, eq)).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (domain.isEmpty() || !HostSyntax.isValidHostname(domain)) {
            throw new IllegalArgumentException(parameter + ": " + word + " " + argument + ": \"" + domain
                + "\" is not a DNS domain");
        }
        if (eq < 0) {
            return new DnsList(argument, domain, Optional.empty());
        }
        try {
            return new DnsList(argument, domain, Optional.of(filter(argument.substring(eq + 1))));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(parameter + ": " + word + " " + argument + ": bad reply filter: "
                + e.getMessage(), e);
        }
    }

    /** Whether an A record of the list's answer passes the filter (any does without one). */
    public boolean matches(String address) {
        if (filter.isEmpty()) {
            return true;
        }
        if (!HostSyntax.isValidIpv4(address)) {
            return false;
        }
        String[] octets = address.split("\\.");
        for (int i = 0; i < 4; i++) {
            int value = Integer.parseInt(octets[i]);
            if (filter.get().get(i).stream().noneMatch(range -> value >= range[0] && value <= range[1])) {
                return false;
            }
        }
        return true;
    }

    private static List<List<int[]>> filter(String text) {
        List<List<int[]>> octets = new ArrayList<>();
        int i = 0;
        while (true) {
            List<int[]> ranges = new ArrayList<>();
            if (i < text.length() && text.charAt(i) == '[') {
                int close = text.indexOf(']', i);
                if (close < 0) {
                    throw new IllegalArgumentException("missing \"]\" in \"" + text + "\"");
                }
                for (String element : text.substring(i + 1, close).split(";", -1)) {
                    int dots = element.indexOf("..");
                    ranges.add(dots < 0 ? new int[] {octet(element), octet(element)}
                        : new int[] {octet(element.substring(0, dots)), octet(element.substring(dots + 2))});
                }
                i = close + 1;
            } else {
                int end = i;
                while (end < text.length() && Character.isDigit(text.charAt(end))) {
                    end++;
                }
                int value = octet(text.substring(i, end));
                ranges.add(new int[] {value, value});
                i = end;
            }
            octets.add(List.copyOf(ranges));
            if (i == text.length()) {
                break;
            }
            if (text.charAt(i) != '.' || octets.size() == 4) {
                throw new IllegalArgumentException("unexpected \"" + text.substring(i) + "\" in \"" + text + "\"");
            }
            i++;
        }
        if (octets.size() != 4) {
            throw new IllegalArgumentException("\"" + text + "\" does not have 4 octets");
        }
        return List.copyOf(octets);
    }

    private static int octet(String text) {
        if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) > 255) {
            throw new IllegalArgumentException("bad octet \"" + text + "\"");
        }
        return Integer.parseInt(text);
    }

    @Override
    public String toString() {
        return argument;
    }
}
