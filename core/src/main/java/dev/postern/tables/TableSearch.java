package dev.postern.tables;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The tables of one list parameter ({@code virtual_alias_maps = hash:a, regexp:b}) searched as one,
 * as Postfix's {@code maps(3)} and {@code mail_addr_find(3)} do: the caller gives its keys in its
 * order (an address, the address without its extension, {@code @domain}, ...), and each key is
 * asked of every table, in the order written, before the next key is tried. So an exact address in
 * the last table beats an {@code @domain} entry in the first. The first table that has a key
 * answers.
 *
 * <p>Pattern tables (regexp, pcre, cidr) are asked only the keys marked {@linkplain Key#whole()
 * whole}: a part such as {@code @domain} or a parent domain would match patterns written for the
 * whole string. "Not found" (empty) and "failed" ({@link LookupException}) are kept apart: a table
 * that fails stops the search, with one message naming the parameter, the table and the key.
 */
public final class TableSearch {
    private final String parameter;
    private final List<LookupTable> tables;

    /**
     * One query.
     *
     * @param whole whether it is the whole string (an address, a host name, a header line), asked
     *              of pattern tables too, rather than a part only exact-key tables are asked
     */
    public record Key(String text, boolean whole) {
        public static Key whole(String text) {
            return new Key(text, true);
        }

        public static Key part(String text) {
            return new Key(text, false);
        }
    }

    /**
     * An entry found.
     *
     * @param index which of the caller's keys matched (its position in the list searched)
     */
    public record Hit(Key key, int index, String value, LookupTable table) {
        /** {@code parameter: type:name: "key"}, for messages about the entry. */
        public String where(String parameter) {
            return parameter + ": " + table.name() + ": \"" + key.text() + "\"";
        }
    }

    /**
     * @param parameter the parameter that lists the tables ({@code smtpd_sender_login_maps}), or the
     *                  restriction that names one ({@code check_sender_access}), for messages
     */
    public TableSearch(String parameter, List<LookupTable> tables) {
        this.parameter = parameter;
        this.tables = List.copyOf(tables);
    }

    /** Opens every {@code type:name} of the parameter's value once, now. */
    public static TableSearch open(String parameter, List<String> specs, Function<String, LookupTable> opener) {
        return new TableSearch(parameter, specs.stream().map(opener).toList());
    }

    /** No table: every search finds nothing. */
    public static TableSearch none(String parameter) {
        return new TableSearch(parameter, List.of());
    }

    public String parameter() {
        return parameter;
    }

    public List<LookupTable> tables() {
        return tables;
    }

    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /** One whole key, asked of every table. */
    public Optional<Hit> find(String wholeKey) throws LookupException {
        return find(List.of(Key.whole(wholeKey)));
    }

    /**
     * Searches key by key, each key in every table.
     *
     * @return the first entry found, empty when no table has any of the keys
     * @throws LookupException when a table fails before an entry is found, naming the parameter,
     *                         the table and the key: never to be read as "not found"
     */
    public Optional<Hit> find(List<Key> keys) throws LookupException {
        for (int index = 0; index < keys.size(); index++) {
            Key key = keys.get(index);
            for (LookupTable table : tables) {
                if (!key.whole() && table.isPattern()) {
                    continue;
                }
                Optional<String> value = lookup(table, key.text());
                if (value.isPresent()) {
                    return Optional.of(new Hit(key, index, value.get(), table));
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> lookup(LookupTable table, String key) throws LookupException {
        try {
            return table.lookup(key);
        } catch (LookupException e) {
            throw new LookupException(parameter + ": " + table.name() + ": lookup of \"" + key + "\" failed: "
                + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return parameter + " " + tables.stream().map(LookupTable::name).toList();
    }
}
