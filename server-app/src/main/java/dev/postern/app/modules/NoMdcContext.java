package dev.postern.app.modules;

import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.apache.james.util.MDCBuilder;

import io.netty.channel.ChannelHandlerContext;

/**
 * No logging context for James's SMTP handler. James fills SLF4J's MDC with the session's
 * details (client address and name, HELO, sender, ...) around every command line it handles, and
 * resolves the client's host name for it at every connection, on the event loop; Postern's log
 * patterns print none of it (the mail log carries those details in Postfix's form), so it was 7 %
 * of the SMTP event loops' time for nothing, and a slow reverse lookup stalled every session on
 * the loop.
 */
final class NoMdcContext implements ProtocolMDCContextFactory {
    @Override
    public MDCBuilder onBound(Protocol protocol, ChannelHandlerContext ctx) {
        return MDCBuilder.create();
    }

    @Override
    public MDCBuilder withContext(ProtocolSession protocolSession) {
        return MDCBuilder.create();
    }
}
