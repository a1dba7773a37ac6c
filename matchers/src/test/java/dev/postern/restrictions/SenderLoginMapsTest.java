package dev.postern.restrictions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.postern.restrictions.Fixtures.FailingTable;
import dev.postern.restrictions.Fixtures.MapTable;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * smtpd_sender_login_maps is searched as Postfix's mail_addr_find searches a list of tables: each
 * key in every table before the next key.
 */
class SenderLoginMapsTest {
    private static final Map<String, LookupTable> TABLES = Map.of(
        "test:domain", new MapTable("test:domain", Map.of("@example.com", "domainadmin")),
        "test:users", new MapTable("test:users", Map.of("alice@example.com", "alice, carol")),
        "test:other", new MapTable("test:other", Map.of("other@example.com", "x")),
        "test:fail", new FailingTable("test:fail"));

    private static SenderLoginMaps maps(String value) {
        return SenderLoginMaps.open(value, TABLES::get, "+");
    }

    @Test
    void anExactAddressInTheSecondTableBeatsAtDomainInTheFirst() throws LookupException {
        SenderLoginMaps maps = maps("test:domain, test:users");
        assertThat(maps.owners("alice@example.com")).contains(List.of("alice", "carol"));
        assertThat(maps.owners("bob@example.com")).contains(List.of("domainadmin"));
    }

    @Test
    void theAddressWithoutExtensionInTheSecondTableBeatsAtDomainInTheFirst() throws LookupException {
        assertThat(maps("test:domain, test:users").owners("Alice+tag@Example.COM")).contains(List.of("alice", "carol"));
    }

    @Test
    void aFailingTableNamesTheParameterAndTheTable() {
        SenderLoginMaps maps = maps("test:other, test:fail");
        assertThatThrownBy(() -> maps.owners("alice@example.com"))
            .isInstanceOf(LookupException.class)
            .hasMessageStartingWith("smtpd_sender_login_maps: test:fail: lookup of \"alice@example.com\" failed");
    }

    @Test
    void unknownAddressesHaveNoOwner() throws LookupException {
        assertThat(maps("test:users").owners("bob@other.example")).isEmpty();
    }
}
