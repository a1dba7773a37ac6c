package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;

import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueFactoryContract;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.ManageableMailQueueFactoryContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMailQueueFactoryContractTest implements MailQueueFactoryContract<FileMailQueue>,
    ManageableMailQueueFactoryContract<FileMailQueue> {
    @TempDir
    Path directory;

    private FileMailQueueFactory factory;

    @BeforeEach
    void setUp() throws Exception {
        factory = new FileMailQueueFactory(directory, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        factory.close();
    }

    @Override
    public MailQueueFactory<FileMailQueue> getMailQueueFactory() {
        return factory;
    }

    /** The three ways James's Guice modules ask for a queue factory all accept this one instance. */
    @Test
    void bindsAsEveryMailQueueFactoryTypeJamesInjects() {
        MailQueueFactory<?> any = factory;
        MailQueueFactory<? extends MailQueue> queues = factory;
        MailQueueFactory<? extends ManageableMailQueue> manageable = factory;

        ManageableMailQueue queue = manageable.createQueue(MailQueueName.of("spool"));

        assertThat(queues.getQueue(MailQueueName.of("spool")).<MailQueue>map(q -> q)).containsSame(queue);
        assertThat(any.listCreatedMailQueues()).containsExactly(MailQueueName.of("spool"));
    }
}
