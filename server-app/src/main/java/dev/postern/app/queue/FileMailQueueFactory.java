package dev.postern.app.queue;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableSet;


/**
 * The durable file mail queues under one directory (by default {@code var/queue/}); see
 * {@link FileMailQueue} for what a queue guarantees and {@link QueueLayout} for the files.
 *
 * <p>Construction recovers what is on disk ({@link QueueRecovery}): every queue that has a directory or
 * records is open at once with all its mails ready (including those that were in flight when the previous
 * process died), whether or not anyone has asked for it yet, because contents are shared between queues
 * and can only be counted with all envelopes read. All queues write to one {@link QueueJournal}.
 *
 * <p>Being a {@code MailQueueFactory<FileMailQueue>}, an instance can be bound as
 * {@code MailQueueFactory<?>}, {@code MailQueueFactory<? extends MailQueue>} and
 * {@code MailQueueFactory<? extends ManageableMailQueue>} as it is. Exactly one factory may use a
 * directory at a time.
 *
 * <p>A "content removed" listener, if given, hears the queue ID of each message that has left the
 * queue completely (see {@link ContentStore}), for Postfix's {@code QID: removed} log line. It is
 * called on the thread that completed or removed the mail, after the content is released, and must not
 * block; nothing is announced for what recovery finds at start.
 */
public final class FileMailQueueFactory implements MailQueueFactory<FileMailQueue>, Closeable {
    private static final Logger LOGGER = LoggerFactory.getLogger(FileMailQueueFactory.class);
    /** How often deferred mail is checked for being due: the most a due mail waits beyond its time. */
    static final long DUE_CHECK_MILLIS = 200;
    /** How often old segments are looked at for compaction. */
    static final long COMPACT_CHECK_SECONDS = 10;
    /** The size at which the current segment is closed and a new one begun. */
    static final long SEGMENT_LIMIT = 64L * 1024 * 1024;

    private static final Consumer<String> NO_LISTENER = queueId -> {
    };

    private final QueueServices services;
    private final Map<MailQueueName, FileMailQueue> queues = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService dispatch;
    private final SyncStatistics statistics;
    private final QueueJournal journal;
    private volatile boolean closed;
    /** Whether consumers may be handed mail: see {@link DeliveryStart}. */
    private volatile boolean deliveryStarted;

    /** A factory without metrics, using James's plain item decorator. */
    public FileMailQueueFactory(Path queueDirectory, Clock clock) throws IOException {
        this(queueDirectory, clock, NO_LISTENER);
    }

    /**
     * A factory without metrics for the tests of the log itself: segments are closed at {@code segmentLimit}
     * bytes, and {@code hook} is called before each fdatasync (the crash tests stop the process there).
     */
    FileMailQueueFactory(Path queueDirectory, Clock clock, long segmentLimit, QueueJournal.ForceHook hook) throws IOException {
        this(queueDirectory, Optional.empty(), Optional.empty(), new RawMailQueueItemDecoratorFactory(), clock,
            NO_LISTENER, DeliveryStart.AT_ONCE, segmentLimit, hook);
    }

    /** A factory without metrics that tells {@code contentRemoved} the queue ID of each message that left it. */
    public FileMailQueueFactory(Path queueDirectory, Clock clock, Consumer<String> contentRemoved) throws IOException {
        this(queueDirectory, Optional.empty(), Optional.empty(), new RawMailQueueItemDecoratorFactory(), clock,
            contentRemoved, DeliveryStart.AT_ONCE, SEGMENT_LIMIT, QueueJournal.NO_HOOK);
    }

    /** A factory that counts enqueues, dequeues and enqueue time under James's metric names. */
    public FileMailQueueFactory(Path queueDirectory, MetricFactory metricFactory, Clock clock) throws IOException {
        this(queueDirectory, Optional.of(metricFactory), Optional.empty(), new RawMailQueueItemDecoratorFactory(), clock,
            NO_LISTENER, DeliveryStart.AT_ONCE, SEGMENT_LIMIT, QueueJournal.NO_HOOK);
    }

    /** A factory with all of James's queue plumbing: metrics, the queue size gauge and the item decorators. */
    public FileMailQueueFactory(Path queueDirectory, MetricFactory metricFactory, GaugeRegistry gaugeRegistry,
                                MailQueueItemDecoratorFactory decorators, Clock clock) throws IOException {
        this(queueDirectory, metricFactory, gaugeRegistry, decorators, clock, NO_LISTENER);
    }

    /**
     * A factory with all of James's queue plumbing that tells {@code contentRemoved} the queue ID of each
     * message that has left the queue completely.
     */
    public FileMailQueueFactory(Path queueDirectory, MetricFactory metricFactory, GaugeRegistry gaugeRegistry,
                                MailQueueItemDecoratorFactory decorators, Clock clock, Consumer<String> contentRemoved)
            throws IOException {
        this(queueDirectory, metricFactory, gaugeRegistry, decorators, clock, contentRemoved, DeliveryStart.AT_ONCE);
    }

