package dev.postern.app.modules;

import java.net.InetSocketAddress;

import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProxyInformation;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.smtpserver.netty.SMTPChannelInboundHandler;
import org.apache.james.smtpserver.netty.SmtpMetrics;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.haproxy.HAProxyMessage;

/**
 * James's SMTP connection handler for a listener that requires a PROXY header, made to wait for
 * it: James 3.8.1 greets and runs its connect handlers when the TCP connection opens, before the
 * header, so Postern's connect log line, anvil counts and client restrictions would see the proxy
 * (postscreen's loopback relay: mynetworks) instead of the client. Here the session starts when the
 * header arrives, already carrying the client's address. One per connection, as James makes them.
 */
final class ProxyFirstSmtpHandler extends SMTPChannelInboundHandler {
    private ProxyInformation proxy;
    private boolean started;

    ProxyFirstSmtpHandler(Protocol protocol, Encryption encryption, SmtpMetrics metrics) {
        super(protocol, encryption, true, metrics);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        // nothing until the PROXY header: no greeting, no connect handlers
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
        if (!started && message instanceof HAProxyMessage header) {
            if (header.sourceAddress() != null) {
                proxy = new ProxyInformation(new InetSocketAddress(header.sourceAddress(), header.sourcePort()),
                    new InetSocketAddress(header.destinationAddress(), header.destinationPort()));
            }
            started = true;
            super.channelActive(context);
        }
        super.channelRead(context, message);
    }

    @Override
    protected ProtocolSession createSession(ChannelHandlerContext context) {
        ProtocolSession session = super.createSession(context);
        if (proxy != null) {
            session.setProxyInformation(proxy);
        }
        return session;
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        if (started) {
            super.channelInactive(context);
        } else {
            context.fireChannelInactive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) throws Exception {
        if (started) {
            super.exceptionCaught(context, cause);
        } else {
            // a malformed or missing header: there is no session to answer in, only a connection to close
            context.close();
        }
    }
}
