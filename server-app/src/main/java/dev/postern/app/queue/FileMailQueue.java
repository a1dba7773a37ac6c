package dev.postern.app.queue;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Predicate;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.fge.lambdas.Throwing;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A durable James mail queue kept in the factory's {@link QueueJournal}, an append-only log shared by
 * all queues: each queued mail is a PUT record holding its envelope ({@link EnvelopeCodec}), written
 * together with a CONTENT record holding the message unless the mail carries unchanged content of this
 * store ({@link StoredMimeMessage}), which is then shared.
 *
 * <p><b>Enqueue</b> returns only when the mail is durable: its records are appended and the caller waits
 * for an fdatasync that started after the append, one shared by every session that queued mail meanwhile
 * (group commit). The content record comes first, so no envelope can survive a crash without its content.
 *
 * <p>The mail is captured when {@code enQueue} is called ({@link MailSnapshot}): what the caller does
 * with its object afterwards (a mailet may set it to GHOST) does not reach the queue.
 *
 * <p><b>Dequeue</b> hands each ready mail to one consumer that asked for it ({@link DeliverySubscription}),
 * once the factory's delivery has started ({@link DeliveryStart});
 * it stays in flight until the consumer's {@code done}: SUCCESS and REJECT append a REMOVE (and release the
 * content with the last envelope), RETRY makes it ready again, as it was queued, with its attempt count
 * raised. Neither waits for the disk. A crash forgets what was in flight, and the next start delivers it
 * again: delivery is at least once. Each hand-out is a new {@link MailImpl} whose message is read lazily
 * from its segment.
 *
 * <p><b>Management</b> sees every mail of the queue, in flight included: {@code browse} lists them
 * oldest first, {@code getSize} counts them, and {@code remove}/{@code clear} take a mail in flight out
 * as soon as its consumer is done with it, whatever the consumer says.
 *
 * <p>Instances are made and closed by {@link FileMailQueueFactory}; {@link #close()} does nothing, since
 * every user of a queue name shares one instance.
 */
public final class FileMailQueue implements ManageableMailQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(FileMailQueue.class);
    /** Far enough to mean never, near enough to be written as an ISO instant and browsed as a date. */
    private static final Instant LATEST_DELIVERY = Instant.parse("9999-12-31T23:59:59Z");

    private final MailQueueName name;
    private final QueueServices services;
    private final EnvelopeStore envelopes;
    private final QueueIndex index = new QueueIndex();
    private final QueueMetrics metrics;
    private final Set<DeliverySubscription> subscriptions = new CopyOnWriteArraySet<>();
    private final DeliverySubscription.Source source = new Source();
    private volatile boolean shutDown;

    FileMailQueue(MailQueueName name, EnvelopeStore envelopes, List<Envelope> recovered, QueueServices services) {
        this.name = name;
        this.services = services;
        this.envelopes = envelopes;
        Instant now = services.clock().instant();
        recovered.stream()
            .sorted(Comparator.comparing(Envelope::enqueuedAt).thenComparing(Envelope::id))
            .forEach(envelope -> index.add(envelope, now));
        this.metrics = QueueMetrics.register(name, services.metrics(), services.gauges(), index::size);
    }

    @Override
    public MailQueueName getName() {
        return name;
    }

    @Override
    public void enQueue(Mail mail) throws MailQueueException {
        enQueue(mail, Duration.ZERO);
    }

    @Override
    public void enQueue(Mail mail, Duration delay) throws MailQueueException {
        Runnable timer = metrics.startEnqueueTimer();
        try {
            Instant now = services.clock().instant();
            Envelope envelope = persist(mail, now, dueTime(now, delay));
            boolean ready = index.add(envelope, services.clock().instant());
            metrics.enqueued();
            if (ready) {
                signalConsumers();
            }
        } catch (IOException | MessagingException | RuntimeException e) {
            throw new MailQueueException("Cannot queue mail " + mail.getName() + " in " + name.asString() + ": " + e.getMessage(), e);
        } finally {
            timer.run();
        }
    }

    /** Blocking file I/O, so it runs on a thread meant for blocking. */
    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return Mono.<Void>fromRunnable(Throwing.runnable(() -> enQueue(mail)).sneakyThrow())
            .subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Flux<MailQueueItem> deQueue() {
        Publisher<MailQueueItem> publisher = this::subscribe;
        return Flux.from(publisher);
    }

    @Override
    public long getSize() {
        return index.size();
    }

    /** Makes every deferred mail deliverable now. Not written to disk: after a crash the delays hold again. */
    @Override
    public long flush() {
        int flushed = index.flush(services.clock().instant());
        if (flushed > 0) {
            signalConsumers();
        }
        return flushed;
    }

    @Override
    public long clear() {
        return remove(envelope -> true);
    }

    @Override
    public long remove(Type type, String value) {
        return remove(switch (type) {
            case Name -> envelope -> envelope.mail().name().equals(value);
            case Sender -> envelope -> envelope.mail().hasSender(value);
            case Recipient -> envelope -> envelope.mail().hasRecipient(value);
        });
    }

    /**
     * A snapshot of the queue, oldest first, including the mails in flight. Messages are read from
     * their segments only when asked for.
     */
    @Override
    public MailQueueIterator browse() {
        Iterator<QueueIndex.View> views = index.snapshot().iterator();
        return new MailQueueIterator() {
            @Override
            public boolean hasNext() {
                return views.hasNext();
            }

            @Override
            public MailQueueItemView next() {
                Envelope envelope = views.next().envelope();
                return new DefaultMailQueueItemView(toMail(envelope),
                    envelope.nextDelivery().atZone(services.clock().getZone()));
            }

            @Override
            public void close() {
            }
        };
    }

    /** Queues belong to the factory and are shared by name; see {@link FileMailQueueFactory#close()}. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "FileMailQueue[" + name.asString() + "]";
    }

    void promoteDueMails() {
        if (index.promoteDue(services.clock().instant()) > 0) {
            signalConsumers();
        }
    }

    /** Ends every consumer's subscription; called by the factory when it closes. */
    void shutDown() {
        shutDown = true;
        subscriptions.forEach(DeliverySubscription::complete);
    }

    void complete(Envelope envelope, MailQueueItem.CompletionStatus status) {
        switch (status) {
            case SUCCESS, REJECT -> index.complete(envelope.id()).ifPresentOrElse(
                completion -> forget(completion.envelope()),
                () -> LOGGER.warn("{}: completed mail {} (envelope {}) is not in flight", name.asString(),
                    envelope.mail().name(), envelope.id()));
            case RETRY -> retry(envelope);
            default -> throw new IllegalArgumentException("Unknown completion status " + status);
        }
    }

    void giveBack(Envelope envelope) {
        afterReturn(envelope, index.giveBack(envelope.id()));
    }

    private Envelope persist(Mail mail, Instant now, Instant due) throws IOException, MessagingException {
        MailSnapshot snapshot = MailSnapshot.of(mail);
        MimeMessage message = mail.getMessage();
        Optional<ContentStore.Stored> content = Optional.empty();
        try {
            if (message != null) {
                content = Optional.of(services.content().store(message, snapshot.name()));
            }
            Envelope envelope = new Envelope(services.ids().next(), content.map(ContentStore.Stored::contentId), snapshot,
                now, due, 0);
            long position = envelopes.write(envelope, content.flatMap(ContentStore.Stored::record));
            try {
                envelopes.awaitDurable(position);
            } catch (IOException e) {
                // The record may be on disk but the caller is told the enqueue failed and will try again.
                envelopes.delete(envelope.id());
                throw e;
            }
            return envelope;
        } catch (IOException | MessagingException | RuntimeException e) {
            content.ifPresent(services.content()::abandon);
            throw e;
        }
    }

    /**
     * RETRY: the new attempt count is appended without waiting for the disk (a crash loses at most the
     * count, the mail is still queued), then the mail is ready again. Failing to write it only loses the count.
     */
    private void retry(Envelope envelope) {
        Envelope updated = envelope.withAnotherAttempt();
        try {
            envelopes.write(updated, Optional.empty());
        } catch (IOException e) {
            LOGGER.warn("{}: cannot record attempt {} of mail {} ({})", name.asString(), updated.attempts(),
                envelope.mail().name(), envelopes.describe(envelope.id()), e);
            updated = envelope;
        }
        afterReturn(envelope, index.requeue(updated));
    }

    private void afterReturn(Envelope envelope, QueueIndex.Return result) {
        switch (result) {
            case READY -> signalConsumers();
            case REMOVED -> forget(envelope);
            case UNKNOWN -> LOGGER.warn("{}: returned mail {} (envelope {}) is not in flight", name.asString(),
                envelope.mail().name(), envelope.id());
            default -> throw new IllegalStateException("Unknown result " + result);
        }
    }

    private long remove(Predicate<Envelope> filter) {
        QueueIndex.Removal removal = index.remove(filter);
        removal.waiting().forEach(this::forget);
        if (!removal.waiting().isEmpty()) {
            try {
                // An operator's removal should survive a crash; one fsync for the whole batch.
                envelopes.awaitDurable();
            } catch (IOException e) {
                LOGGER.warn("{}: removal of {} mails may not survive a crash", name.asString(), removal.waiting().size(), e);
            }
        }
        return removal.count();
    }

    /** Ends the envelope and drops its content reference. */
    private void forget(Envelope envelope) {
        envelopes.delete(envelope.id());
        envelope.contentId().ifPresent(services.content()::release);
    }

    private Mail toMail(Envelope envelope) {
        MailImpl mail = envelope.mail().toMail();
        envelope.contentId().ifPresent(contentId -> {
            try {
                mail.setMessageNoCopy(services.content().open(contentId));
            } catch (MessagingException e) {
                throw new IllegalStateException("Cannot attach content " + contentId + " to mail " + mail.getName(), e);
            }
        });
        return mail;
    }

    private void subscribe(Subscriber<? super MailQueueItem> subscriber) {
        DeliverySubscription subscription = new DeliverySubscription(subscriber, source, services.dispatchExecutor());
        subscriptions.add(subscription);
        subscriber.onSubscribe(subscription);
        if (shutDown) {
            subscription.complete();
        }
    }

    /** The factory's delivery has started: consumers waiting since they subscribed get their mail now. */
    void deliveryStarted() {
        signalConsumers();
    }

    private void signalConsumers() {
        subscriptions.forEach(DeliverySubscription::signal);
    }

    private static Instant dueTime(Instant now, Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            return now;
        }
        try {
            Instant due = now.plus(delay);
            return due.isAfter(LATEST_DELIVERY) ? LATEST_DELIVERY : due;
        } catch (DateTimeException | ArithmeticException e) {
            return LATEST_DELIVERY;
        }
    }

    private final class Source implements DeliverySubscription.Source {
        @Override
        public Optional<FileMailQueueItem> take() {
            if (!services.deliveryStarted().getAsBoolean()) {
                return Optional.empty();
            }
            return index.take().map(envelope -> {
                metrics.dequeued();
                return new FileMailQueueItem(FileMailQueue.this, envelope, toMail(envelope));
            });
        }

        @Override
        public MailQueueItem decorate(FileMailQueueItem item) {
            return services.decorators().decorate(item, name);
        }

        @Override
        public void unsubscribe(DeliverySubscription subscription) {
            subscriptions.remove(subscription);
        }
    }
}
