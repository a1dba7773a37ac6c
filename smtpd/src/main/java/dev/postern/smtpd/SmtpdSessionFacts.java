package dev.postern.smtpd;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLSession;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.postern.address.HostSyntax;
import dev.postern.restrictions.SessionFacts;

/**
 * What a policy service request says of the session beyond the restrictions' state: protocol,
 * ports, the server address, queue ID, TLS, the SASL mechanism and MAIL FROM AUTH=, and the {@code instance} that stays the same for
 * every request about one message.
 */
final class SmtpdSessionFacts {
    private static final ProtocolSession.AttachmentKey<String> INSTANCE =
        ProtocolSession.AttachmentKey.of("dev.postern.policyInstance", String.class);
    /**
     * Where James's SIZE extension keeps the MAIL FROM SIZE= value (an equal key reads it: keys
     * compare by name).
     */
    private static final ProtocolSession.AttachmentKey<Integer> DECLARED_SIZE =
        ProtocolSession.AttachmentKey.of("MESG_SIZE", Integer.class);
    private static final ProtocolSession.AttachmentKey<AtomicInteger> TRANSACTIONS =
        ProtocolSession.AttachmentKey.of("dev.postern.policyTransactions", AtomicInteger.class);

    private SmtpdSessionFacts() {
    }

    static SessionFacts of(SMTPSession session) {
        InetSocketAddress remote = session.getRemoteAddress();
        InetSocketAddress local = session.getLocalAddress();
        Optional<SSLSession> tls = session.isTLSStarted() ? session.getSSLSession() : Optional.empty();
        return new SessionFacts(SmtpdLogger.protocol(session), remote == null ? 0 : remote.getPort(),
            local == null ? "" : HostSyntax.canonicalAddress(local.getAddress().getHostAddress()),
            local == null ? 0 : local.getPort(), SessionQueueId.get(session).orElse(""), instance(session),
            session.getAttachment(DECLARED_SIZE, State.Transaction).orElse(0),
            PosternAuthCmdHandler.method(session).orElse(""), PosternAuthCmdHandler.mailAuth(session).orElse(""),
            tls.map(SSLSession::getProtocol).orElse(""), tls.map(SSLSession::getCipherSuite).orElse(""),
            tls.map(s -> keySize(s.getCipherSuite())).orElse(0));
    }

    /**
     * Like Postfix's {@code pid.seconds.microseconds.sequence}: kept with the transaction, so RSET
     * and the end of a message start a new one.
     */
    private static String instance(SMTPSession session) {
        Optional<String> known = session.getAttachment(INSTANCE, State.Transaction);
        if (known.isPresent()) {
            return known.get();
        }
        AtomicInteger transactions = session.getAttachment(TRANSACTIONS, State.Connection).orElseGet(() -> {
            AtomicInteger counter = new AtomicInteger();
            session.setAttachment(TRANSACTIONS, counter, State.Connection);
            return counter;
        });
        Instant now = Instant.now();
        String instance = Long.toHexString(ProcessHandle.current().pid()) + "." + Long.toHexString(now.getEpochSecond())
            + "." + Long.toHexString(now.getNano() / 1000) + "." + Integer.toHexString(transactions.getAndIncrement());
        session.setAttachment(INSTANCE, instance, State.Transaction);
        return instance;
    }

    /** The symmetric key size the cipher suite's name tells. */
    private static int keySize(String cipherSuite) {
        String name = cipherSuite.toUpperCase(Locale.ROOT);
        if (name.contains("CHACHA20") || name.contains("_256")) {
            return 256;
        }
        if (name.contains("_128")) {
            return 128;
        }
        return 0;
    }
}
