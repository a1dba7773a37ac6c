package dev.postern.smtpd.sasl;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Consumer;

import org.apache.james.protocols.smtp.SMTPSession;

/**
 * The server side of SMTP AUTH, chosen by {@code smtpd_sasl_type}: {@link PosternSasl} (Postern's
 * users) or {@link DovecotSasl} (Dovecot's auth service). The SMTP handler announces the mechanisms
 * that the security options allow and runs each AUTH command as an {@link SaslExchange}.
 */
public interface SaslServer {
    /** The mechanisms the server runs, in its order; a problem reaching it goes to {@code warnings}. */
    List<SaslMechanism> mechanisms(Consumer<String> warnings);

    /** Starts an AUTH with a mechanism the client was offered. */
    SaslExchange start(String mechanism, SaslClient client);

    /** The SMTP session that authenticates: its addresses and whether it is encrypted. */
    record SaslClient(SMTPSession session) {
        public InetSocketAddress remote() {
            return session.getRemoteAddress();
        }

        public InetSocketAddress local() {
            return session.getLocalAddress();
        }

        public boolean secured() {
            return session.isTLSStarted();
        }
    }
}
