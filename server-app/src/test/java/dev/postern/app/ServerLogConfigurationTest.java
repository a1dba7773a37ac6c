package dev.postern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;

/**
 * The server's conf/logback.xml as shipped: what it writes on the hot path of every SMTP connection.
 */
class ServerLogConfigurationTest {
    private static final Path LOGBACK_XML = Path.of("../conf/logback.xml");

    @TempDir
    Path var;

    @Test
    void jamesPerConnectionLinesAreNotWrittenButItsWarningsAndTheMailLogAre() throws JoranException {
        LoggerContext context = configured();
        try {
            assertThat(context.getLogger("org.apache.james.protocols.netty.BasicChannelInboundHandler").isInfoEnabled())
                .as("James's 'Connection established from' / 'Connection closed for' lines").isFalse();
            assertThat(context.getLogger("org.apache.james.protocols.netty.BasicChannelInboundHandler")
                .isEnabledFor(Level.WARN)).isTrue();
            assertThat(context.getLogger("org.apache.james.smtpserver.netty.SMTPServer").isInfoEnabled()).isTrue();
            assertThat(context.getLogger("postern.maillog").isInfoEnabled()).isTrue();
            assertThat(context.getLogger("dev.postern.app.queue.FileMailQueue").isInfoEnabled()).isTrue();
        } finally {
            context.stop();
        }
    }

    private LoggerContext configured() throws JoranException {
        LoggerContext context = new LoggerContext();
        context.putProperty("postern.var", var.toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(LOGBACK_XML.toFile());
        return context;
    }
}
