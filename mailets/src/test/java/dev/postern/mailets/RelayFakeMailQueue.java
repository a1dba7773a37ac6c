package dev.postern.mailets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.mailet.Mail;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** An in-memory queue: what was enqueued (with its delay), and one item per mail offered for dequeue. */
final class RelayFakeMailQueue implements MailQueue {
    record Enqueued(Mail mail, Duration delay) {
    }

    /** A dequeued mail and the statuses its consumer completed it with. */
    static final class Item implements MailQueueItem {
        private final Mail mail;
        private final List<CompletionStatus> statuses = new ArrayList<>();

        Item(Mail mail) {
            this.mail = mail;
        }

        @Override
        public Mail getMail() {
            return mail;
        }

        @Override
        public void done(CompletionStatus status) {
            statuses.add(status);
        }

        List<CompletionStatus> statuses() {
            return statuses;
        }
    }

    private final MailQueueName name;
    private final List<Enqueued> enqueued = new ArrayList<>();
    private final List<Item> ready = new ArrayList<>();

    RelayFakeMailQueue(MailQueueName name) {
        this.name = name;
    }

    /** Makes {@code mail} the next one to be dequeued. */
    Item offer(Mail mail) {
        Item item = new Item(mail);
        ready.add(item);
        return item;
    }

    List<Enqueued> enqueued() {
        return enqueued;
    }

    @Override
    public MailQueueName getName() {
        return name;
    }

    @Override
    public void enQueue(Mail mail, Duration delay) {
        enqueued.add(new Enqueued(mail, delay));
    }

    @Override
    public void enQueue(Mail mail) {
        enqueued.add(new Enqueued(mail, Duration.ZERO));
    }

    @Override
    public Publisher<Void> enqueueReactive(Mail mail) {
        return Mono.fromRunnable(() -> enQueue(mail));
    }

    @Override
    public Publisher<MailQueueItem> deQueue() {
        List<MailQueueItem> items = new ArrayList<>(ready);
        ready.clear();
        return Flux.fromIterable(items);
    }

    @Override
    public void close() {
    }

    /** A factory whose only queue is this one. */
    MailQueueFactory<RelayFakeMailQueue> factory() {
        RelayFakeMailQueue queue = this;
        return new MailQueueFactory<>() {
            @Override
            public Optional<RelayFakeMailQueue> getQueue(MailQueueName queueName, PrefetchCount count) {
                return Optional.of(queue).filter(q -> q.name.equals(queueName));
            }

            @Override
            public RelayFakeMailQueue createQueue(MailQueueName queueName, PrefetchCount count) {
                return queue;
            }

            @Override
            public Set<MailQueueName> listCreatedMailQueues() {
                return Set.of(name);
            }
        };
    }
}
