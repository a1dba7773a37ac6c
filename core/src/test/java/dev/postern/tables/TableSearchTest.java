package dev.postern.tables;

import static dev.postern.tables.TableSearch.Key.part;
import static dev.postern.tables.TableSearch.Key.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The one search of a list of tables: key by key, pattern tables whole keys only, failures apart from misses. */
class TableSearchTest {
    private static final List<TableSearch.Key> ADDRESS = List.of(whole("user+ext@example.com"),
        part("user@example.com"), part("@example.com"));

    @Test
    void eachKeyIsAskedOfEveryTableBeforeTheNextKey() throws LookupException {
        Table first = Table.fixed("texthash:first", Map.of("@example.com", "domain-owner"));
        Table second = Table.fixed("texthash:second", Map.of("user@example.com", "user-owner"));
        TableSearch.Hit hit = new TableSearch("smtpd_sender_login_maps", List.of(first, second)).find(ADDRESS).orElseThrow();
        assertThat(hit.value()).isEqualTo("user-owner");
        assertThat(hit.key()).isEqualTo(part("user@example.com"));
        assertThat(hit.index()).isEqualTo(1);
        assertThat(hit.table()).isSameAs(second);
        assertThat(first.queries()).containsExactly("user+ext@example.com", "user@example.com");
        assertThat(second.queries()).containsExactly("user+ext@example.com", "user@example.com");
    }

    @Test
    void theFirstTableWinsForTheSameKey() throws LookupException {
        TableSearch search = new TableSearch("transport_maps", List.of(
            Table.fixed("texthash:first", Map.of("example.com", "smtp:first")),
            Table.fixed("texthash:second", Map.of("example.com", "smtp:second"))));
        assertThat(search.find("example.com").map(TableSearch.Hit::value)).contains("smtp:first");
    }

    @Test
    void patternTablesAreAskedOnlyTheWholeKeys() throws LookupException {
        Table pattern = new Table("regexp:pattern", true, Map.of("@example.com", "never asked"), false);
        Table fixed = Table.fixed("texthash:fixed", Map.of());
        assertThat(new TableSearch("virtual_alias_maps", List.of(pattern, fixed)).find(ADDRESS)).isEmpty();
        assertThat(pattern.queries()).containsExactly("user+ext@example.com");
        assertThat(fixed.queries()).containsExactly("user+ext@example.com", "user@example.com", "@example.com");
    }

    @Test
    void noTablesFindNothing() throws LookupException {
        assertThat(TableSearch.none("canonical_maps").find(ADDRESS)).isEmpty();
        assertThat(TableSearch.none("canonical_maps").isEmpty()).isTrue();
    }

    @Test
    void aFailureStopsTheSearchNamingParameterTableAndKey() {
        Table later = Table.fixed("texthash:later", Map.of("@example.com", "found too late"));
        TableSearch search = new TableSearch("smtpd_sender_login_maps", List.of(Table.fixed("texthash:other", Map.of()),
            new Table("fail:broken", false, Map.of(), true), later));
        assertThatThrownBy(() -> search.find(ADDRESS))
            .isInstanceOf(LookupException.class)
            .hasMessage("smtpd_sender_login_maps: fail:broken: lookup of \"user+ext@example.com\" failed: table is broken");
        assertThat(later.queries()).isEmpty();
    }

    @Test
    void anEntryFoundBeforeAFailingTableIsAnswered() throws LookupException {
        TableSearch search = new TableSearch("alias_maps", List.of(Table.fixed("texthash:aliases", Map.of("postmaster", "root")),
            new Table("fail:broken", false, Map.of(), true)));
        assertThat(search.find("postmaster").map(TableSearch.Hit::value)).contains("root");
    }

    @Test
    void whereNamesParameterTableAndKey() throws LookupException {
        TableSearch search = new TableSearch("sender_dependent_relayhost_maps",
            List.of(Table.fixed("texthash:relays", Map.of("@example.com", "[relay]"))));
        assertThat(search.find(ADDRESS).orElseThrow().where(search.parameter()))
            .isEqualTo("sender_dependent_relayhost_maps: texthash:relays: \"@example.com\"");
    }

    /** An in-memory table that records what it was asked; a broken one fails every lookup. */
    private record Table(String name, boolean isPattern, Map<String, String> entries, boolean broken, List<String> queries)
            implements LookupTable {
        Table(String name, boolean isPattern, Map<String, String> entries, boolean broken) {
            this(name, isPattern, entries, broken, new ArrayList<>());
        }

        static Table fixed(String name, Map<String, String> entries) {
            return new Table(name, false, entries, false);
        }

        @Override
        public Optional<String> lookup(String key) throws LookupException {
            queries.add(key);
            if (broken) {
                throw new LookupException("table is broken");
            }
            return Optional.ofNullable(entries.get(key));
        }
    }
}
