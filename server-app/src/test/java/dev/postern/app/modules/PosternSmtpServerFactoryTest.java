package dev.postern.app.modules;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.metrics.api.Metric;
import org.apache.james.smtpserver.netty.SmtpMetrics;
import org.junit.jupiter.api.Test;

class PosternSmtpServerFactoryTest {
    /** Counters nobody reads: the server only keeps them for its handlers. */
    private static final SmtpMetrics METRICS = new SmtpMetrics() {
        @Override
        public Metric getConnectionMetric() {
            return null;
        }

        @Override
        public Metric getCommandsMetric() {
            return null;
        }
    };

    @Test
    void theLineFramerRunsOnTheConnectionsEventLoop() {
        // no executor group: Netty then runs every handler, James's framer included, on the channel's event loop
        assertThat(new PosternSmtpServerFactory.PosternSmtpServer(METRICS).getExecutorGroup()).isNull();
    }
}
