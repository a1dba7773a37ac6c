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
import java.util.function.Function;

import javax.mail.MessagingException;
import javax.net.ssl.X509TrustManager;

import org.apache.james.core.MailAddress;

import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.smtp.SaslPasswords.Credentials;
import dev.postern.delivery.smtp.dane.DaneResolver;
import dev.postern.delivery.smtp.dane.DaneVerdict;
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
    private final Optional<TlsClient> tls;
    private final SaslPasswords passwords;
    private final SessionCache cache;
    private final Watchdog watchdog;
    private final Clock clock;
    /**
     * DANE's TLSA lookups (smtp_dns_support_level = dnssec), for the servers of destinations whose
     * effective policy is dane or dane-only.
     */
    private final Optional<DaneResolver> dane;
    /**
     * MTA-STS, in a walker made by {@link #withSts}: the level its policy sets, and the trust
     * manager that judges each MX host's certificate by it (and notes the verdict for TLS reports).
     */
    private final Optional<TlsLevel> stsLevel;
    private final Function<Target, X509TrustManager> stsTrust;
    /** MTA-STS: its sessions are cached apart; the observer counts sessions for TLS reports. */
    private final String cacheKeyPrefix;
    private final SessionObserver observer;

    HostWalker(ClientSettings settings, SmtpClientSession.Mode mode, Optional<TlsClient> tls, SaslPasswords passwords,
               SessionCache cache, Watchdog watchdog, Clock clock) {
        this(settings, mode, tls, passwords, cache, watchdog, clock, Optional.empty());
    }

    HostWalker(ClientSettings settings, SmtpClientSession.Mode mode, Optional<TlsClient> tls, SaslPasswords passwords,
               SessionCache cache, Watchdog watchdog, Clock clock, Optional<DaneResolver> dane) {
        this(settings, mode, tls, passwords, cache, watchdog, clock, dane, Optional.empty(), target -> null, "",
            SessionObserver.NONE);
    }

    private HostWalker(ClientSettings settings, SmtpClientSession.Mode mode, Optional<TlsClient> tls,
                       SaslPasswords passwords, SessionCache cache, Watchdog watchdog, Clock clock,
                       Optional<DaneResolver> dane, Optional<TlsLevel> stsLevel, Function<Target, X509TrustManager> stsTrust,
                       String cacheKeyPrefix, SessionObserver observer) {
        this.dane = dane;
        this.stsLevel = stsLevel;
        this.stsTrust = stsTrust;
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
     * This walker under an MTA-STS policy: each server's effective policy raised to {@code level}
     * (verify: the MX host name must match, as RFC 8461 4.1 asks), its chain judged by
     * {@code trust} through ServerCertificate as at every level, sharing the connection cache
     * under keys of its own. A server DANE authenticates is left to DANE (RFC 8461 2).
     */
    HostWalker withSts(TlsLevel level, Function<Target, X509TrustManager> trust, String keyPrefix,
                       SessionObserver sessionObserver) {
        return new HostWalker(settings, mode, tls, passwords, cache, watchdog, clock, dane, Optional.of(level), trust,
            keyPrefix, sessionObserver);
    }

    /**
     * The level of the effective TLS policy of {@code target}'s next hop (smtp_tls_policy_maps,
     * else smtp_tls_security_level); empty when it cannot be had (the delivery then fails on it).
     */
    Optional<TlsLevel> policyLevel(Target target) {
        if (tls.isEmpty()) {
            return Optional.of(TlsLevel.NONE);
        }
        try {
            return Optional.of(tls.get().forTarget(target, target.port()).policy().level());
        } catch (LookupException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Whether DANE authenticates a server of {@code targets}: usable DNSSEC-validated TLSA records at a dane level. */
    boolean daneAuthenticates(List<Target> targets) {
        if (dane.isEmpty()) {
            return false;
        }
        for (Target target : targets) {
            Optional<TlsLevel> level = policyLevel(target);
            if (level.isEmpty() || (level.get() != TlsLevel.DANE && level.get() != TlsLevel.DANE_ONLY)) {
                continue;
            }
            NextHop hop = NextHop.parse(target.hop(), target.port());
            if (dane.get().verdict(hop.host(), hop.mxLookup(), target.hostname(), target.address(), target.port(),
                target.relay()).kind() == DaneVerdict.Kind.AUTHENTICATE) {
                return true;
            }
        }
        return false;
    }

    /** The MTA-STS policy's level and trust on one connection, unless DANE authenticates it. */
    private SmtpClientSession.Tls withSts(SmtpClientSession.Tls targetTls, Target target) {
        if (stsLevel.isEmpty() || targetTls.daneAuthenticated()) {
            return targetTls;
        }
        TlsPolicy policy = targetTls.policy().withLevel(stsLevel.get());
        if (stsLevel.get() == TlsLevel.VERIFY) {
            policy = policy.withMatch(List.of("hostname"));
        }
        return targetTls.withPolicy(policy).withTrust(stsTrust.apply(target));
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
            Optional<SmtpClientSession.Tls> targetTls;
            try {
                targetTls = tls.isEmpty() ? Optional.empty() : Optional.of(tls.get().forTarget(target, target.port()));
            } catch (LookupException e) {
                last = new SessionException(Outcome.failure(false, "4.3.0", e.getMessage()), false);
                break;
            } catch (IllegalArgumentException e) {
                last = new SessionException(Outcome.failure(false, "4.7.5", "invalid TLS policy for " + target.hop() + ": "
                    + e.getMessage()), false);
                break;
            }
            if (dane.isEmpty()) {
                // Without DNSSEC, Postfix's dane is opportunistic TLS, and dane-only defers.
                targetTls = targetTls.map(t -> t.policy().level() == TlsLevel.DANE
                    ? t.withPolicy(t.policy().withLevel(TlsLevel.MAY)) : t);
                Optional<String> unsupported = targetTls.flatMap(t -> t.policy().level().deferralReason());
                if (unsupported.isPresent()) {
                    last = new SessionException(Outcome.failure(false, "4.7.5", unsupported.get()), false);
                    break;
                }
            }
            try {
                targetTls = targetTls.isEmpty() ? targetTls : Optional.of(withDane(targetTls.get(), target));
            } catch (SessionException e) {
                // This server's TLSA records could not be had or it has none at dane-only: the next may.
                last = e;
                lastTarget = target;
                continue;
            }
            targetTls = targetTls.map(t -> withSts(t, target));
            // As Postfix's connection cache: a session is reused only under the same TLS policy.
            String key = cacheKeyPrefix + target.relay() + credentials.map(c -> " " + c.username()).orElse("")
                + targetTls.map(t -> " " + t.policy()).orElse("");
            SmtpClientSession session;
            try {
                session = obtain(target, key, credentials, targetTls);
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
    private SmtpClientSession obtain(Target target, String key, Optional<Credentials> credentials,
                                     Optional<SmtpClientSession.Tls> targetTls) throws SessionException {
        Optional<SmtpClientSession> cached;
        while ((cached = cache.take(key)).isPresent()) {
            if (cached.get().reset()) {
                return cached.get();
            }
            cached.get().close();
        }
        try {
            return SmtpClientSession.open(connect(target), target, settings, mode, targetTls, credentials);
        } catch (SmtpClientSession.TlsHandshakeException e) {
            // Level "may": a server whose TLS is broken still gets the mail, in plain text.
            return SmtpClientSession.open(connect(target), target, settings, mode, Optional.empty(), credentials);
        }
    }

    /**
     * DANE (RFC 7672) at the dane levels: the server's DNSSEC-validated TLSA records decide this
     * connection's policy. Usable records: TLS required and the chain judged by them alone
     * (level dane-only with the TLSA trust manager, through ServerCertificate like every level);
     * records that are all unusable: encrypt; no DANE: dane is opportunistic ("may"), dane-only
     * defers; a TLSA lookup that failed: defer. Other levels pass unchanged.
     *
     * @throws SessionException (4.7.5, not reaching the server) when this server is to be skipped
     */
    private SmtpClientSession.Tls withDane(SmtpClientSession.Tls targetTls, Target target) throws SessionException {
        TlsLevel level = targetTls.policy().level();
        if (dane.isEmpty() || (level != TlsLevel.DANE && level != TlsLevel.DANE_ONLY)) {
            return targetTls;
        }
        NextHop hop = NextHop.parse(target.hop(), target.port());
        DaneVerdict verdict = dane.get().verdict(hop.host(), hop.mxLookup(), target.hostname(), target.address(),
            target.port(), target.relay());
        return switch (verdict.kind()) {
            case AUTHENTICATE -> targetTls.withDane(verdict.trust().orElseThrow());
            case ENCRYPT -> targetTls.withPolicy(targetTls.policy().withLevel(TlsLevel.ENCRYPT));
            case DEFER -> throw new SessionException(Outcome.failure(false, "4.7.5", verdict.reason()), false);
            case NO_DANE -> {
                if (level == TlsLevel.DANE_ONLY) {
                    throw new SessionException(Outcome.failure(false, "4.7.5", "TLS security level dane-only: "
                        + verdict.reason() + " (" + target.peer() + "); mail is deferred, not sent without DANE"), false);
                }
                yield targetTls.withPolicy(targetTls.policy().withLevel(TlsLevel.MAY));
            }
        };
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
