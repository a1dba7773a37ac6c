package dev.postern.smtpd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.net.ssl.SSLSession;
import javax.mail.internet.AddressException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HeloHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.cleanup.CleanupContext;
import dev.postern.cleanup.MilterHeaderChecks;
import dev.postern.log.MailLog;
import dev.postern.milter.MilterClient;
import dev.postern.milter.MilterMessage;
import dev.postern.milter.MilterModification;
import dev.postern.milter.MilterReply;
import dev.postern.restrictions.Reply;

/**
 * Postfix's {@code smtpd_milters}: each filter, in order, is asked about the session and its
 * messages as the dialogue goes. The connect event goes once the greeting is sent, HELO at
 * HELO/EHLO; a refusal of the connect event answers MAIL and what follows (the greeting is out). MAIL and RCPT are asked at
 * their command, after smtpd's own restrictions, and a refusal answers that command (at RCPT,
 * that recipient only). DATA is asked at the DATA command ({@link MilterDataHandler}); the
 * headers, the body and end of message once the message is in, before the reply to it: a refusal is the reply to DATA, and the filters'
 * changes (headers, body, recipients, sender, quarantine as HOLD) are made before the message
 * is queued, so nothing is accepted and then dropped. Each filter sees the message as the filters
 * before it left it. Which filters a session gets is chosen once, at connect: {@code smtpd_milters},
 * or the list {@code smtpd_milter_maps} gives the client's address ({@link SmtpdMilters#forClient}).
 */
