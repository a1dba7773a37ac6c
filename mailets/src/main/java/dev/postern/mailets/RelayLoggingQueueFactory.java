package dev.postern.mailets;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The queue factory {@link RelayhostRemoteDelivery} gives James's RemoteDelivery: the real factory's
 * queues, except that every mail taken from them is watched ({@link RelayAttempt}) until its queue
 * item is done, when {@link RelayAttemptLog} logs what the attempt did.
 *
 * <p>RemoteDelivery's DeliveryRunnable completes every attempt with {@code done(SUCCESS)}: after
 * delivering, after bouncing, and after a temporary failure, when it has first put the same mail
 * back into the queue with {@code enQueue(mail, delay)}. That enqueue comes through here, which is
 * how a deferral is told apart; the queue is given the real mail, not the watching proxy.
 *
 * <p>Until a log is set, and for mails dequeued before, items pass through untouched.
 */
final class RelayLoggingQueueFactory implements MailQueueFactory<MailQueue> {
    private static final Logger LOGGER = LoggerFactory.getLogger(RelayLoggingQueueFactory.class);

    private final MailQueueFactory<?> delegate;
    /** The attempts in progress, by the mail RemoteDelivery was handed. */
    private final Map<Mail, RelayAttempt> attempts = Collections.synchronizedMap(new IdentityHashMap<>());
    private volatile RelayAttemptLog log;

    RelayLoggingQueueFactory(MailQueueFactory<?> delegate) {
        this.delegate = delegate;
    }

    void setLog(RelayAttemptLog log) {
        this.log = log;
    }

    @Override
    public Optional<MailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return delegate.getQueue(name, count).map(LoggingQueue::new);
    }

    @Override
    public MailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return new LoggingQueue(delegate.createQueue(name, count));
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return delegate.listCreatedMailQueues();
    }

    private MailQueue.MailQueueItem watch(MailQueue.MailQueueItem item) {
        RelayAttemptLog current = log;
        if (current == null) {
            return item;
        }
        RelayAttempt attempt = new RelayAttempt(item.getMail(), current.now());
        attempts.put(attempt.handedOut(), attempt);
        return new WatchedItem(item, attempt, current);
    }

    private final class LoggingQueue implements MailQueue {
        private final MailQueue queue;

        LoggingQueue(MailQueue queue) {
            this.queue = queue;
        }

        @Override
        public MailQueueName getName() {
            return queue.getName();
        }

        @Override
        public void enQueue(Mail mail, Duration delay) throws MailQueueException {
            RelayAttempt attempt = attempts.get(mail);
            if (attempt == null) {
                queue.enQueue(mail, delay);
                return;
            }
            queue.enQueue(attempt.mail(), delay);
            attempt.requeued(delay);
        }

        @Override
        public void enQueue(Mail mail) throws MailQueueException {
            RelayAttempt attempt = attempts.get(mail);
            if (attempt == null) {
                queue.enQueue(mail);
                return;
            }
            queue.enQueue(attempt.mail());
            attempt.requeued(Duration.ZERO);
        }

        @Override
        public Publisher<Void> enqueueReactive(Mail mail) {
            RelayAttempt attempt = attempts.get(mail);
            if (attempt == null) {
                return queue.enqueueReactive(mail);
            }
            return Mono.from(queue.enqueueReactive(attempt.mail()))
                .doOnSuccess(any -> attempt.requeued(Duration.ZERO));
        }

        @Override
        public Publisher<MailQueueItem> deQueue() {
            return Flux.from(queue.deQueue()).map(RelayLoggingQueueFactory.this::watch);
        }

        @Override
        public void close() throws IOException {
            queue.close();
        }

        @Override
        public String toString() {
            return queue.toString();
        }
    }

    private final class WatchedItem implements MailQueue.MailQueueItem {
        private final MailQueue.MailQueueItem item;
        private final RelayAttempt attempt;
        private final RelayAttemptLog attemptLog;
        private final AtomicBoolean ended = new AtomicBoolean();

        WatchedItem(MailQueue.MailQueueItem item, RelayAttempt attempt, RelayAttemptLog attemptLog) {
            this.item = item;
            this.attempt = attempt;
            this.attemptLog = attemptLog;
        }

        @Override
        public Mail getMail() {
            return attempt.handedOut();
        }

        /** Logs first, so that the lines come before the queue's own ({@code removed}). */
        @Override
        public void done(CompletionStatus status) throws MailQueue.MailQueueException {
            if (ended.compareAndSet(false, true)) {
                try {
                    attemptLog.attemptEnded(attempt, status);
                } catch (RuntimeException e) {
                    LOGGER.warn("Cannot log the delivery attempt of mail {}", attempt.mail().getName(), e);
                } finally {
                    attempts.remove(attempt.handedOut());
                }
            }
            item.done(status);
        }
    }
}
