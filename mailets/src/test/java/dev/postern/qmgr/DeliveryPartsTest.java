package dev.postern.qmgr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Retired delivery parts close their couriers only once no delivery uses them. */
class DeliveryPartsTest {
    private final List<String> closed = new ArrayList<>();

    private DeliveryParts parts() {
        return new DeliveryParts(null, null, null, null, null, null, List.of(() -> closed.add("smtp"), () -> closed.add("lmtp")));
    }

    @Test
    void retiredPartsWithoutDeliveriesCloseAtOnce() {
        DeliveryParts parts = parts();

        parts.retire();

        assertThat(closed).containsExactly("smtp", "lmtp");
        assertThat(parts.isClosed()).isTrue();
    }

    @Test
    void retiredPartsCloseWhenTheLastDeliveryUsingThemIsDone() {
        DeliveryParts parts = parts();
        parts.acquire();
        parts.acquire();

        parts.retire();
        assertThat(closed).isEmpty();
        parts.release();
        assertThat(closed).isEmpty();
        parts.release();

        assertThat(closed).containsExactly("smtp", "lmtp");
    }

    @Test
    void partsInUseAreNotClosedByDeliveriesEnding() {
        DeliveryParts parts = parts();
        parts.acquire();
        parts.release();

        assertThat(closed).isEmpty();
        assertThat(parts.isClosed()).isFalse();
    }

    @Test
    void partsCloseOnce() {
        DeliveryParts parts = parts();
        parts.retire();
        parts.retire();

        assertThat(closed).containsExactly("smtp", "lmtp");
    }
}
