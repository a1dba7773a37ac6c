package dev.postern.smtpd;

import java.util.Objects;
import java.util.function.Consumer;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;

import dev.postern.address.HostSyntax;
import dev.postern.dns.ClientHostname;
import dev.postern.dns.ClientHostnameResolver;

/**
 * The client as Postfix names it in logs and headers, {@code NAME[IP]}: NAME is the host name
 * its address maps back to (PTR, forward-confirmed), or {@code unknown}. Looked up once per
 * connection, by {@link SmtpdLogger} when the client connects (an instance of this class
 * holds the listener's DNS), and kept in the session with the reverse name and the lookup
 * statuses the reject_unknown_* restrictions need; every other handler reads it with the
 * static methods.
 */
public final class ClientIdentity {
    private static final ProtocolSession.AttachmentKey<ClientHostname> KEY =
        ProtocolSession.AttachmentKey.of("dev.postern.clientHostname", ClientHostname.class);
    /**
     * Before the lookup (a handler chain without {@link SmtpdLogger}): no name, and a temporary
     * status, so that reject_unknown_client_hostname defers rather than rejects.
     */
    private static final ClientHostname NOT_LOOKED_UP = ClientHostname.unknown(ClientHostname.Status.TEMPORARY);

    private final ClientHostnameResolver resolver;

    public ClientIdentity(ClientHostnameResolver resolver) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /**
     * Looks the client's name up unless this connection already has it.
     *
     * @param warnings where Postfix's {@code hostname X does not resolve to address Y} lines go
     */
    public ClientHostname resolve(ProtocolSession session, Consumer<String> warnings) {
        // Handlers of one session run one at a time, so two lookups for one connection cannot race.
        return session.getAttachment(KEY, State.Connection).orElseGet(() -> {
            ClientHostname hostname = resolver.resolve(session.getRemoteAddress().getAddress(), warnings);
            session.setAttachment(KEY, hostname, State.Connection);
            return hostname;
        });
    }

    /** {@code NAME[IP]}. */
    public static String of(ProtocolSession session) {
        return name(session) + "[" + address(session) + "]";
    }

    public static String name(ProtocolSession session) {
        return hostname(session).name();
    }

    /** The names and lookup statuses found at connect. */
    public static ClientHostname hostname(ProtocolSession session) {
        return session.getAttachment(KEY, State.Connection).orElse(NOT_LOOKED_UP);
    }

    public static String address(ProtocolSession session) {
        return HostSyntax.canonicalAddress(session.getRemoteAddress().getAddress().getHostAddress());
    }
}
