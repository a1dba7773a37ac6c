package dev.postern.delivery;

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

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/** postern_mailbox_quota_maps: by address, then by user, each key in every table before the next. */
class MailboxQuotaTest {
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

    private MailboxQuota quota(String... specs) throws Exception {
        List<LookupTable> tables = new ArrayList<>();
        for (String spec : specs) {
            tables.add(registry.open(spec));
        }
        return new MailboxQuota(51_200_000L, tables);
    }

    @Test
    void theAddressInTheSecondTableBeatsTheUserInTheFirst() throws Exception {
        MailboxQuota quota = quota("inline:{bob=100}", "inline:{bob@mx.example=200}");
        assertThat(quota.limitFor("bob@mx.example", Optional.of("bob"))).isEqualTo(new MailboxQuota.Limit(200, true));
        assertThat(quota.limitFor("carol@mx.example", Optional.of("bob"))).isEqualTo(new MailboxQuota.Limit(100, true));
    }

    @Test
    void noEntryIsMailboxSizeLimit() throws Exception {
        assertThat(quota("inline:{bob=100}").limitFor("bob@virtual.example", Optional.empty()))
            .isEqualTo(new MailboxQuota.Limit(51_200_000L, false));
    }

    @Test
    void aFailureOrABadValueIsALookupFailureNamingTheTable() throws Exception {
        assertThatThrownBy(() -> quota("fail:broken").limitFor("bob@mx.example", Optional.empty()))
            .isInstanceOf(LookupException.class)
            .hasMessageStartingWith("postern_mailbox_quota_maps: fail:broken: lookup of \"bob@mx.example\" failed");
        assertThatThrownBy(() -> quota("inline:{bob@mx.example=lots}").limitFor("bob@mx.example", Optional.empty()))
            .isInstanceOf(LookupException.class)
            .hasMessageContaining("inline:{bob@mx.example=lots}: quota of bob@mx.example is not a number of bytes");
    }
}
