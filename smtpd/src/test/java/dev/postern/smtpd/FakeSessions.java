package dev.postern.smtpd;

import java.lang.reflect.Proxy;
import java.util.Optional;

import org.apache.james.protocols.smtp.SMTPSession;

/** SMTP sessions for unit tests of hooks: no attachments, no listener (main.cf applies). */
final class FakeSessions {
    private FakeSessions() {
    }

    /** A session that keeps the attachments it is given (whatever their state); other getters answer null. */
    static SMTPSession withAttachments() {
        return withClient(null);
    }

    /**
     * A session that keeps the attachments it is given (whatever their state), with a client at
     * {@code remote} and on no listener (main.cf applies); other getters answer null or false.
     */
    static SMTPSession withClient(java.net.InetSocketAddress remote) {
        return session(remote, null);
    }

    /** A session that keeps the attachments it is given, on the listener bound to {@code localPort}. */
    static SMTPSession onListener(int localPort) {
        return session(null, new java.net.InetSocketAddress("127.0.0.1", localPort));
    }

    private static SMTPSession session(java.net.InetSocketAddress remote, java.net.InetSocketAddress local) {
        java.util.Map<Object, Object> attachments = new java.util.HashMap<>();
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getAttachment":
                        return Optional.ofNullable(attachments.get(args[0]));
                    case "setAttachment":
                        return Optional.ofNullable(attachments.put(args[0], args[1]));
                    case "removeAttachment":
                        return Optional.ofNullable(attachments.remove(args[0]));
                    case "getRemoteAddress":
                        return remote;
                    case "getLocalAddress":
                        return local;
                    case "toString":
                        return "FakeSessions.withAttachments()";
                    default:
                        return method.getReturnType() == boolean.class ? false : null;
                }
            });
    }

    /** A session whose attachments are all absent and whose other getters answer null. */
    static SMTPSession empty() {
        return (SMTPSession) Proxy.newProxyInstance(SMTPSession.class.getClassLoader(), new Class<?>[] {SMTPSession.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getAttachment")) {
                    return Optional.empty();
                }
                if (method.getName().equals("toString")) {
                    return "FakeSessions.empty()";
                }
                if (method.getReturnType() == boolean.class) {
                    return false;
                }
                return null;
            });
    }
}
