package dev.postern.address;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import dev.postern.config.PostfixList;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * A Postfix list of domains such as {@code mydestination} or {@code relay_domains}
 * ({@code match_list}): names, {@code /file/name} (its contents are more items),
 * {@code type:table} (a domain matches when it is a key; the value is ignored), each possibly
 * negated with {@code !}. Items are tried in order and the first that matches decides.
 *
 * <p>Two kinds, as in Postfix: a <em>string list</em> ({@code virtual_alias_domains},
 * {@code virtual_mailbox_domains}) matches names and table keys exactly; a <em>domain list</em>
 * ({@code mydestination}, {@code relay_domains}) also lets {@code .example.com} match
 * subdomains, and {@code example.com} too when the list's name is in
 * {@code parent_domain_matches_subdomains}; its fixed-key tables are also asked for the parent
 * domains. Matching ignores case.
 */
public final class DomainMatchList {
    private final String parameter;
    private final List<Entry> entries;
    private final ParentStyle style;

    private DomainMatchList(String parameter, List<Entry> entries, ParentStyle style) {
        this.parameter = parameter;
        this.entries = List.copyOf(entries);
        this.style = style;
    }

    /**
     * A string list: exact names and exact table keys.
     *
     * @param tables opens a {@code type:name} item; may be null when the list has none
     */
    public static DomainMatchList strings(String parameter, List<String> items, Function<String, LookupTable> tables) {
        return new DomainMatchList(parameter, parse(parameter, items, tables), null);
    }

    /** A domain list: subdomains match {@code .domain} items, and {@code domain} items with {@link ParentStyle#PARENT_MATCHES_SUBDOMAINS}. */
    public static DomainMatchList domains(String parameter, List<String> items, ParentStyle style,
            Function<String, LookupTable> tables) {
        return new DomainMatchList(parameter, parse(parameter, items, tables), style);
    }

    /** The list that matches nothing. */
    public static DomainMatchList empty(String parameter) {
        return new DomainMatchList(parameter, List.of(), null);
    }

    public String parameter() {
        return parameter;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * @param name a domain; one trailing dot is ignored
     * @throws LookupException when a table item could not be searched; the domain's class is
     *                         then unknown, which is never taken as "not listed"
     */
    public boolean matches(String name) throws LookupException {
        String domain = name.toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (domain.isEmpty()) {
            return false;
        }
        for (Entry entry : entries) {
            boolean hit = entry.table() != null ? matchesTable(entry.table(), domain) : matchesName(entry.name(), domain);
            if (hit) {
                return !entry.negated();
            }
        }
        return false;
    }

    private boolean matchesName(String pattern, String domain) {
        if (domain.equals(pattern)) {
            return true;
        }
        if (style == null) {
            return false;
        }
        if (pattern.startsWith(".")) {
            return domain.length() > pattern.length() && domain.endsWith(pattern);
        }
        return style == ParentStyle.PARENT_MATCHES_SUBDOMAINS && domain.endsWith("." + pattern);
    }

    /** The domain, then for a domain list its parent domains (exact-key tables only), in the item's table. */
    private boolean matchesTable(TableSearch table, String domain) throws LookupException {
        List<TableSearch.Key> keys = new ArrayList<>();
        keys.add(TableSearch.Key.whole(domain));
        if (style != null) {
            style.parents(domain).forEach(parent -> keys.add(TableSearch.Key.part(parent)));
        }
        return table.find(keys).isPresent();
    }

    private record Entry(boolean negated, String name, TableSearch table) {
    }

    private static List<Entry> parse(String parameter, List<String> items, Function<String, LookupTable> tables) {
        List<Entry> entries = new ArrayList<>();
        PostfixList.forEachItem(parameter, items, false, (item, negated) -> {
            if (item.charAt(0) != '[' && item.indexOf(':') > 0) {
                if (tables == null) {
                    throw new IllegalArgumentException(parameter + ": lookup tables are not supported here: \"" + item + "\"");
                }
                entries.add(new Entry(negated, item, new TableSearch(parameter, List.of(tables.apply(item)))));
                return;
            }
            entries.add(new Entry(negated, item.toLowerCase(Locale.ROOT), null));
        });
        return entries;
    }

    @Override
    public String toString() {
        return parameter + " " + entries.stream().map(e -> (e.negated() ? "!" : "") + e.name()).toList();
    }
}