public class MilterHook implements ConnectHandler<SMTPSession>, HeloHook, MailHook, RcptHook, JamesMessageHook,
        DisconnectHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(MilterHook.class);
    private static final ProtocolSession.AttachmentKey<SessionMilters> SESSION =
        ProtocolSession.AttachmentKey.of("dev.postern.milters", SessionMilters.class);
    private static final ProtocolSession.AttachmentKey<Boolean> REFUSED_BY_MILTER =
        ProtocolSession.AttachmentKey.of("dev.postern.milterRefusal", Boolean.class);

    private final HookEnvironment environment;
    private PerListener<SmtpdMilters> settings;
    private SmtpdLog log;
    private MailLog mailLog;

    /** The filters of one session, opened at connect, and a refusal of the connect event kept for MAIL. */
    private static final class SessionMilters {
        final List<MilterClient> clients;
        final SmtpdMilters settings;
        Optional<MilterReply> refusal = Optional.empty();

        SessionMilters(List<MilterClient> clients, SmtpdMilters settings) {
            this.clients = clients;
            this.settings = settings;
        }
    }

    @Inject
    public MilterHook(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        settings = environment.perListener(config, this,
            parameters -> SmtpdMilters.of(parameters, environment::openTable));
        log = environment.smtpdLog(config, this);
        mailLog = environment.mailLog(environment.parameters(config, this));
    }

    /** Whether the reply to the command just answered is a filter's: smtpd logs it as {@code milter-reject}. */
    static boolean refusedByMilter(ProtocolSession session) {
        boolean refused = session.getAttachment(REFUSED_BY_MILTER, State.Connection).orElse(false);
        session.removeAttachment(REFUSED_BY_MILTER, State.Connection);
        return refused;
    }

    /** Opens the filters and sends the connect event; answers nothing (the greeting is the welcome handler's). */
    @Override
    public Response onConnect(SMTPSession session) {
        milters(session);
        return null;
    }

    @Override
    public HookResult doHelo(SMTPSession session, String helo) {
        Optional<SessionMilters> milters = milters(session);
        if (milters.isEmpty() || milters.get().refusal.isPresent()) {
            return HookResult.DECLINED;
        }
        for (MilterClient client : milters.get().clients) {
            MilterReply reply = client.helo(helo, macros(session, Map.of()));
            if (reply.refuses()) {
                return refuse(session, reply);
            }
        }
        return HookResult.DECLINED;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        Optional<SessionMilters> milters = milters(session);
        if (milters.isEmpty()) {
            return HookResult.DECLINED;
        }
        if (milters.get().refusal.isPresent()) {
            return refuse(session, milters.get().refusal.get());
        }
        String address = sender.asString("");
        Map<String, String> macros = Map.of("{mail_addr}", address);
        for (MilterClient client : milters.get().clients) {
            MilterReply reply = client.mail(address, mailParameters(session), macros(session, macros));
            if (reply.refuses()) {
                return refuse(session, reply);
            }
            if (reply.kind() == MilterReply.Kind.DISCARD) {
                SessionDecisions.discard(session, "milter triggers DISCARD action");
            }
        }
        return HookResult.DECLINED;
    }

    /** MAIL FROM's ESMTP parameters as the client wrote them ({@code SIZE=1234}, {@code BODY=8BITMIME}). */
    private static List<String> mailParameters(SMTPSession session) {
        return CommandArguments.senderPath(session).map(path -> path.parameters().trim())
            .filter(parameters -> !parameters.isEmpty()).map(parameters -> List.of(parameters.split("\\s+")))
            .orElse(List.of());
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        Optional<SessionMilters> milters = milters(session);
        if (milters.isEmpty()) {
            return HookResult.DECLINED;
        }
        List<String> arguments = parameters.entrySet().stream()
            .map(e -> e.getValue() == null ? e.getKey() : e.getKey() + "=" + e.getValue()).toList();
        Map<String, String> macros = Map.of("{rcpt_addr}", rcpt.asString(), "{rcpt_host}", rcpt.getDomain().asString(),
            "{rcpt_mailer}", "smtp");
        for (MilterClient client : milters.get().clients) {
            MilterReply reply = client.rcpt(rcpt.asString(), arguments, macros(session, macros));
            if (reply.refuses()) {
                return refuse(session, reply);
            }
            if (reply.kind() == MilterReply.Kind.DISCARD) {
                SessionDecisions.discard(session, "milter triggers DISCARD action");
            }
        }
        return HookResult.DECLINED;
    }

    /**
     * The DATA event, at the DATA command ({@link MilterDataHandler}): the first filter's refusal,
     * if any; a discard is recorded for the message.
     */
    static Optional<MilterReply> data(SMTPSession session) {
        Optional<SessionMilters> milters = session.getAttachment(SESSION, State.Connection);
        if (milters.isEmpty()) {
            return Optional.empty();
        }
        for (MilterClient client : milters.get().clients) {
            MilterReply reply = client.data(macros(session, Map.of()));
            if (reply.refuses()) {
                return Optional.of(reply);
            }
            if (reply.kind() == MilterReply.Kind.DISCARD) {
                SessionDecisions.discard(session, "milter triggers DISCARD action");
            }
        }
        return Optional.empty();
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        Optional<SessionMilters> milters = session.getAttachment(SESSION, State.Connection);
        if (milters.isEmpty() || milters.get().clients.isEmpty()) {
            return HookResult.DECLINED;
        }
        String queueId = SessionQueueId.get(session).orElse(mail.getName());
        try {
            return inspect(session, mail, queueId, milters.get().clients);
        } catch (IOException | MessagingException e) {
            LOGGER.error("{}: cannot pass the message to the milters: {}", queueId, e.getMessage(), e);
            return HookResult.builder().hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode("451").smtpDescription("4.3.0 Error: queue file write error").build();
        }
    }

    private HookResult inspect(SMTPSession session, Mail mail, String queueId, List<MilterClient> clients)
            throws IOException, MessagingException {
        MilterMessage message;
        try (InputStream in = new MimeMessageInputStream(mail.getMessage())) {
            message = MilterMessage.parse(in.readAllBytes());
        }
        Envelope envelope = new Envelope(mail.getMaybeSender().asString(""), new ArrayList<>(mail.getRecipients()));
        boolean contentChanged = false;
        for (MilterClient client : clients) {
            MilterClient.EndOfMessage end = client.content(message, macros(session, Map.of()));
            if (end.reply().refuses()) {
                logCleanup(session, queueId, "milter-reject", end.reply().dsn() + " " + end.reply().text(), envelope);
                abortAll(clients);
                return reply(session, end.reply());
            }
            if (end.reply().kind() == MilterReply.Kind.DISCARD) {
                logCleanup(session, queueId, "milter-discard", "milter triggers DISCARD action", envelope);
                SessionDecisions.discard(session, "milter triggers DISCARD action");
                break;
            }
            CheckedHeaders checked = checkHeaders(session, queueId, envelope, end.modifications());
            if (checked.refusal().isPresent()) {
                abortAll(clients);
                return SmtpdRestrictionsHook.reply(checked.refusal().get());
            }
            for (MilterModification modification : checked.modifications()) {
                contentChanged |= envelope.apply(modification);
                if (modification instanceof MilterModification.Quarantine quarantine) {
                    logCleanup(session, queueId, "milter-hold", quarantine.reason().isBlank()
                        ? "milter triggers HOLD action" : quarantine.reason(), envelope);
                    SessionDecisions.hold(session, quarantine.reason().isBlank() ? "milter triggers HOLD action"
                        : quarantine.reason());
                }
            }
            message = message.apply(checked.modifications(), end.leadingSpace());
        }
        if (contentChanged) {
            rewrite(mail, message, queueId);
        }
        envelope.applyTo(mail);
        return HookResult.DECLINED;
    }

    /** A filter's modifications after {@code milter_header_checks}, or the refusal of the message. */
    private record CheckedHeaders(List<MilterModification> modifications, Optional<Reply> refusal) {
    }

    /**
     * {@code milter_header_checks} on the headers one filter adds or changes: a header kept out is
     * left out of the modifications, a replaced one changed. HOLD, DISCARD, FILTER, REDIRECT and BCC
     * are recorded for the message as header_checks' are.
     */
    private CheckedHeaders checkHeaders(SMTPSession session, String queueId, Envelope envelope,
                                        List<MilterModification> modifications) {
        MilterHeaderChecks checks = settings.of(session).headerChecks();
        List<Integer> positions = new ArrayList<>();
        List<String> headers = new ArrayList<>();
        for (int i = 0; i < modifications.size(); i++) {
            Optional<String> header = headerText(modifications.get(i));
            if (header.isPresent()) {
                positions.add(i);
                headers.add(header.get());
            }
        }
        if (checks.isEmpty() || headers.isEmpty()) {
            return new CheckedHeaders(modifications, Optional.empty());
        }
        CleanupContext context = new CleanupContext(queueId, ClientIdentity.of(session), envelope.sender,
            envelope.lastRecipient(), SmtpdLogger.protocol(session), SmtpdLogger.helo(session));
        MilterHeaderChecks.Result result = checks.check(headers, context, line -> mailLog.log("cleanup", line),
            settings.of(session).softBounce());
        ContentEvents.record(mailLog, result.outcome());
        if (result.outcome().refusal().isPresent()) {
            return new CheckedHeaders(List.of(), result.outcome().refusal());
        }
        SessionDecisions.carryOut(session, result.outcome());
        List<MilterModification> kept = new ArrayList<>(modifications);
        // from the last, so that removing one does not move the positions still to come
        for (int j = positions.size() - 1; j >= 0; j--) {
            int position = positions.get(j);
            Optional<String> header = result.headers().get(j);
            if (header.isEmpty()) {
                kept.remove(position);
            } else if (!header.get().equals(headers.get(j))) {
                kept.set(position, withHeader(modifications.get(position), header.get()));
            }
        }
        return new CheckedHeaders(kept, Optional.empty());
    }

    /** {@code Name: value} of a header a filter adds or changes; a deletion (empty value) is not checked. */
    private static Optional<String> headerText(MilterModification modification) {
        if (modification instanceof MilterModification.AddHeader add) {
            return Optional.of(add.name() + ": " + add.value().stripLeading());
        }
        if (modification instanceof MilterModification.InsertHeader insert) {
            return Optional.of(insert.name() + ": " + insert.value().stripLeading());
        }
        if (modification instanceof MilterModification.ChangeHeader change && !change.value().isEmpty()) {
            return Optional.of(change.name() + ": " + change.value().stripLeading());
        }
        return Optional.empty();
    }

    /** The modification with the header REPLACE gave ({@code Name: value}) in place of the filter's. */
    private static MilterModification withHeader(MilterModification modification, String header) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim();
        String value = header.substring(colon + 1).stripLeading();
        if (modification instanceof MilterModification.InsertHeader insert) {
            return new MilterModification.InsertHeader(insert.index(), name, value);
        }
        if (modification instanceof MilterModification.ChangeHeader change) {
            return new MilterModification.ChangeHeader(change.index(), name, value);
        }
        return new MilterModification.AddHeader(name, value);
    }

    /** The envelope as the filters change it. */
    private static final class Envelope {
        String sender;
        final List<MailAddress> recipients;
        boolean senderChanged;
        boolean recipientsChanged;

        Envelope(String sender, List<MailAddress> recipients) {
            this.sender = sender;
            this.recipients = recipients;
        }

        /** Applies an envelope change; true when the modification is one of the message's content instead. */
        boolean apply(MilterModification modification) throws AddressException {
            if (modification instanceof MilterModification.AddRecipient add) {
                MailAddress address = new MailAddress(add.address());
                if (!recipients.contains(address)) {
                    recipients.add(address);
                }
                recipientsChanged = true;
                return false;
            }
            if (modification instanceof MilterModification.DeleteRecipient delete) {
                recipients.removeIf(r -> r.asString().equalsIgnoreCase(delete.address()));
                recipientsChanged = true;
                return false;
            }
            if (modification instanceof MilterModification.ChangeSender change) {
                sender = change.address();
                senderChanged = true;
                return false;
            }
            return !(modification instanceof MilterModification.Quarantine);
        }

        void applyTo(Mail mail) throws AddressException {
            if (recipientsChanged) {
                mail.setRecipients(List.copyOf(recipients));
            }
            if (senderChanged && mail instanceof MailImpl impl) {
                impl.setSender(sender.isEmpty() ? null : new MailAddress(sender));
            }
        }

        String lastRecipient() {
            return recipients.isEmpty() ? "" : recipients.get(recipients.size() - 1).asString();
        }
    }

    private static void rewrite(Mail mail, MilterMessage message, String queueId) throws IOException, MessagingException {
        MimeMessageInputStreamSource source = MimeMessageInputStreamSource.create(queueId + "-milter");
        try (OutputStream out = source.getWritableOutputStream()) {
            out.write(message.bytes());
        } catch (IOException e) {
            source.dispose();
            throw e;
        }
        if (mail instanceof MailImpl impl) {
            impl.setMessageContent(source);
        } else {
            mail.setMessage(new MimeMessageWrapper(source));
        }
    }

    /** Postfix's cleanup line: {@code QID: milter-reject: END-OF-MESSAGE from host[addr]: 5.7.1 text; from=<> to=<> proto= helo=<>}. */
    private void logCleanup(SMTPSession session, String queueId, String action, String text, Envelope envelope) {
        mailLog.log("cleanup", queueId, action + ": END-OF-MESSAGE from " + ClientIdentity.of(session) + ": " + text
            + "; from=<" + envelope.sender + "> to=<" + envelope.lastRecipient() + "> proto=" + SmtpdLogger.protocol(session)
            + " helo=<" + SmtpdLogger.helo(session) + ">");
    }

    private static void abortAll(List<MilterClient> clients) {
        clients.forEach(MilterClient::abort);
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        session.getAttachment(SESSION, State.Connection).ifPresent(milters -> milters.clients.forEach(MilterClient::close));
    }

    /**
     * The session's filters, opened and told of the connection at connect (or at the first event,
     * in a chain without the connect handler); empty when the listener has none.
     */
    private Optional<SessionMilters> milters(SMTPSession session) {
        Optional<SessionMilters> existing = session.getAttachment(SESSION, State.Connection);
        if (existing.isPresent()) {
            return existing;
        }
        SmtpdMilters configured = settings.of(session);
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        List<MilterClient> clients = new ArrayList<>();
        SessionMilters milters = new SessionMilters(clients, configured);
        session.setAttachment(SESSION, milters, State.Connection);
        InetSocketAddress remote = session.getRemoteAddress();
        String name = ClientIdentity.name(session);
        String address = ClientIdentity.address(session);
        SmtpdMilters.ClientMilters chosen = configured.forClient(address);
        if (chosen.warning().isPresent()) {
            log.log(session, "warning: " + chosen.warning().get());
            milters.refusal = Optional.of(SmtpdMilters.LOOKUP_FAILURE);
            return Optional.of(milters);
        }
        for (var each : chosen.milters()) {
            MilterClient client = MilterClient.open(each, warning -> log.log(session, "warning: " + warning),
                decision -> log.record(session, decision));
            clients.add(client);
            MilterReply reply = client.connect("unknown".equals(name) ? "[" + address + "]" : name, address,
                remote.getPort(), macros(session, Map.of()));
            if (reply.refuses() && milters.refusal.isEmpty()) {
                milters.refusal = Optional.of(reply);
            }
        }
        return Optional.of(milters);
    }

    /** The macros of the session as it stands, with the event's own ({@code {rcpt_addr}} ...) added. */
    private static MilterClient.Macros macros(SMTPSession session, Map<String, String> event) {
        SmtpdMilters configured = session.getAttachment(SESSION, State.Connection).map(m -> m.settings).orElse(null);
        return name -> {
            if (event.containsKey(name)) {
                return Optional.of(event.get(name));
            }
            return Optional.ofNullable(switch (name) {
                case "j" -> configured == null ? null : configured.myhostname();
                case "{daemon_name}" -> configured == null ? null : configured.daemonName();
                case "v" -> configured == null ? null : configured.v();
                case "{daemon_addr}" -> session.getLocalAddress().getAddress().getHostAddress();
                case "{daemon_port}" -> Integer.toString(session.getLocalAddress().getPort());
                // Postfix's form: the client's name, a space, its address in brackets
                case "_" -> ClientIdentity.name(session) + " [" + ClientIdentity.address(session) + "]";
                case "{client_addr}" -> ClientIdentity.address(session);
                case "{client_port}" -> Integer.toString(session.getRemoteAddress().getPort());
                case "{client_name}" -> ClientIdentity.name(session);
                case "{client_ptr}" -> ClientIdentity.name(session);
                case "i" -> SessionQueueId.get(session).orElse(null);
                case "{auth_authen}" -> session.getUsername() == null ? null : session.getUsername().asString();
                case "{auth_type}" -> session.getUsername() == null ? null
                    : PosternAuthCmdHandler.method(session).orElse(null);
                case "{mail_addr}" -> CommandArguments.sender(session).orElse(null);
                case "{mail_mailer}" -> "smtp";
                case "{tls_version}" -> session.getSSLSession().map(SSLSession::getProtocol).orElse(null);
                // Java's (IANA) name of the cipher suite, where Postfix gives OpenSSL's
                case "{cipher}" -> session.getSSLSession().map(SSLSession::getCipherSuite).orElse(null);
                default -> null;
            });
        };
    }

    private HookResult refuse(SMTPSession session, MilterReply reply) {
        session.setAttachment(REFUSED_BY_MILTER, true, State.Connection);
        return reply(session, reply);
    }

    private HookResult reply(SMTPSession session, MilterReply milterReply) {
        MilterReply reply = settings.of(session).softBounce() ? milterReply.softBounced() : milterReply;
        // a filter's shutdown (4) is Postfix's 421 and the end of the session
        HookReturnCode code = reply.kind() == MilterReply.Kind.SHUTDOWN
            ? HookReturnCode.disconnected(HookReturnCode.Action.DENYSOFT)
            : reply.code() >= 500 ? HookReturnCode.deny() : HookReturnCode.denySoft();
        return HookResult.builder()
            .hookReturnCode(code)
            .smtpReturnCode(Integer.toString(reply.code()))
            .smtpDescription(reply.dsn() + " " + reply.text())
            .build();
    }
}
