package dev.postern.delivery.smtp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.net.ssl.SSLSocketFactory;

import org.apache.james.core.MailAddress;

import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.smtp.SaslPasswords.Credentials;
import dev.postern.queue.MailAttributes;
import dev.postern.tables.LookupException;

/**
 * Delivers one mail's recipients to the servers of a destination, in order, as Postfix's smtp
 * client does: a server that cannot be reached, refuses to talk, or loses the connection passes
 * the recipients it did not answer to the next server; only when the last one fails are they
 * deferred, with its reason. A reply about a recipient (2xx, 4xx, 5xx) is final. Sessions come
 * from and go back to the connection cache. Shared by the smtp and lmtp couriers.
 */
final class HostWalker {
    private final ClientSettings settings;
    private final SmtpClientSession.Mode mode;
    private final Optional<SSLSocketFactory> tls;
    private final SaslPasswords passwords;
    private final SessionCache cache;
    private final Watchdog watchdog;
    private final Clock clock;
    /** MTA-STS: sessions at another TLS level are cached apart; the observer counts sessions for TLS reports. */
    private final String cacheKeyPrefix;
    private final SessionObserver observer;

    HostWalker(ClientSettings settings, SmtpClientSession.Mode mode, Optional<SSLSocketFactory> tls, SaslPasswords passwords,
               SessionCache cache, Watchdog watchdog, Clock clock) {
        this(settings, mode, tls, passwords, cache, watchdog, clock, "", SessionObserver.NONE);
    }

    private HostWalker(ClientSettings settings, SmtpClientSession.Mode mode, Optional<SSLSocketFactory> tls,
                       SaslPasswords passwords, SessionCache cache, Watchdog watchdog, Clock clock, String cacheKeyPrefix,
                       SessionObserver observer) {
        this.cacheKeyPrefix = cacheKeyPrefix;
        this.observer = observer;
        this.settings = settings;
        this.mode = mode;
        this.tls = tls;
        this.passwords = passwords;
        this.cache = cache;
        this.watchdog = watchdog;
        this.clock = clock;
    }

    /**
     * This walker at another TLS level with another socket factory (MTA-STS), sharing the
     * connection cache under keys of its own.
     */
    HostWalker withTls(TlsLevel level, SSLSocketFactory factory, String keyPrefix, SessionObserver sessionObserver) {
        return new HostWalker(settings.withTlsLevel(level), mode, Optional.of(factory), passwords, cache, watchdog, clock,
            keyPrefix, sessionObserver);
    }

    /** One result per recipient, in the order of {@code recipients}. */
    List<RecipientResult> deliver(Delivery delivery, List<MailAddress> recipients, List<Target> targets) {
        MessageContent content;
        try {
            content = MessageContent.of(delivery.mail().getMessage());
        } catch (IOException | MessagingException | RuntimeException e) {
            return all(recipients, Outcome.failure(false, "4.3.0", "cannot read message of queue file "
                + delivery.queueId() + ": " + e.getMessage()), "none");
        }
        Transaction transaction = new Transaction(delivery.mail().getMaybeSender(), recipients, delivery.mail().dsnParameters(),
            MailAttributes.isProbe(delivery.mail()));
        Map<MailAddress, RecipientResult> results = new HashMap<>();
        List<MailAddress> pending = new ArrayList<>(recipients);
        SessionException last = null;
        Target lastTarget = null;
        for (Target target : targets) {
            if (pending.isEmpty()) {
                break;
            }
            Optional<Credentials> credentials;
            try {
                credentials = credentials(delivery, target);
            } catch (LookupException e) {
                last = new SessionException(Outcome.failure(false, "4.3.0", "smtp_sasl_password_maps lookup error for "
                    + target.peer() + ": " + e.getMessage()), false);
                break;
            }
            String key = cacheKeyPrefix + target.relay() + credentials.map(c -> " " + c.username()).orElse("");
            SmtpClientSession session;
            try {
                session = obtain(target, key, credentials);
                observer.opened(target);
            } catch (SessionException e) {
                observer.failed(target, e.outcome());
                last = e;
                lastTarget = target;
                continue;
            }
            Instant connected = clock.instant();
            Map<MailAddress, Outcome> answered = new LinkedHashMap<>();
            try {
                session.send(transaction.withRecipients(pending), content, answered);
                cache.put(key, session);
            } catch (SessionException e) {
                session.close();
                last = e;
                lastTarget = target;
            }
            for (Map.Entry<MailAddress, Outcome> entry : answered.entrySet()) {
                results.put(entry.getKey(), entry.getValue().toResult(entry.getKey(), target.relay(), connected));
            }
            pending.removeAll(answered.keySet());
        }
        if (!pending.isEmpty()) {
            Outcome outcome = last == null
                ? Outcome.failure(false, "4.4.1", "no server to deliver to")
                : last.outcome().asDeferral();
            String relay = last != null && last.reachedServer() && lastTarget != null ? lastTarget.relay() : "none";
            Instant now = clock.instant();
            for (MailAddress recipient : pending) {
                results.put(recipient, outcome.toResult(recipient, relay, now));
            }
        }
        return recipients.stream().map(results::get).toList();
    }

    /** The same outcome for every recipient, before any server was reached. */
    List<RecipientResult> all(List<MailAddress> recipients, Outcome outcome, String relay) {
        Instant now = clock.instant();
        return recipients.stream().map(r -> outcome.toResult(r, relay, now)).toList();
    }

    private Optional<Credentials> credentials(Delivery delivery, Target target) throws LookupException {
        if (mode != SmtpClientSession.Mode.SMTP || !settings.saslEnabled() || passwords.isEmpty()) {
            return Optional.empty();
        }
        return passwords.find(delivery.mail().getMaybeSender(), target.hostname(), target.hop());
    }

    /** A cached session that still answers RSET, or a new one. */
    private SmtpClientSession obtain(Target target, String key, Optional<Credentials> credentials) throws SessionException {
        Optional<SmtpClientSession> cached;
        while ((cached = cache.take(key)).isPresent()) {
            if (cached.get().reset()) {
                return cached.get();
            }
            cached.get().close();
        }
        try {
            return SmtpClientSession.open(connect(target), target, settings, mode, tls, credentials);
        } catch (SmtpClientSession.TlsHandshakeException e) {
            // Level "may": a server whose TLS is broken still gets the mail, in plain text.
            return SmtpClientSession.open(connect(target), target, settings, mode, Optional.empty(), credentials);
        }
    }

    private Connection connect(Target target) throws SessionException {
        try {
            if (target.socketPath().isPresent()) {
                UnixConnection connection = UnixConnection.connect(Path.of(target.socketPath().get()));
                connection.setWriteTimeout(settings.dataXferTimeout());
                return connection;
            }
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(target.address()), target.port());
            return TcpConnection.connect(address, settings.connectTimeout(), watchdog, settings.dataXferTimeout());
        } catch (IOException e) {
            String where = target.socketPath().isPresent() ? target.address() : target.relay();
            throw new SessionException(Outcome.failure(false, "4.4.1", "connect to " + where + ": " + why(e)), false);
        }
    }

    private static String why(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return "Connection timed out";
        }
        if (e instanceof NoRouteToHostException) {
            return "No route to host";
        }
        if (e instanceof ConnectException && e.getMessage() != null && e.getMessage().startsWith("Connection refused")) {
            return "Connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
