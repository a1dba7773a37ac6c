package dev.postern.app.queue;

import java.util.Optional;
import java.util.function.LongSupplier;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueName;

/**
 * The metrics James's own queues publish, under the same names, so that James's dashboards and
 * WebAdmin read Postern's queue like theirs. Without a metric factory (tests, tools) it does nothing.
 */
final class QueueMetrics {
    private final Optional<Metric> enqueued;
    private final Optional<Metric> dequeued;
    private final Optional<MetricFactory> factory;
    private final String timerName;

    private QueueMetrics(Optional<MetricFactory> factory, MailQueueName name) {
        this.factory = factory;
        this.enqueued = factory.map(f -> f.generate(MailQueue.ENQUEUED_METRIC_NAME_PREFIX + name.asString()));
        this.dequeued = factory.map(f -> f.generate(MailQueue.DEQUEUED_METRIC_NAME_PREFIX + name.asString()));
        this.timerName = MailQueue.ENQUEUED_TIMER_METRIC_NAME_PREFIX + name.asString();
    }

    static QueueMetrics register(MailQueueName name, Optional<MetricFactory> factory, Optional<GaugeRegistry> gauges,
                                 LongSupplier size) {
        gauges.ifPresent(registry -> registry.register(MailQueue.QUEUE_SIZE_METRIC_NAME_PREFIX + name.asString(),
            size::getAsLong));
        return new QueueMetrics(factory, name);
    }

    /** Call {@link Runnable#run()} when the enqueue is over. */
    Runnable startEnqueueTimer() {
        Optional<TimeMetric> timer = factory.map(f -> f.timer(timerName));
        return () -> timer.ifPresent(TimeMetric::stopAndPublish);
    }

    void enqueued() {
        enqueued.ifPresent(Metric::increment);
    }

    void dequeued() {
        dequeued.ifPresent(Metric::increment);
    }
}
