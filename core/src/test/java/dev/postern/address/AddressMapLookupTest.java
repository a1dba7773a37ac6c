package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

class AddressMapLookupTest {
    /** myorigin = origin.example; local class: mx.example and [192.0.2.1]. */
    private static AddressMapLookup lookup(String delimiter) {
        Set<String> local = Set.of("mx.example", "[192.0.2.1]");
        return new AddressMapLookup(delimiter, "Origin.Example", local::contains);
    }

    /** Keys are written " ; "-separated; a trailing * marks a key pattern tables are asked too. */
    @ParameterizedTest(name = "{0} [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        user+ext@remote.example  | +  | user+ext@remote.example* ; user@remote.example ; @remote.example
        user@remote.example      | +  | user@remote.example* ; @remote.example
        user+ext@remote.example  | '' | user+ext@remote.example* ; @remote.example
        user+ext@mx.example      | +  | user+ext@mx.example* ; user@mx.example ; user+ext ; user ; @mx.example
        user+ext@MX.Example      | +  | user+ext@MX.Example* ; user@MX.Example ; user+ext ; user ; @MX.Example
        user@origin.example      | +  | user@origin.example* ; user ; @origin.example
        user-ext@[192.0.2.1]     | +- | user-ext@[192.0.2.1]* ; user@[192.0.2.1] ; user-ext ; user ; @[192.0.2.1]
        user@[192.0.2.9]         | +  | user@[192.0.2.9]* ; @[192.0.2.9]
        postmaster+x@mx.example  | +  | postmaster+x@mx.example* ; postmaster@mx.example ; postmaster+x ; postmaster ; @mx.example
        owner-list@mx.example    | -  | owner-list@mx.example* ; owner-list ; @mx.example
        user                     | +  | user*
        user+ext                 | +  | user+ext* ; user
        """)
    void keyOrder(String address, String delimiter, String expected) throws LookupException {
        List<String> keys = lookup(delimiter).keys(address).stream()
            .map(k -> k.text() + (k.whole() ? "*" : ""))
            .toList();
        assertThat(keys).containsExactlyElementsOf(List.of(expected.split(" ; ")));
    }

    /** Which key wins among the table's entries, and the extension left unmatched ("-" when none). */
    @ParameterizedTest(name = "{0} in [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
        user+ext@mx.example | user+ext@mx.example=full ; user@mx.example=base ; @mx.example=dom | user+ext@mx.example | full  | -
        user+foo@mx.example | user+foo=local ; user@mx.example=base ; @mx.example=dom          | user@mx.example     | base  | +foo
        user+bar@mx.example | user+bar=local ; user=lbase ; @mx.example=dom                    | user+bar            | local | -
        user+baz@mx.example | user=lbase ; @mx.example=dom                                     | user                | lbase | +baz
        other+x@mx.example  | user=lbase ; @mx.example=dom                                     | @mx.example         | dom   | -
        Other+X@Remote.Example | other@remote.example=base ; @remote.example=dom               | Other@Remote.Example | base | +X
        """)
    void theFirstKeyFoundWins(String address, String entries, String key, String value, String extension)
            throws LookupException {
        FakeTable table = FakeTable.fixed();
        for (String entry : entries.split(" ; ")) {
            String[] kv = entry.split("=");
            table.with(kv[0], kv[1]);
        }
        AddressMapLookup.Found found = lookup("+").find(maps(table), address).orElseThrow();
        assertThat(found.key()).isEqualTo(key);
        assertThat(found.value()).isEqualTo(value);
        assertThat(found.extension()).isEqualTo(extension.equals("-") ? "" : extension);
    }

    @Test
    void eachKeyIsAskedOfEveryTableBeforeTheNextKey() throws LookupException {
        FakeTable first = FakeTable.fixed("@mx.example", "first-domain");
        FakeTable second = FakeTable.fixed("user@mx.example", "second-user");
        assertThat(lookup("+").find(maps(first, second), "user@mx.example").orElseThrow().value())
            .isEqualTo("second-user");
    }

    @Test
    void localPartKeysAreNotTriedForOtherDomains() throws LookupException {
        FakeTable table = FakeTable.fixed("user", "local-only");
        assertThat(lookup("+").find(maps(table), "user@remote.example")).isEmpty();
        assertThat(table.queries()).containsExactly("user@remote.example", "@remote.example");
    }

    @Test
    void patternTablesGetOnlyTheWholeAddress() throws LookupException {
        FakeTable pattern = FakeTable.pattern("@mx.example", "domain", "user", "local");
        assertThat(lookup("+").find(maps(pattern), "user+x@mx.example")).isEmpty();
        assertThat(pattern.queries()).containsExactly("user+x@mx.example");
    }

    @Test
    void aFailingTableIsAnErrorNotAMiss() {
        FakeTable table = FakeTable.fixed("@mx.example", "domain").failingOn("user@mx.example");
        assertThatThrownBy(() -> lookup("+").find(maps(table), "user+x@mx.example"))
            .isInstanceOf(LookupException.class)
            .hasMessageContaining("user@mx.example");
    }

    @Test
    void atDomainMatchesAreMarked() throws LookupException {
        FakeTable table = FakeTable.fixed("@remote.example", "@other.example");
        assertThat(lookup("+").find(maps(table), "a@remote.example").orElseThrow().atDomain()).isTrue();
        assertThat(lookup("+").find(maps(FakeTable.fixed("a@remote.example", "b")), "a@remote.example")
            .orElseThrow().atDomain()).isFalse();
    }

    private static TableSearch maps(LookupTable... tables) {
        return new TableSearch("virtual_alias_maps", List.of(tables));
    }
}
