package dev.postern.delivery.smtp;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509TrustManager;

import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.smtp.SaslPasswords.Credentials;

/**
 * One SMTP or LMTP conversation with one server, from the greeting to QUIT: Postfix's smtp(8)
 * protocol engine, with LMTP as a mode (LHLO instead of EHLO, no HELO fallback, and one reply
 * per accepted recipient after the final dot). Session-level trouble (lost connection, timeout,
 * refused greeting, TLS, AUTH) is a {@link SessionException}; a reply about a recipient or the
 * transaction is an {@link Outcome}.
 */
final class SmtpClientSession implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpClientSession.class);


    /** The protocol spoken. */
    enum Mode { SMTP, LMTP }

    private final Connection connection;
    private final Target target;
    private final ClientSettings settings;
    private final Mode mode;
    private final Map<String, String> extensions = new LinkedHashMap<>();
    private boolean broken;

    private SmtpClientSession(Connection connection, Target target, ClientSettings settings, Mode mode) {
        this.connection = connection;
        this.target = target;
        this.settings = settings;
        this.mode = mode;
    }

    /**
     * Reads the greeting and says hello on a new connection, then starts TLS and authenticates
     * as asked.
     *
     * @param tls what STARTTLS is to do, empty when TLS is not to be used
     * @throws SessionException when this server cannot take mail now; a TLS handshake failure at
     *         level "may" is a {@link TlsHandshakeException} so the caller can retry in plain text
     */
    static SmtpClientSession open(Connection connection, Target target, ClientSettings settings, Mode mode,
                            Optional<Tls> tls, Optional<Credentials> credentials) throws SessionException {
        SmtpClientSession session = new SmtpClientSession(connection, target, settings, mode);
        try {
            session.greet();
            session.hello();
            if (mode == Mode.SMTP) {
                session.startTls(tls);
                session.authenticate(credentials);
            }
            return session;
        } catch (SessionException | RuntimeException e) {
            session.closeQuietly();
            throw e;
        }
    }

    /** Whether the session may carry another transaction (no lost connection, no timeout). */
    boolean isReusable() {
        return !broken;
    }

    private void greet() throws SessionException {
        SmtpReply greeting = read(settings.heloTimeout(), "receiving the initial server greeting");
        if (!greeting.isPositive()) {
            throw new SessionException(refused(greeting), true);
        }
    }

    /** A refused greeting defers even when permanent: another server, or this one later, may take the mail. */
    private Outcome refused(SmtpReply reply) {
        return new Outcome(Status.DEFERRED, "4" + reply.dsn().substring(1),
            "host " + target.peer() + " refused to talk to me: " + reply.text(), Optional.of(target.hostname()),
            Optional.of(reply));
    }

    private void hello() throws SessionException {
        String verb = mode == Mode.LMTP ? "LHLO" : "EHLO";
        SmtpReply reply = command(verb + " " + settings.heloName(), settings.heloTimeout(),
            "performing the " + verb + " handshake");
        if (!reply.isPositive() && mode == Mode.SMTP) {
            verb = "HELO";
            reply = command("HELO " + settings.heloName(), settings.heloTimeout(), "performing the HELO handshake");
            extensions.clear();
            if (reply.isPositive()) {
                return;
            }
        }
        if (!reply.isPositive()) {
            throw new SessionException(Outcome.ofReply(target, reply, verb).asDeferral(), true);
        }
        refuseOwnHostname(reply);
        extensions.clear();
        for (String line : reply.lines().subList(1, reply.lines().size())) {
            String trimmed = line.trim();
            int space = trimmed.indexOf(' ');
            // "AUTH=LOGIN PLAIN" is an old spelling of "AUTH LOGIN PLAIN".
            int equals = trimmed.startsWith("AUTH=") ? 4 : -1;
            int cut = equals > 0 ? equals : space;
            String keyword = (cut < 0 ? trimmed : trimmed.substring(0, cut)).toUpperCase(Locale.ROOT);
            extensions.put(keyword, cut < 0 ? "" : trimmed.substring(cut + 1).trim());
        }
    }

    /**
     * Postfix's loop check on port 25: a server that answers EHLO with this server's own
     * {@code myhostname} is this server (behind a NAT, or a relayhost that points back here), so
     * the mail would go round. It waits in the queue for the operator ({@code 4.4.6}, logged with
     * a warning) rather than loop; Postfix bounces it when that server is the best MX.
     */
    private void refuseOwnHostname(SmtpReply reply) throws SessionException {
        if (mode != Mode.SMTP || target.port() != SmtpCourier.DEFAULT_PORT || reply.lines().isEmpty()) {
            return;
        }
        String greeting = reply.lines().get(0).trim();
        String name = greeting.split("\\s+", 2)[0];
        if (name.equalsIgnoreCase(settings.myhostname())) {
            LOGGER.warn("host {} replied to HELO/EHLO with my own hostname {}", target.peer(), settings.myhostname());
            throw new SessionException(Outcome.failure(false, "4.4.6", "mail for " + target.hop()
                + " loops back to myself"), true);
        }
    }

    boolean offers(String extension) {
        return extensions.containsKey(extension);
    }

    /**
     * What STARTTLS is to do on one connection: the destination's policy, the client's TLS
     * material, and the next hop the policy's {@code nexthop} match strategies mean.
     */
    record Tls(TlsPolicy policy, TlsContexts contexts, String nexthop, String fingerprintDigest, TlsLog log,
               Optional<X509TrustManager> trust) {
        Tls(TlsPolicy policy, TlsContexts contexts, String nexthop, String fingerprintDigest, TlsLog log) {
            this(policy, contexts, nexthop, fingerprintDigest, log, Optional.empty());
        }

        /** The same connection under another policy: DANE and MTA-STS raise or lower a destination's level. */
        Tls withPolicy(TlsPolicy other) {
            return new Tls(other, contexts, nexthop, fingerprintDigest, log, trust);
        }

        /** The same connection with its chain judged by {@code other} instead of the policy's CAs (MTA-STS). */
        Tls withTrust(X509TrustManager other) {
            return new Tls(policy, contexts, nexthop, fingerprintDigest, log, Optional.of(other));
        }

        /**
         * Authenticated by DANE (RFC 7672 2.2): TLS required, and the chain judged by the server's
         * TLSA records alone (level dane-only), with {@code tlsa} in place of the CAs.
         */
        Tls withDane(X509TrustManager tlsa) {
            return new Tls(policy.withLevel(TlsLevel.DANE_ONLY), contexts, nexthop, fingerprintDigest, log,
                Optional.of(tlsa));
        }

        /** Whether DANE authenticates this connection (then MTA-STS leaves it alone, RFC 8461 2). */
        boolean daneAuthenticated() {
            return policy.level() == TlsLevel.DANE_ONLY && trust.isPresent();
        }

        /** What the server's chain is judged by: its TLSA records under DANE, MTA-STS's trust, else the policy's CAs. */
        X509TrustManager trustManager(Target target) {
            return trust.orElseGet(() -> contexts.trustManager(policy, target));
        }
    }

    private void startTls(Optional<Tls> tls) throws SessionException {
        if (tls.isEmpty() || tls.get().policy().level() == TlsLevel.NONE) {
            return;
        }
        TlsPolicy policy = tls.get().policy();
        TlsLevel level = policy.level();
        if (!offers("STARTTLS")) {
            if (level.required()) {
                throw new SessionException(Outcome.failure(false, "4.7.4",
                    "TLS is required, but was not offered by host " + target.peer()), true);
            }
            return;
        }
        SSLParameters parameters;
        try {
            parameters = tls.get().contexts().parameters(policy, target);
        } catch (IllegalArgumentException e) {
            throw new SessionException(Outcome.failure(false, "4.7.5", "TLS policy for " + tls.get().nexthop() + ": "
                + e.getMessage()), true);
        }
        SmtpReply reply = command("STARTTLS", settings.heloTimeout(), "sending STARTTLS");
        if (!reply.isPositive()) {
            if (level.required()) {
                throw new SessionException(Outcome.ofReply(target, reply, "STARTTLS").asDeferral(), true);
            }
            return;
        }
        if (connection.hasBufferedInput()) {
            throw new SessionException(Outcome.failure(false, "4.7.5",
                "host " + target.peer() + " sent data after its STARTTLS reply (possible command injection)"), true);
        }
        SSLSession session;
        try {
            session = connection.startTls(tls.get().contexts().socketFactory(), target.hostname(), parameters);
        } catch (IOException e) {
            broken = true;
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Outcome failure = Outcome.failure(false, "4.7.5",
                "Cannot start TLS: handshake failure with host " + target.peer() + ": " + why);
            if (level.opportunistic()) {
                throw new TlsHandshakeException(failure);
            }
            throw new SessionException(failure, true);
        }
        checkCertificate(tls.get(), session);
        hello();
    }

    /**
     * Judges the server's certificate by the policy before anything else is said over the
     * session, logs the handshake as Postfix does, and ends the session (QUIT) when the level
     * refuses this server.
     */
    private void checkCertificate(Tls tls, SSLSession session) throws SessionException {
        ServerCertificate certificate = new ServerCertificate(peerChain(session), tls.fingerprintDigest());
        ServerCertificate.Verdict verdict = certificate.judge(tls.policy(), tls.trustManager(target), target.hostname(),
            tls.nexthop(), target.peer());
        if (verdict.trust() != ServerCertificate.Trust.ANONYMOUS) {
            tls.log().certificate(target, certificate);
        }
        tls.log().established(target, session, verdict.trust());
        if (verdict.failure().isPresent()) {
            quit();
            throw new SessionException(Outcome.failure(false, "4.7.5", verdict.failure().get()), true);
        }
    }

    private static X509Certificate[] peerChain(SSLSession session) {
        try {
            return Arrays.stream(session.getPeerCertificates())
                .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast)
                .toArray(X509Certificate[]::new);
        } catch (SSLPeerUnverifiedException e) {
            return new X509Certificate[0];
        }
    }

    private void authenticate(Optional<Credentials> credentials) throws SessionException {
        if (credentials.isEmpty() || !offers("AUTH")) {
            return;
        }
        Set<String> mechanisms = new TreeSet<>();
        for (String m : extensions.get("AUTH").split("\\s+")) {
            mechanisms.add(m.toUpperCase(Locale.ROOT));
        }
        Credentials c = credentials.get();
        SmtpReply reply;
        if (mechanisms.contains("PLAIN")) {
            String token = base64("\0" + c.username() + "\0" + c.password());
            reply = command("AUTH PLAIN " + token, settings.heloTimeout(), "performing SASL authentication");
        } else if (mechanisms.contains("LOGIN")) {
            reply = command("AUTH LOGIN", settings.heloTimeout(), "performing SASL authentication");
            if (reply.code() == 334) {
                reply = command(base64(c.username()), settings.heloTimeout(), "performing SASL authentication");
            }
            if (reply.code() == 334) {
                reply = command(base64(c.password()), settings.heloTimeout(), "performing SASL authentication");
            }
        } else {
            throw new SessionException(Outcome.failure(false, "4.7.0", "SASL authentication failed; cannot authenticate to"
                + " server " + target.peer() + ": no mechanism available (offered: " + extensions.get("AUTH") + ")"), true);
        }
        if (reply.code() != 235) {
            throw new SessionException(new Outcome(Status.DEFERRED, "4.7.0",
                "SASL authentication failed; server " + target.peer() + " said: " + reply.text(),
                Optional.of(target.hostname()), Optional.of(reply)), true);
        }
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One mail transaction. Recipients that got a final answer from this server are put in
     * {@code outcomes}; when a {@link SessionException} ends the transaction, the others may go
     * to another server.
     */
    void send(Transaction transaction, MessageContent content, Map<MailAddress, Outcome> outcomes) throws SessionException {
        boolean utf8 = transaction.needsSmtpUtf8();
        if (utf8 && !offers("SMTPUTF8")) {
            Outcome bounce = Outcome.failure(true, "5.6.7", "SMTPUTF8 is required, but was not offered by host "
                + target.peer());
            transaction.recipients().forEach(r -> outcomes.put(r, bounce));
            return;
        }
        Commands commands = new Commands(offers("PIPELINING"));
        List<String> group = new ArrayList<>();
        group.add(mailFrom(transaction, content, utf8));
        transaction.recipients().forEach(r -> group.add(rcptTo(transaction, r)));
        if (!transaction.probe()) {
            group.add("DATA");
        }
        commands.sendGroup(group);
        SmtpReply mail = commands.reply(settings.mailTimeout(), "sending MAIL FROM");
        if (!mail.isPositive()) {
            Outcome outcome = Outcome.ofReply(target, mail, "MAIL FROM");
            transaction.recipients().forEach(r -> outcomes.put(r, outcome));
            commands.drain();
            return;
        }
        List<MailAddress> accepted = new ArrayList<>();
        for (MailAddress recipient : transaction.recipients()) {
            SmtpReply rcpt = commands.reply(settings.rcptTimeout(), "sending RCPT TO");
            if (rcpt.isPositive() && transaction.probe()) {
                outcomes.put(recipient, Outcome.ofReply(target, rcpt, "RCPT TO"));
            } else if (rcpt.isPositive()) {
                accepted.add(recipient);
            } else {
                outcomes.put(recipient, Outcome.ofReply(target, rcpt, "RCPT TO"));
            }
        }
        if (transaction.probe()) {
            // verify(8) stops here (smtp_address_verify_target = rcpt): RSET ends the transaction and keeps
            // the session for the cache; a server that does not answer it is not reused.
            reset();
            return;
        }
        if (accepted.isEmpty()) {
            commands.drain();
            return;
        }
        SmtpReply data = commands.reply(settings.dataInitTimeout(), "sending DATA command");
        if (data.code() != 354) {
            Outcome outcome = Outcome.ofReply(target, data.isPositive() ? new SmtpReply(554, data.lines()) : data, "DATA");
            accepted.forEach(r -> outcomes.put(r, outcome));
            return;
        }
        try {
            content.writeDotStuffed(connection);
        } catch (IOException e) {
            throw trouble(e, "sending message body");
        }
        String stage = "sending end of data -- message may be sent more than once";
        if (mode == Mode.LMTP) {
            // RFC 2033: one reply per accepted recipient, in RCPT order.
            for (MailAddress recipient : accepted) {
                outcomes.put(recipient, Outcome.ofReply(target, read(settings.dataDoneTimeout(), stage), "end of DATA"));
            }
            return;
        }
        Outcome done = Outcome.ofReply(target, read(settings.dataDoneTimeout(), stage), "end of DATA");
        accepted.forEach(r -> outcomes.put(r, done));
    }

    private String mailFrom(Transaction transaction, MessageContent content, boolean utf8) {
        StringBuilder command = new StringBuilder("MAIL FROM:<")
            .append(transaction.sender().asOptional().map(MailAddress::asString).orElse("")).append('>');
        if (offers("SIZE")) {
            command.append(" SIZE=").append(content.size());
        }
        // Postfix sends 8-bit mail to servers without 8BITMIME as it is: most accept it.
        if (content.isEightBit() && offers("8BITMIME")) {
            command.append(" BODY=8BITMIME");
        }
        if (utf8) {
            command.append(" SMTPUTF8");
        }
        if (offers("DSN") && transaction.dsn().isPresent()) {
            DsnParameters dsn = transaction.dsn().get();
            dsn.getRetParameter().ifPresent(ret -> command.append(" RET=").append(ret.name()));
            // James keeps ENVID in its xtext form already.
            dsn.getEnvIdParameter().ifPresent(id -> command.append(" ENVID=").append(id.asString()));
        }
        return command.toString();
    }

    private String rcptTo(Transaction transaction, MailAddress recipient) {
        StringBuilder command = new StringBuilder("RCPT TO:<").append(recipient.asString()).append('>');
        if (offers("DSN") && transaction.dsn().isPresent()) {
            DsnParameters.RecipientDsnParameters parameters = transaction.dsn().get().getRcptParameters().get(recipient);
            if (parameters != null) {
                parameters.getNotifyParameter().filter(set -> !set.isEmpty()).ifPresent(set -> command.append(" NOTIFY=")
                    .append(String.join(",", set.stream().map(Enum::name).toList())));
                parameters.getOrcptParameter().ifPresent(o -> command.append(" ORCPT=rfc822;")
                    .append(DsnParameters.XText.encode(o.asString())));
            }
        }
        return command.toString();
    }

    /** RSET before a cached session carries another mail: false when the server is gone. */
    boolean reset() {
        try {
            return command("RSET", settings.heloTimeout(), "sending RSET").isPositive();
        } catch (SessionException e) {
            return false;
        }
    }

    /** QUIT and close, ignoring the server's answer: the mail's fate is already decided. */
    void quit() {
        if (!broken) {
            try {
                command("QUIT", settings.quitTimeout(), "sending QUIT");
            } catch (SessionException e) {
                // The conversation is over either way.
            }
        }
        closeQuietly();
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        broken = true;
        try {
            connection.close();
        } catch (IOException e) {
            // Nothing more to say to this server.
        }
    }

    /**
     * The commands of one transaction, MAIL FROM to DATA, and their replies in order. With
     * PIPELINING (RFC 2920) the whole group goes out in one write and the replies are read after;
     * without it each command waits for its reply before the next is sent. Either way the
     * transaction sees one reply per command, so its outcomes do not depend on the server's
     * extensions.
     */
    private final class Commands {
        private final boolean pipelining;
        private final List<String> pending = new ArrayList<>();

        Commands(boolean pipelining) {
            this.pipelining = pipelining;
        }

        void sendGroup(List<String> group) throws SessionException {
            pending.addAll(group);
            if (!pipelining) {
                return;
            }
            try {
                connection.writeLines(group);
            } catch (IOException e) {
                throw trouble(e, "sending MAIL FROM");
            }
        }

        /** The reply to the next command of the group (sent first when not pipelining). */
        SmtpReply reply(Duration timeout, String stage) throws SessionException {
            String line = pending.remove(0);
            return pipelining ? read(timeout, stage) : command(line, timeout, stage);
        }

        /**
         * Reads the replies to what was sent ahead once the transaction cannot go on (MAIL refused, no
         * recipient accepted), so the session stays in step for the next mail. A server that answers
         * DATA with 354 anyway gets an empty message ended at once; the mail's fate is already decided,
         * so a failure here only keeps the session from being reused.
         */
        void drain() {
            if (!pipelining) {
                pending.clear();
                return;
            }
            try {
                while (!pending.isEmpty()) {
                    String line = pending.remove(0);
                    SmtpReply reply = read(settings.rcptTimeout(), "reading pipelined replies");
                    if (line.equals("DATA") && reply.code() == 354) {
                        command(".", settings.dataDoneTimeout(), "ending an empty DATA");
                    }
                }
            } catch (SessionException e) {
                broken = true;
            }
        }
    }

    /** Errors name the stage, never the command line itself (it may carry a password). */
    private SmtpReply command(String line, Duration timeout, String stage) throws SessionException {
        try {
            connection.writeLine(line);
        } catch (IOException e) {
            throw trouble(e, stage);
        }
        return read(timeout, stage);
    }

    private SmtpReply read(Duration timeout, String stage) throws SessionException {
        List<String> lines = new ArrayList<>();
        int code = -1;
        try {
            while (true) {
                String line = connection.readLine(timeout);
                if (line.length() < 3 || !line.substring(0, 3).chars().allMatch(Character::isDigit)
                        || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
                    broken = true;
                    throw new SessionException(Outcome.failure(false, "4.4.2", "malformed reply from host "
                        + target.peer() + " while " + stage + ": " + printable(line)), true);
                }
                int lineCode = Integer.parseInt(line.substring(0, 3));
                if (code >= 0 && lineCode != code) {
                    broken = true;
                    throw new SessionException(Outcome.failure(false, "4.4.2", "malformed reply from host "
                        + target.peer() + " while " + stage + ": reply codes differ in a multi-line reply"), true);
                }
                code = lineCode;
                lines.add(line.length() > 4 ? line.substring(4) : "");
                if (line.length() == 3 || line.charAt(3) == ' ') {
                    return new SmtpReply(code, lines);
                }
            }
        } catch (IOException e) {
            throw trouble(e, stage);
        }
    }

    private SessionException trouble(IOException e, String stage) {
        broken = true;
        if (e instanceof SocketTimeoutException) {
            return new SessionException(Outcome.failure(false, "4.4.2",
                "conversation with " + target.peer() + " timed out while " + stage), true);
        }
        return new SessionException(Outcome.failure(false, "4.4.2",
            "lost connection with " + target.peer() + " while " + stage), true);
    }

    private static String printable(String text) {
        String cut = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** A failed handshake at level "may": the caller tries the same server again without TLS. */
    static final class TlsHandshakeException extends SessionException {
        TlsHandshakeException(Outcome outcome) {
            super(outcome, true);
        }
    }
}
