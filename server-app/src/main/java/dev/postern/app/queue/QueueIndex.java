package dev.postern.app.queue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The in-memory state of one queue: which mails are ready, which are deferred until a time, which are
 * handed out. Nothing here touches the disk; the queue segments are the truth and this is rebuilt from
 * them at start.
 *
 * <p>Ready mails are served in the order they became ready. Deferred mails sit in a separate set
 * ordered by their next-delivery time and join the ready ones when due, so a mail that is not due never
 * stands in front of one that is (no head-of-line blocking), and finding the due ones costs a look at
 * the first element.
 */
final class QueueIndex {
    enum State { READY, DEFERRED, IN_FLIGHT }

    /** One mail as a browse sees it. */
    record View(Envelope envelope, State state) {
    }

    /** A mail that left the queue; {@code removedByOperator} when remove/clear took it while it was out. */
    record Completion(Envelope envelope, boolean removedByOperator) {
    }

    /** What became of a mail given back: ready again, dropped because an operator removed it, or not known. */
    enum Return { READY, REMOVED, UNKNOWN }

    /** What remove/clear took: waiting mails (gone now) and handed-out ones (gone when given back). */
    record Removal(List<Envelope> waiting, int inFlight) {
        int count() {
            return waiting.size() + inFlight;
        }
    }

    /** Mutable bookkeeping for one envelope, only ever touched under the index's lock. */
    private static final class Slot {
        private Envelope envelope;
        private State state;
        private final long arrival;
        private long readyOrder;
        private boolean removed;

        private Slot(Envelope envelope, long arrival) {
            this.envelope = envelope;
            this.arrival = arrival;
        }
    }

    private final Map<String, Slot> slots = new HashMap<>();
    private final TreeMap<Long, Slot> ready = new TreeMap<>();
    private final TreeSet<Slot> deferred = new TreeSet<>(Comparator
        .comparing((Slot slot) -> slot.envelope.nextDelivery())
        .thenComparingLong(slot -> slot.arrival));
    private long sequence;
    private int removedInFlight;

    /** Adds a new envelope; returns true when it is ready now. */
    synchronized boolean add(Envelope envelope, Instant now) {
        Slot slot = new Slot(envelope, sequence++);
        slots.put(envelope.id(), slot);
        if (envelope.isDueAt(now)) {
            makeReady(slot);
            return true;
        }
        slot.state = State.DEFERRED;
        deferred.add(slot);
        return false;
    }

    /** Hands out the first ready mail, which stays in flight until completed or given back. */
    synchronized Optional<Envelope> take() {
        Map.Entry<Long, Slot> first = ready.pollFirstEntry();
        if (first == null) {
            return Optional.empty();
        }
        Slot slot = first.getValue();
        slot.state = State.IN_FLIGHT;
        return Optional.of(slot.envelope);
    }

    /** Forgets a handed-out mail (success, reject); empty if it is not known. */
    synchronized Optional<Completion> complete(String id) {
        Slot slot = slots.get(id);
        if (slot == null || slot.state != State.IN_FLIGHT) {
            return Optional.empty();
        }
        forget(slot);
        return Optional.of(new Completion(slot.envelope, slot.removed));
    }

    /**
     * Puts a handed-out mail back at the end of the ready mails, with its updated envelope, unless an
     * operator removed it meanwhile: then it is forgotten.
     */
    synchronized Return requeue(Envelope updated) {
        Slot slot = slots.get(updated.id());
        if (slot == null || slot.state != State.IN_FLIGHT) {
            return Return.UNKNOWN;
        }
        if (slot.removed) {
            forget(slot);
            return Return.REMOVED;
        }
        slot.envelope = updated;
        makeReady(slot);
        return Return.READY;
    }

    /**
     * Puts back a mail that was taken but never reached a consumer, in the place it had, so that order
     * is kept, unless an operator removed it meanwhile: then it is forgotten.
     */
    synchronized Return giveBack(String id) {
        Slot slot = slots.get(id);
        if (slot == null || slot.state != State.IN_FLIGHT) {
            return Return.UNKNOWN;
        }
        if (slot.removed) {
            forget(slot);
            return Return.REMOVED;
        }
        slot.state = State.READY;
        ready.put(slot.readyOrder, slot);
        return Return.READY;
    }

    /** Moves the deferred mails that are due at {@code now} to the ready ones; returns how many. */
    synchronized int promoteDue(Instant now) {
        int promoted = 0;
        while (!deferred.isEmpty() && deferred.first().envelope.isDueAt(now)) {
            makeReady(deferred.pollFirst());
            promoted++;
        }
        return promoted;
    }

    /** Makes every deferred mail ready now, in next-delivery order; returns how many. */
    synchronized int flush(Instant now) {
        int flushed = deferred.size();
        while (!deferred.isEmpty()) {
            Slot slot = deferred.pollFirst();
            slot.envelope = slot.envelope.withNextDelivery(now);
            makeReady(slot);
        }
        return flushed;
    }

    /**
     * Takes the mails matching {@code filter} out of the queue. Waiting ones are gone at once; handed-out
     * ones are marked and leave when their consumer gives them back, whatever it says.
     */
    synchronized Removal remove(Predicate<Envelope> filter) {
        List<Envelope> waiting = new ArrayList<>();
        int inFlight = 0;
        for (Slot slot : List.copyOf(slots.values())) {
            if (slot.removed || !filter.test(slot.envelope)) {
                continue;
            }
            switch (slot.state) {
                case READY -> ready.remove(slot.readyOrder);
                case DEFERRED -> deferred.remove(slot);
                case IN_FLIGHT -> {
                    slot.removed = true;
                    removedInFlight++;
                    inFlight++;
                    continue;
                }
                default -> throw new IllegalStateException("unknown state " + slot.state);
            }
            slots.remove(slot.envelope.id());
            waiting.add(slot.envelope);
        }
        return new Removal(waiting, inFlight);
    }

    /** Every mail in the queue (ready, deferred and in flight), oldest first. */
    synchronized List<View> snapshot() {
        return slots.values().stream()
            .filter(slot -> !slot.removed)
            .sorted(Comparator.comparingLong(slot -> slot.arrival))
            .map(slot -> new View(slot.envelope, slot.state))
            .toList();
    }

    /** Mails in the queue, including those handed out and not yet completed. */
    synchronized long size() {
        return slots.size() - removedInFlight;
    }

    private void forget(Slot slot) {
        slots.remove(slot.envelope.id());
        if (slot.removed) {
            removedInFlight--;
        }
    }

    private void makeReady(Slot slot) {
        slot.state = State.READY;
        slot.readyOrder = sequence++;
        ready.put(slot.readyOrder, slot);
    }
}
