package dev.postern.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.tables.LookupException;

/** mail_addr_map: which entry answers, what its value becomes. Entries are inline: items. */
class AddressMapTest {
    @TempDir
    Path directory;

    private AddressMap map(String entries, String propagate) {
        return Cleanup.maps(directory, "canonical_maps = inline:{" + entries + "}",
            "propagate_unmatched_extensions = " + propagate).map("canonical_maps", "canonical");
    }

    @ParameterizedTest(name = "{0} with [{1}] propagate={2}")
    @CsvSource(delimiter = '|', textBlock = """
        # full address
        bob@remote.example       | bob@remote.example=alice@other.example                 | canonical | alice@other.example
        Bob@Remote.Example       | bob@remote.example=alice@other.example                 | canonical | alice@other.example
        # user+ext@dom before user@dom; the unmatched extension follows when propagated
        bob+x@remote.example     | bob+x@remote.example=full@o.example, bob@remote.example=base@o.example | canonical | full@o.example
        bob+x@remote.example     | bob@remote.example=base@o.example                      | canonical | base+x@o.example
        bob+x@remote.example     | bob@remote.example=base@o.example                      | virtual   | base@o.example
        # local-part keys only for $myorigin, mydestination
        bob+x@mx.example         | bob=local@o.example                                    | canonical | local+x@o.example
        bob+x@localhost          | bob+x=localext@o.example                               | canonical | localext@o.example
        bob@remote.example       | bob=local@o.example                                    | canonical | -
        # @domain: the value replaces the domain, or with @domain on the right keeps the local part
        carol@remote.example     | @remote.example=catchall@o.example                     | canonical | catchall@o.example
        carol+x@remote.example   | @remote.example=@new.example                           | canonical | carol+x@new.example
        carol+x@remote.example   | carol@remote.example=@new.example                      | canonical | carol+x@new.example
        carol+x@remote.example   | carol@remote.example=@new.example                      | virtual   | carol@new.example
        # comma lists; a bare name gets @$myorigin; <> around an address is dropped
        list@remote.example      | {list@remote.example = a@o.example, b, <c@o.example>}  | canonical | a@o.example ; b@mx.example ; c@o.example
        list+x@remote.example    | {list@remote.example = a@o.example, b@o.example}       | canonical | a+x@o.example ; b+x@o.example
        nobody@remote.example    | bob@remote.example=alice@o.example                     | canonical | -
        """)
    void lookupOrderAndResult(String address, String entries, String propagate, String expected) throws LookupException {
        assertThat(map(entries, propagate).map(address).orElse(List.of())).containsExactlyElementsOf(Cleanup.list(expected));
    }

    /** Postfix's mail_addr_find: each key in every table before the next, so an exact address in the second table beats {@code @domain} in the first. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"canonical_maps", "sender_canonical_maps", "recipient_canonical_maps", "virtual_alias_maps",
        "sender_bcc_maps", "recipient_bcc_maps"})
    void twoTablesAreSearchedKeyByKey(String parameter) throws LookupException {
        AddressMap map = Cleanup.maps(directory, parameter + " = inline:{@remote.example=domain@o.example},"
            + " inline:{bob@remote.example=exact@o.example}").map(parameter, null);
        assertThat(map.map("bob@remote.example")).contains(List.of("exact@o.example"));
    }

    @Test
    void texthashTablesFoldTheKeyAndKeepTheValue() throws LookupException {
        String table = Cleanup.texthash(directory, "canonical", "# comment", "Bob@Remote.Example  Alice.Smith@Other.Example");
        AddressMap map = Cleanup.maps(directory, "canonical_maps = " + table).map("canonical_maps", "canonical");
        assertThat(map.map("BOB@remote.example")).contains(List.of("Alice.Smith@Other.Example"));
    }

    @Test
    void aFailingTableNamesTheParameterAndTheAddress() {
        AddressMap map = Cleanup.maps(directory, "canonical_maps = fail:broken").map("canonical_maps", "canonical");
        assertThatThrownBy(() -> map.map("bob@remote.example"))
            .isInstanceOf(LookupException.class)
            .hasMessageContaining("canonical_maps")
            .hasMessageContaining("bob@remote.example");
    }

    @Test
    void anEmptyParameterMapsNothing() throws LookupException {
        AddressMap map = Cleanup.maps(directory).map("canonical_maps", "canonical");
        assertThat(map.isEmpty()).isTrue();
        assertThat(map.map("bob@remote.example")).isEmpty();
    }
}
