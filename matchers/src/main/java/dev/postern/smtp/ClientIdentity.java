package dev.postern.smtp;

import java.net.InetAddress;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;

/**
 * The client as Postfix names it in logs and headers, {@code NAME[IP]}: NAME is the
 * host name its address maps back to, or {@code unknown}. Looked up once per connection.
 */
public final class ClientIdentity {
    private static final ProtocolSession.AttachmentKey<String> KEY =
        ProtocolSession.AttachmentKey.of("dev.postern.clientName", String.class);

    private ClientIdentity() {
    }

    /** {@code NAME[IP]}. */
    public static String of(ProtocolSession session) {
        return name(session) + "[" + address(session) + "]";
    }

    public static String name(ProtocolSession session) {
        return session.getAttachment(KEY, State.Connection).orElseGet(() -> {
            String name = lookup(session.getRemoteAddress().getAddress());
            session.setAttachment(KEY, name, State.Connection);
            return name;
        });
    }

    public static String address(ProtocolSession session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }

    private static String lookup(InetAddress address) {
        String name = address.getCanonicalHostName();
        return name.equals(address.getHostAddress()) ? "unknown" : name;
    }
}
