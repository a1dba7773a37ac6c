package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.postern.tables.TableRegistry;

class RecipientListingsTest {
    private final TableRegistry registry = new TableRegistry();

    @Test
    void aliasNamesAndVirtualMailboxEntriesAreListed() throws Exception {
        RecipientListings listings = new RecipientListings(List.of(registry.open("inline:{ team=bob }")), false,
            List.of(registry.open("inline:{ alice@virtual.example=virtual.example/alice/, @catchall.example=all/ }")));

        assertThat(listings.localListed("team")).isTrue();
        assertThat(listings.localListed("nobody")).isFalse();
        assertThat(listings.virtualListed("alice@virtual.example")).isTrue();
        assertThat(listings.virtualListed("zed@virtual.example")).isFalse();
        assertThat(listings.virtualListed("anyone@catchall.example")).as("a catch-all entry").isTrue();
    }

    @Test
    void luserRelayMakesEveryLocalNameDeliverable() throws Exception {
        RecipientListings listings = new RecipientListings(List.of(), true, List.of());

        assertThat(listings.localListed("nobody")).isTrue();
        assertThat(listings.virtualListed("nobody@virtual.example")).isFalse();
    }
}
