package dev.postern.smtp;

import java.lang.reflect.Proxy;
import java.util.Optional;

import org.apache.james.protocols.smtp.SMTPSession;

/** SMTP sessions for unit tests of hooks: no attachments, no listener (main.cf applies). */
final class FakeSessions {
    private FakeSessions() {
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
