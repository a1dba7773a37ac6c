package dev.postern.app.queue;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;

/**
 * What every queue of a factory shares: the content files, the writers, the clock, the threads, and
 * whether delivery has started ({@link DeliveryStart}).
 */
record QueueServices(QueueLayout layout,
                     ContentStore content,
                     DurableFileWriter writer,
                     DirectorySync.Factory syncs,
                     EnvelopeCodec codec,
                     IdGenerator ids,
                     Clock clock,
                     Executor dispatchExecutor,
                     MailQueueItemDecoratorFactory decorators,
                     Optional<MetricFactory> metrics,
                     Optional<GaugeRegistry> gauges,
                     BooleanSupplier deliveryStarted) {
}
