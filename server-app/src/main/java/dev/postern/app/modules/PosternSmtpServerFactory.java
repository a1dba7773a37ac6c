package dev.postern.app.modules;

import java.lang.reflect.Field;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.lib.handler.ProtocolHandlerLoader;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;
import org.apache.james.smtpserver.netty.SmtpMetrics;

import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * James's SMTP server factory, whose listeners that require a PROXY header (the smtpd behind
 * postscreen, {@code smtpd_upstream_proxy_protocol = haproxy}) greet and run their connect
 * handlers only once the header has told them who the client is ({@link ProxyFirstSmtpHandler}).
 */
public class PosternSmtpServerFactory extends SMTPServerFactory {
    @Inject
    public PosternSmtpServerFactory(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem,
                                    MetricFactory metricFactory) {
        super(dns, loader, fileSystem, metricFactory);
    }

    @Override
    protected SMTPServer createServer() {
        return new ProxyFirstSmtpServer(smtpMetrics);
    }

    /** An SMTP server whose core handler waits for the PROXY header when one is required. */
    static final class ProxyFirstSmtpServer extends SMTPServer {
        private final SmtpMetrics metrics;

        ProxyFirstSmtpServer(SmtpMetrics metrics) {
            super(metrics);
            this.metrics = metrics;
        }

        @Override
        protected ChannelInboundHandlerAdapter createCoreHandler() {
            ChannelInboundHandlerAdapter core = super.createCoreHandler();
            if (!proxyRequired) {
                return core;
            }
            return new ProxyFirstSmtpHandler(protocol(core), getEncryption(), metrics);
        }

        /**
         * The protocol James's own handler was made with: SMTPServer keeps it private, and the
         * handler is the one place it is handed out.
         */
        private static Protocol protocol(ChannelInboundHandlerAdapter core) {
            try {
                Field field = BasicChannelInboundHandler.class.getDeclaredField("protocol");
                field.setAccessible(true);
                return (Protocol) field.get(core);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("James's SMTP handler has no protocol field to wait for the PROXY"
                    + " header with (James version changed?)", e);
            }
        }
    }
}
