package dev.postern.app.queue;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;

/**
 * What every queue of a factory shares: the journal, the contents, the clock, the threads, and
 * whether delivery has started ({@link DeliveryStart}).
 */
record QueueServices(QueueLayout layout,
                     QueueJournal journal,
                     ContentStore content,
                     EnvelopeCodec codec,
                     IdGenerator ids,
                     Clock clock,
                     Executor dispatchExecutor,
                     MailQueueItemDecoratorFactory decorators,
                     Optional<MetricFactory> metrics,
                     Optional<GaugeRegistry> gauges,
                     BooleanSupplier deliveryStarted) {
}
