package dev.postern.app.queue;

import java.nio.file.Path;
import java.time.Clock;

import org.apache.james.queue.api.DelayedManageableMailQueueContract;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueMetricContract;
import org.apache.james.queue.api.MailQueueMetricExtension;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** James's own contracts for a delayed, manageable queue with metrics, run against the file queue. */
class FileMailQueueContractTest implements DelayedManageableMailQueueContract, MailQueueMetricContract {
    @TempDir
    Path directory;

    private FileMailQueueFactory factory;
    private FileMailQueue queue;

    @BeforeEach
    void setUp(MailQueueMetricExtension.MailQueueMetricTestSystem metrics) throws Exception {
        factory = new FileMailQueueFactory(directory, metrics.getMetricFactory(), metrics.getSpyGaugeRegistry(),
            new RawMailQueueItemDecoratorFactory(), Clock.systemUTC());
        queue = factory.createQueue(MailQueueName.of("spool"));
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    @Override
    public MailQueue getMailQueue() {
        return queue;
    }

    @Override
    public ManageableMailQueue getManageableMailQueue() {
        return queue;
    }
}
