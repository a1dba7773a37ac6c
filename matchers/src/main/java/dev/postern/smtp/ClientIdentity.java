package dev.postern.smtp;

import java.util.Objects;
import java.util.function.Consumer;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;

import dev.postern.dns.ClientHostname;
import dev.postern.dns.ClientHostnameResolver;

/**
 * The client as Postfix names it in logs and headers, {@code NAME[IP]}: NAME is the host name
 * its address maps back to (PTR, forward-confirmed), or {@code unknown}. Looked up once per
 * connection, by whichever handler asks first (the connect log line), and kept in the session
 * with the reverse name and lookup statuses the reject_unknown_* restrictions need.
 */
public final class ClientIdentity {
    private static final ProtocolSession.AttachmentKey<ClientHostname> KEY =
        ProtocolSession.AttachmentKey.of("dev.postern.clientHostname", ClientHostname.class);

    private final ClientHostnameResolver resolver;
    private final Consumer<String> warnings;

    /** @param warnings where Postfix's {@code hostname X does not resolve to address Y} lines go */
    public ClientIdentity(ClientHostnameResolver resolver, Consumer<String> warnings) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    /** {@code NAME[IP]}. */
    public String of(ProtocolSession session) {
        return name(session) + "[" + address(session) + "]";
    }

    public String name(ProtocolSession session) {
        return hostname(session).name();
    }

    public ClientHostname hostname(ProtocolSession session) {
        // Handlers of one session run one at a time, so two lookups for one connection cannot race.
        return session.getAttachment(KEY, State.Connection).orElseGet(() -> {
            ClientHostname hostname = resolver.resolve(session.getRemoteAddress().getAddress(), warnings);
            session.setAttachment(KEY, hostname, State.Connection);
            return hostname;
        });
    }

    /**
     * The name found earlier in this connection (the connect log line always looks it up), for
     * handlers that cannot look it up themselves; empty when no handler has yet.
     */
    public static java.util.Optional<String> knownName(ProtocolSession session) {
        return session.getAttachment(KEY, State.Connection).map(ClientHostname::name);
    }

    public static String address(ProtocolSession session) {
        return dev.postern.address.HostSyntax.canonicalAddress(session.getRemoteAddress().getAddress().getHostAddress());
    }
}
