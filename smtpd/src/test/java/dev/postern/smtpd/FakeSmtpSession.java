package dev.postern.smtpd;

import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;

/**
 * An SMTP session for unit tests of hooks, in place of a running server: a client address, the
 * listener's port and host name, TLS and login as set, and attachments kept per state, so that
 * {@link #resetTransaction} forgets the transaction's as James's RSET and end of DATA do. Other
 * getters answer null, false or 0.
 */
@SuppressWarnings("unchecked")
final class FakeSmtpSession {
    private InetSocketAddress remote = new InetSocketAddress("192.0.2.10", 40000);
    private InetSocketAddress local = new InetSocketAddress("127.0.0.1", 25);
    private String helloName = "mx.example.com";
    private boolean tls;
    private boolean authAnnounced;
    private Username username;
    private boolean keepsAttachments = true;
    private final Map<ProtocolSession.State, Map<Object, Object>> attachments = new HashMap<>();
    private final Deque<LineHandler<SMTPSession>> lineHandlers = new ArrayDeque<>();
    private final SMTPSession session = (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(),
        new Class<?>[] {SMTPSession.class}, (proxy, method, args) -> switch (method.getName()) {
            case "getAttachment" -> Optional.ofNullable(state(args[1]).get(args[0]));
            case "setAttachment" -> keepsAttachments ? Optional.ofNullable(state(args[2]).put(args[0], args[1]))
                : Optional.empty();
            case "removeAttachment" -> Optional.ofNullable(state(args[1]).remove(args[0]));
            case "getRemoteAddress" -> remote;
            case "getLocalAddress" -> local;
            case "getConfiguration" -> configuration();
            case "isTLSStarted" -> tls;
            case "isAuthAnnounced" -> authAnnounced;
            case "getUsername" -> username;
            case "setUsername" -> {
                username = (Username) args[0];
                yield null;
            }
            case "pushLineHandler" -> {
                lineHandlers.push((LineHandler<SMTPSession>) args[0]);
                yield null;
            }
            case "popLineHandler" -> {
                lineHandlers.pop();
                yield null;
            }
            case "getSessionID" -> "fake";
            case "toString" -> "FakeSmtpSession[" + remote + " -> " + local + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> defaultValue(method.getReturnType());
        });

    static FakeSmtpSession client(String address) {
        FakeSmtpSession fake = new FakeSmtpSession();
        fake.remote = new InetSocketAddress(address, 40000);
        return fake;
    }

    /** A session with neither client nor listener address (main.cf's settings apply). */
    static FakeSmtpSession unaddressed() {
        FakeSmtpSession fake = new FakeSmtpSession();
        fake.remote = null;
        fake.local = null;
        return fake;
    }

    /** Attachments set on the session are dropped: every one reads as absent. */
    FakeSmtpSession forgettingAttachments() {
        keepsAttachments = false;
        return this;
    }

    /** The client's address. */
    FakeSmtpSession from(java.net.InetSocketAddress address) {
        remote = address;
        return this;
    }

    /** The listener the client connected to, by its port. */
    FakeSmtpSession onPort(int port) {
        local = new InetSocketAddress("127.0.0.1", port);
        return this;
    }

    FakeSmtpSession tls(boolean started) {
        tls = started;
        return this;
    }

    FakeSmtpSession authAnnounced(boolean announced) {
        authAnnounced = announced;
        return this;
    }

    FakeSmtpSession loggedInAs(String name) {
        username = Username.of(name);
        return this;
    }

    SMTPSession session() {
        return session;
    }

    /**
     * A line from the client: to the line handler a command pushed (an AUTH exchange waiting for
     * the client's next response), as James's server passes it.
     */
    Response line(String text) {
        if (lineHandlers.isEmpty()) {
            throw new IllegalStateException("no command waits for a line");
        }
        return lineHandlers.peek().onLine(session, (text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Forgets the transaction's attachments (sender, recipients, ...), as RSET does. */
    void resetTransaction() {
        attachments.remove(ProtocolSession.State.Transaction);
    }

    private Map<Object, Object> state(Object state) {
        return attachments.computeIfAbsent((ProtocolSession.State) state, s -> new HashMap<>());
    }

    private SMTPConfiguration configuration() {
        return (SMTPConfiguration) Proxy.newProxyInstance(SMTPConfiguration.class.getClassLoader(),
            new Class<?>[] {SMTPConfiguration.class}, (proxy, method, args) ->
                method.getName().equals("getHelloName") ? helloName : defaultValue(method.getReturnType()));
    }

    private static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }
}
