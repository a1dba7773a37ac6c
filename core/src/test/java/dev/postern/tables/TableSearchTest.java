package dev.postern.tables;

import static dev.postern.tables.TableSearch.Key.part;
import static dev.postern.tables.TableSearch.Key.whole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one search of a list of tables: key-major, pattern tables whole keys only, failures apart from misses. */
class TableSearchTest {
    @TempDir
    Path dir;
    TableRegistry registry;

    @BeforeEach
    void setUp() {
        registry = new TableRegistry(dir);
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    private TableSearch maps(String parameter, String... specs) throws Exception {
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : specs) {
            tables.add(registry.open(spec));
        }
        return new TableSearch(parameter, tables);
    }

    private static final List<TableSearch.Key> ADDRESS = List.of(whole("user+ext@example.com"),
        part("user@example.com"), part("@example.com"));

    @Test
    void eachKeyIsAskedOfEveryTableBeforeTheNextKey() throws Exception {
        TableSearch search = maps("smtpd_sender_login_maps", "inline:{@example.com=domain-owner}",
            "inline:{user@example.com=user-owner}");
        TableSearch.Hit hit = search.find(ADDRESS).orElseThrow();
        assertThat(hit.value()).isEqualTo("user-owner");
        assertThat(hit.key()).isEqualTo(part("user@example.com"));
        assertThat(hit.index()).isEqualTo(1);
        assertThat(hit.table().name()).isEqualTo("inline:{user@example.com=user-owner}");
    }

    @Test
    void theFirstTableWinsForTheSameKey() throws Exception {
        TableSearch search = maps("transport_maps", "inline:{example.com=smtp:first}", "inline:{example.com=smtp:second}");
        assertThat(search.find("example.com").map(TableSearch.Hit::value)).contains("smtp:first");
    }

    @Test
    void patternTablesAreAskedOnlyTheWholeKeys() throws Exception {
        Recording pattern = new Recording(true, "@example.com");
        Recording fixed = new Recording(false, "nothing");
        TableSearch search = new TableSearch("virtual_alias_maps", List.of(pattern, fixed));
        assertThat(search.find(ADDRESS)).isEmpty();
        assertThat(pattern.queries).containsExactly("user+ext@example.com");
        assertThat(fixed.queries).containsExactly("user+ext@example.com", "user@example.com", "@example.com");
    }

    @Test
    void notFoundIsEmptyAndNoTablesFindNothing() throws Exception {
        assertThat(maps("canonical_maps", "inline:{a=b}").find(ADDRESS)).isEmpty();
        assertThat(TableSearch.none("canonical_maps").find(ADDRESS)).isEmpty();
        assertThat(TableSearch.none("canonical_maps").isEmpty()).isTrue();
    }

    @Test
    void aFailureStopsTheSearchNamingParameterTableAndKey() throws Exception {
        TableSearch search = maps("smtpd_sender_login_maps", "inline:{other=x}", "fail:broken",
            "inline:{@example.com=found-too-late}");
        assertThatThrownBy(() -> search.find(ADDRESS))
            .isInstanceOf(LookupException.class)
            .hasMessageStartingWith("smtpd_sender_login_maps: fail:broken: lookup of \"user+ext@example.com\" failed: ");
    }

    @Test
    void anEntryFoundBeforeAFailingTableIsAnswered() throws Exception {
        TableSearch search = maps("alias_maps", "inline:{postmaster=root}", "fail:broken");
        assertThat(search.find("postmaster").map(TableSearch.Hit::value)).contains("root");
    }

    @Test
    void whereNamesParameterTableAndKey() throws Exception {
        TableSearch.Hit hit = maps("sender_dependent_relayhost_maps", "inline:{@example.com=[relay]}")
            .find(ADDRESS).orElseThrow();
        assertThat(hit.where("sender_dependent_relayhost_maps"))
            .isEqualTo("sender_dependent_relayhost_maps: inline:{@example.com=[relay]}: \"@example.com\"");
    }

    /** A table that answers one key and records what it was asked. */
    private static final class Recording implements LookupTable {
        private final boolean pattern;
        private final String key;
        final List<String> queries = new ArrayList<>();

        Recording(boolean pattern, String key) {
            this.pattern = pattern;
            this.key = key;
        }

        @Override
        public Optional<String> lookup(String query) {
            queries.add(query);
            return query.equals(key) ? Optional.of("found") : Optional.empty();
        }

        @Override
        public String name() {
            return (pattern ? "regexp:" : "texthash:") + "recording";
        }

        @Override
        public boolean isPattern() {
            return pattern;
        }
    }
}