    /**
     * The server's factory: as above, and with {@link DeliveryStart#WHEN_SERVER_STARTED} no mail reaches a
     * consumer before {@link #startDelivery()}.
     */
    public FileMailQueueFactory(Path queueDirectory, MetricFactory metricFactory, GaugeRegistry gaugeRegistry,
                                MailQueueItemDecoratorFactory decorators, Clock clock, Consumer<String> contentRemoved,
                                DeliveryStart start) throws IOException {
        this(queueDirectory, Optional.of(metricFactory), Optional.of(gaugeRegistry), decorators, clock, contentRemoved,
            start, SEGMENT_LIMIT, QueueJournal.NO_HOOK);
    }

    private FileMailQueueFactory(Path queueDirectory, Optional<MetricFactory> metrics, Optional<GaugeRegistry> gauges,
                                 MailQueueItemDecoratorFactory decorators, Clock clock, Consumer<String> contentRemoved,
                                 DeliveryStart start, long segmentLimit, QueueJournal.ForceHook hook) throws IOException {
        this.deliveryStarted = start == DeliveryStart.AT_ONCE;
        this.statistics = new SyncStatistics();
        QueueLayout layout = new QueueLayout(queueDirectory, new DirectorySync.Factory(statistics));
        layout.prepare();
        EnvelopeCodec codec = new EnvelopeCodec();
        importLegacyQueue(layout, codec, statistics);
        this.journal = QueueJournal.open(layout.segmentsDirectory(), layout.corruptDirectory(), segmentLimit, statistics, hook);
        IdGenerator ids = new IdGenerator(clock);
        ContentStore content = new ContentStore(journal, ids, contentRemoved);
        this.dispatch = Executors.newCachedThreadPool(daemonThreads("postern-queue-dispatch"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("postern-queue-timer"));
        this.services = new QueueServices(layout, journal, content, codec, ids, clock, dispatch,
            decorators, metrics, gauges, () -> deliveryStarted);

        try {
            new QueueRecovery(layout, journal, content, codec).recover()
                .forEach((name, envelopes) -> queues.put(name, new FileMailQueue(name, envelopeStore(name), envelopes, services)));
        } catch (IOException | RuntimeException e) {
            dispatch.shutdownNow();
            timer.shutdownNow();
            journal.close();
            throw e;
        }
        timer.scheduleWithFixedDelay(this::compact, COMPACT_CHECK_SECONDS, COMPACT_CHECK_SECONDS, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::promoteDueMails, DUE_CHECK_MILLIS, DUE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public FileMailQueue createQueue(MailQueueName name, PrefetchCount count) {
        checkOpen();
        return queues.computeIfAbsent(name, this::newQueue);
    }

    @Override
    public Optional<FileMailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return Optional.ofNullable(queues.get(name));
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return ImmutableSet.copyOf(queues.keySet());
    }

    /**
     * Lets the queues hand their mail to consumers; until then they accept and store mail but deliver none
     * (see {@link DeliveryStart}). The server calls this once all its components are started. Calling it
     * again does nothing.
     */
    public void startDelivery() {
        if (deliveryStarted) {
            return;
        }
        deliveryStarted = true;
        long ready = queues.values().stream().mapToLong(FileMailQueue::getSize).sum();
        LOGGER.info("Mail queue {}: delivery started, {} mails queued", services.layout().root(), ready);
        queues.values().forEach(FileMailQueue::deliveryStarted);
    }

    /** fsync and fdatasync calls made so far by this factory's queues. */
    public SyncStatistics syncStatistics() {
        return statistics;
    }

    /** Compacts the oldest segment now if that frees space (the timer does it every few seconds). */
    void compactNow() throws IOException {
        journal.compact();
    }

    public Path queueDirectory() {
        return services.layout().root();
    }

    /**
     * Stops the timer and the dispatch threads and completes every consumer's subscription. Mails in
     * flight stay on disk and are delivered again by the next factory on this directory.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdownNow();
        queues.values().forEach(FileMailQueue::shutDown);
        dispatch.shutdown();
        journal.close();
    }

    /** A queue left by an earlier Postern in one file per message is appended to the log first. */
    private static void importLegacyQueue(QueueLayout layout, EnvelopeCodec codec, SyncStatistics statistics)
            throws IOException {
        LegacyQueueImport legacy = new LegacyQueueImport(layout, codec);
        if (!legacy.present()) {
            return;
        }
        try (QueueJournal journal = QueueJournal.open(layout.segmentsDirectory(), layout.corruptDirectory(), SEGMENT_LIMIT,
                statistics, QueueJournal.NO_HOOK)) {
            legacy.run(journal);
        }
    }

    private FileMailQueue newQueue(MailQueueName name) {
        try {
            // Without the directory an empty queue would not survive a restart.
            services.layout().createQueueDirectory(name);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create mail queue directory " + services.layout().queueDirectory(name), e);
        }
        return new FileMailQueue(name, envelopeStore(name), List.of(), services);
    }

    private EnvelopeStore envelopeStore(MailQueueName name) {
        return new EnvelopeStore(name, journal, services.codec());
    }

    private void compact() {
        try {
            journal.compact();
        } catch (IOException | RuntimeException e) {
            // A scheduled task that throws is never run again.
            LOGGER.error("Cannot compact the queue segments under {}", services.layout().segmentsDirectory(), e);
        }
    }

    private void promoteDueMails() {
        for (FileMailQueue queue : queues.values()) {
            try {
                queue.promoteDueMails();
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again; one bad queue must not stop the others.
                LOGGER.error("Cannot promote due mails of {}", queue, e);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Mail queue factory for " + services.layout().root() + " is closed");
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
