package dev.postern.restrictions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/**
 * smtpd_sender_login_maps is searched as Postfix's mail_addr_find searches a list of tables: each
 * key in every table before the next key.
 */
class SenderLoginMapsTest {
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

    private SenderLoginMaps maps(String value) {
        return SenderLoginMaps.open(value, this::open, "+");
    }

    private LookupTable open(String spec) {
        try {
            return registry.open(spec);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Test
    void anExactAddressInTheSecondTableBeatsAtDomainInTheFirst() throws LookupException {
        SenderLoginMaps maps = maps("inline:{@example.com=domainadmin}, inline:{alice@example.com=alice}");
        assertThat(maps.owners("alice@example.com")).contains(List.of("alice"));
        assertThat(maps.owners("alice+tag@example.com")).contains(List.of("alice"));
        assertThat(maps.owners("bob@example.com")).contains(List.of("domainadmin"));
    }

    @Test
    void theAddressWithoutExtensionInTheSecondTableBeatsAtDomainInTheFirst() throws LookupException {
        SenderLoginMaps maps = maps("inline:{@example.com=domainadmin}, inline:{{alice@example.com=alice, carol}}");
        assertThat(maps.owners("Alice+tag@Example.COM")).contains(List.of("alice", "carol"));
    }

    @Test
    void aFailingTableNamesTheParameterAndTheTable() {
        SenderLoginMaps maps = maps("inline:{other@example.com=x}, fail:broken");
        assertThatThrownBy(() -> maps.owners("alice@example.com"))
            .isInstanceOf(LookupException.class)
            .hasMessageStartingWith("smtpd_sender_login_maps: fail:broken: lookup of \"alice@example.com\" failed");
    }

    @Test
    void unknownAddressesHaveNoOwner() throws LookupException {
        assertThat(maps("inline:{alice@example.com=alice}").owners("bob@other.example")).isEmpty();
    }
}
