package dev.postern.app.queue;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of a queue. Mails are taken from the queue only when this consumer has asked for them
 * and is still subscribed, immediately before they are handed to it; nothing is taken ahead and
 * buffered. That is what keeps a mail from being stranded in flight in a consumer that went away
 * (a {@code blockFirst()} asks for everything, takes one and cancels), and what lets several consumers
 * share a queue without any mail being handed out twice.
 *
 * <p>Signals to the subscriber are serialized by the usual work-in-progress counter: whichever thread
 * finds it at zero drains, others only note that there is more to do. Arrivals of new mail drain on
 * {@code executor}, so an SMTP session that enqueues never ends up running a consumer's code.
 */
final class DeliverySubscription implements Subscription {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliverySubscription.class);

    /** The queue side: take the next ready mail (it is then in flight), wrap it for James, forget a consumer. */
    interface Source {
        Optional<FileMailQueueItem> take();

        MailQueueItem decorate(FileMailQueueItem item);

        void unsubscribe(DeliverySubscription subscription);
    }

    private final Subscriber<? super MailQueueItem> subscriber;
    private final Source source;
    private final Executor executor;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger workInProgress = new AtomicInteger();
    private volatile boolean cancelled;
    private volatile boolean completing;
    private volatile Throwable error;
    private boolean terminated;

    DeliverySubscription(Subscriber<? super MailQueueItem> subscriber, Source source, Executor executor) {
        this.subscriber = subscriber;
        this.source = source;
        this.executor = executor;
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            error = new IllegalArgumentException("Reactive Streams rule 3.9: request must be positive, was " + n);
        } else {
            requested.accumulateAndGet(n, (current, added) -> {
                long sum = current + added;
                return sum < 0 ? Long.MAX_VALUE : sum;
            });
        }
        drain();
    }

    @Override
    public void cancel() {
        cancelled = true;
        source.unsubscribe(this);
    }

    /** New mail may be ready: drain on the executor if this consumer is waiting for some. */
    void signal() {
        if (cancelled || requested.get() == 0) {
            return;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // Shutting down: the consumer is about to be completed anyway.
        }
    }

    /** The queue is closing: no more mail will come. */
    void complete() {
        completing = true;
        drain();
    }

    void drain() {
        if (workInProgress.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            drainOnce();
            missed = workInProgress.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainOnce() {
        while (!cancelled && !terminated) {
            Throwable failure = error;
            if (failure != null) {
                terminate();
                subscriber.onError(failure);
                return;
            }
            if (completing) {
                terminate();
                subscriber.onComplete();
                return;
            }
            long demand = requested.get();
            if (demand == 0) {
                return;
            }
            Optional<FileMailQueueItem> next = source.take();
            if (next.isEmpty()) {
                return;
            }
            if (demand != Long.MAX_VALUE) {
                requested.decrementAndGet();
            }
            deliver(next.get());
        }
    }

    private void deliver(FileMailQueueItem item) {
        try {
            subscriber.onNext(source.decorate(item));
        } catch (RuntimeException e) {
            // Rule 2.13: a subscriber that throws is treated as cancelled; the mail it did not take goes back.
            LOGGER.error("Mail queue consumer failed on mail {}; unsubscribing it", item.getMail().getName(), e);
            item.giveBack();
            cancel();
        }
    }

    private void terminate() {
        terminated = true;
        cancelled = true;
        source.unsubscribe(this);
    }
}
