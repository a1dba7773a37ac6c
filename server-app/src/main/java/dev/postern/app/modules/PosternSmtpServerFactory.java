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
import io.netty.util.concurrent.EventExecutorGroup;

/**
 * James's SMTP server factory, whose listeners that require a PROXY header (the smtpd behind
 * postscreen, {@code smtpd_upstream_proxy_protocol = haproxy}) greet and run their connect
 * handlers only once the header has told them who the client is ({@link ProxyFirstSmtpHandler}),
 * whose handlers keep no logging context ({@link NoMdcContext}), and whose line framer runs on the
 * connection's own event loop (see {@link PosternSmtpServer#getExecutorGroup()}).
 */
public class PosternSmtpServerFactory extends SMTPServerFactory {
    @Inject
    public PosternSmtpServerFactory(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem,
                                    MetricFactory metricFactory) {
        super(dns, loader, fileSystem, metricFactory);
    }

    @Override
    protected SMTPServer createServer() {
        return new PosternSmtpServer(smtpMetrics);
    }

    /**
     * An SMTP server whose core handler waits for the PROXY header when one is required, and
     * keeps no logging context.
     */
    static final class PosternSmtpServer extends SMTPServer {
        /**
         * The system property that puts James's line framer back on its executor threads
         * ({@code true}), for measuring what running it on the event loop buys.
         */
        static final String FRAMER_EXECUTOR = "postern.smtpd.framer_executor";

        private final SmtpMetrics metrics;
        private final boolean framerOnExecutor = Boolean.getBoolean(FRAMER_EXECUTOR);

        PosternSmtpServer(SmtpMetrics metrics) {
            super(metrics);
            this.metrics = metrics;
        }

        /**
         * No executor group for the pipeline: James 3.8.1 runs only its line framer on the executor
         * threads ({@code maxExecutorCount}) and everything after it, the command handlers included,
         * on the connection's event loop, so every read crossed from the event loop to an executor
         * thread and back: two thread wake-ups per SMTP command and nothing gained, since the
         * handlers that may block run on the event loop anyway. With none, Netty runs the framer on
         * the event loop as well.
         */
        @Override
        protected EventExecutorGroup getExecutorGroup() {
            return framerOnExecutor ? super.getExecutorGroup() : null;
        }

        @Override
        protected ChannelInboundHandlerAdapter createCoreHandler() {
            ChannelInboundHandlerAdapter core = super.createCoreHandler();
            if (proxyRequired) {
                core = new ProxyFirstSmtpHandler((Protocol) field(core, "protocol"), getEncryption(), metrics);
            }
            setField(core, "mdcContextFactory", new NoMdcContext());
            return core;
        }

        /**
         * A field of James's own handler, which it keeps private: the protocol it was made with
         * (SMTPServer hands it out nowhere else) and its logging context factory.
         */
        private static Object field(ChannelInboundHandlerAdapter core, String name) {
            try {
                return handlerField(name).get(core);
            } catch (ReflectiveOperationException e) {
                throw missing(name, e);
            }
        }

        private static void setField(ChannelInboundHandlerAdapter core, String name, Object value) {
            try {
                handlerField(name).set(core, value);
            } catch (ReflectiveOperationException e) {
                throw missing(name, e);
            }
        }

        private static Field handlerField(String name) throws NoSuchFieldException {
            Field field = BasicChannelInboundHandler.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        }

        private static IllegalStateException missing(String name, ReflectiveOperationException e) {
            return new IllegalStateException("James's SMTP handler has no field " + name + " (James version changed?)", e);
        }
    }
}
