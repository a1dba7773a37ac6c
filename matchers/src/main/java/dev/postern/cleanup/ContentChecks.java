package dev.postern.cleanup;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * The tables of header_checks, mime_header_checks, nested_header_checks and body_checks, and
 * the limits on how much content they see. Within one class the tables are asked in the
 * order listed and the first answer counts, as with every Postfix table list ({@link TableSearch}).
 */
public final class ContentChecks {
    private final Map<ContentClass, TableSearch> tables;
    private final long bodySizeLimit;
    private final int headerSizeLimit;

    public ContentChecks(Map<ContentClass, List<LookupTable>> tables, long bodySizeLimit, int headerSizeLimit) {
        EnumMap<ContentClass, TableSearch> copy = new EnumMap<>(ContentClass.class);
        tables.forEach((kind, list) -> copy.put(kind, new TableSearch(kind.parameter(), list)));
        this.tables = copy;
        this.bodySizeLimit = bodySizeLimit;
        this.headerSizeLimit = headerSizeLimit;
    }

    /**
     * Opens every class's tables from main.cf. A table that cannot be opened is an
     * {@link IllegalArgumentException} that names the parameter listing it.
     *
     * @param lists  the table specs of a parameter, by parameter name
     * @param opener opens one {@code type:name}; throws IllegalArgumentException on a bad table
     */
    public static ContentChecks open(Function<String, List<String>> lists, Function<String, LookupTable> opener,
            long bodySizeLimit, int headerSizeLimit) {
        EnumMap<ContentClass, List<LookupTable>> tables = new EnumMap<>(ContentClass.class);
        for (ContentClass kind : ContentClass.values()) {
            if (kind == ContentClass.MILTER_HEADER) {
                continue; // checked where the milters' changes are made (MilterHeaderChecks)
            }
            tables.put(kind, lists.apply(kind.parameter()).stream().map(spec -> open(kind, spec, opener)).toList());
        }
        return new ContentChecks(tables, bodySizeLimit, headerSizeLimit);
    }

    private static LookupTable open(ContentClass kind, String spec, Function<String, LookupTable> opener) {
        try {
            return opener.apply(spec);
        } catch (IllegalArgumentException e) {
            // not chained: the startup error shows the innermost cause's message, which must name the parameter
            throw new IllegalArgumentException(kind.parameter() + ": cannot open " + spec + ": " + e.getMessage());
        }
    }

    /** No table at all: messages can be queued without being read. */
    public boolean isEmpty() {
        return tables.values().stream().allMatch(TableSearch::isEmpty);
    }

    public boolean has(ContentClass kind) {
        TableSearch search = tables.get(kind);
        return search != null && !search.isEmpty();
    }

    /**
     * The action for one header or body line, empty when no table matches. An empty input
     * never matches (Postfix does not query tables with an empty string).
     */
    public Optional<String> find(ContentClass kind, String input) throws LookupException {
        if (input.isEmpty()) {
            return Optional.empty();
        }
        TableSearch search = tables.get(kind);
        return search == null ? Optional.empty() : search.find(input).map(TableSearch.Hit::value);
    }

    /** Bytes of each body part that body_checks see; 0 means no limit. */
    public long bodySizeLimit() {
        return bodySizeLimit;
    }

    /** Characters of one logical header that the header checks see. */
    public int headerSizeLimit() {
        return headerSizeLimit;
    }
}
