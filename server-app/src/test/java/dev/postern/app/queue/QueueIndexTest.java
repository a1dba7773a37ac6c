package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MaybeSender;
import org.junit.jupiter.api.Test;

class QueueIndexTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    private final QueueIndex index = new QueueIndex();

    @Test
    void deferredMailDoesNotBlockReadyMailBehindIt() {
        index.add(envelope("deferred", NOW.plus(Duration.ofHours(1))), NOW);
        index.add(envelope("ready", NOW), NOW);

        assertThat(index.take()).map(Envelope::id).contains("ready");
        assertThat(index.take()).isEmpty();
        assertThat(index.promoteDue(NOW.plus(Duration.ofMinutes(59)))).isZero();
        assertThat(index.promoteDue(NOW.plus(Duration.ofHours(1)))).isEqualTo(1);
        assertThat(index.take()).map(Envelope::id).contains("deferred");
    }

    @Test
    void dueMailIsPromotedInDueOrder() {
        index.add(envelope("third", NOW.plusSeconds(30)), NOW);
        index.add(envelope("first", NOW.plusSeconds(10)), NOW);
        index.add(envelope("second", NOW.plusSeconds(20)), NOW);

        index.promoteDue(NOW.plusSeconds(60));

        assertThat(List.of(index.take(), index.take(), index.take())).extracting(e -> e.orElseThrow().id())
            .containsExactly("first", "second", "third");
    }

    @Test
    void aMailGivenBackUndeliveredKeepsItsPlaceAndARetriedOneGoesLast() {
        index.add(envelope("a", NOW), NOW);
        index.add(envelope("b", NOW), NOW);
        index.add(envelope("c", NOW), NOW);
        Envelope a = index.take().orElseThrow();
        Envelope b = index.take().orElseThrow();

        index.requeue(a.withAnotherAttempt());
        index.giveBack(b.id());

        assertThat(List.of(index.take(), index.take(), index.take())).extracting(e -> e.orElseThrow().id())
            .containsExactly("b", "c", "a");
    }

    @Test
    void sizeCountsMailInFlightUntilCompleted() {
        index.add(envelope("a", NOW), NOW);
        index.add(envelope("b", NOW.plusSeconds(60)), NOW);
        Envelope a = index.take().orElseThrow();

        assertThat(index.size()).isEqualTo(2);
        assertThat(index.complete(a.id())).map(QueueIndex.Completion::removedByOperator).contains(false);
        assertThat(index.size()).isEqualTo(1);
        assertThat(index.complete(a.id())).isEmpty();
    }

    @Test
    void removingAMailInFlightForgetsItWhenItComesBack() {
        index.add(envelope("a", NOW), NOW);
        Envelope a = index.take().orElseThrow();

        QueueIndex.Removal removal = index.remove(envelope -> true);

        assertThat(removal.count()).isEqualTo(1);
        assertThat(removal.waiting()).isEmpty();
        assertThat(index.size()).isZero();
        assertThat(index.snapshot()).isEmpty();
        assertThat(index.requeue(a)).isEqualTo(QueueIndex.Return.REMOVED);
        assertThat(index.requeue(a)).isEqualTo(QueueIndex.Return.UNKNOWN);
        assertThat(index.take()).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void flushMakesEveryDeferredMailReadyNow() {
        index.add(envelope("a", NOW.plusSeconds(60)), NOW);
        index.add(envelope("b", NOW.plusSeconds(30)), NOW);

        assertThat(index.flush(NOW)).isEqualTo(2);

        assertThat(index.snapshot()).extracting(view -> view.envelope().nextDelivery()).containsOnly(NOW);
        assertThat(index.snapshot()).extracting(view -> view.envelope().id()).containsExactly("a", "b");
        assertThat(index.take()).map(Envelope::id).contains("b");
    }

    private static Envelope envelope(String id, Instant nextDelivery) {
        MailSnapshot mail = new MailSnapshot(id, Optional.empty(), MaybeSender.nullSender(), List.of(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Map.of());
        return new Envelope(id, Optional.empty(), mail, NOW, nextDelivery, 0);
    }
}
