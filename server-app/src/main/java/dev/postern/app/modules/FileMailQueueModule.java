package dev.postern.app.modules;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;

import dev.postern.app.PosternHome;
import dev.postern.app.queue.DeliveryStart;
import dev.postern.app.queue.FileMailQueueFactory;
import dev.postern.log.MailLog;

/**
 * James's mail queues backed by Postern's durable file queue in {@code var/queue/}: one
 * factory serves the three keys under which James's components ask for it. A message that has left
 * the queue completely is logged as Postfix's qmgr does: {@code QID: removed}. The queues hand out
 * no mail until the launcher starts delivery through {@link DeliveryStartProbe}, once the whole
 * server is up: mail recovered at start is not looked at before the users and domains are ready.
 */
public class FileMailQueueModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), GuiceProbe.class).addBinding().to(DeliveryStartProbe.class);
    }

    @Provides
    @Singleton
    FileMailQueueFactory fileMailQueueFactory(PosternHome home, MetricFactory metrics, GaugeRegistry gauges,
                                              MailQueueItemDecoratorFactory decorators, Clock clock, MailLog mailLog) {
        try {
            return new FileMailQueueFactory(home.var().resolve("queue"), metrics, gauges, decorators, clock,
                queueId -> mailLog.log("qmgr", queueId, "removed"), DeliveryStart.WHEN_SERVER_STARTED);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the mail queue in " + home.var().resolve("queue") + ": "
                + e.getMessage(), e);
        }
    }

    @Provides
    @Singleton
    MailQueueFactory<?> anyQueues(FileMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> queues(FileMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableQueues(FileMailQueueFactory factory) {
        return factory;
    }
}
