package dev.postern.smtpd;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

import dev.postern.address.NetworkList;
import dev.postern.smtpd.sasl.DovecotSasl;
import dev.postern.smtpd.sasl.PosternSasl;
import dev.postern.smtpd.sasl.SaslExchange;
import dev.postern.smtpd.sasl.SaslMechanism;
import dev.postern.smtpd.sasl.SaslSecurityOptions;
import dev.postern.smtpd.sasl.SaslServer;
import dev.postern.smtpd.sasl.SaslServers;
import dev.postern.smtpd.sasl.SaslSocketDirectory;
import dev.postern.smtpd.sasl.SaslStep;
import dev.postern.tables.LookupException;

/**
 * AUTH the Postfix way, with the mechanisms of the SASL server {@code smtpd_sasl_type} chooses
 * ({@link PosternSasl}: Postern's users; {@link DovecotSasl}: Dovecot's auth service). In place of
 * James's AUTH handler, whose auth hooks still check Postern's users:
 * <ul>
 * <li>EHLO announces the server's mechanisms that {@code smtpd_sasl_security_options} (or, under
 * TLS, {@code smtpd_sasl_tls_security_options}) allow, also as {@code AUTH=} with
 * {@code broken_sasl_auth_clients}; none allowed, no AUTH;</li>
 * <li>an AUTH that was not announced is refused with {@code 503 5.5.1 Error: authentication
 * not enabled}: James would otherwise authenticate before STARTTLS even where
 * {@code smtpd_tls_auth_only} hides AUTH, and on listeners where SASL is off;</li>
 * <li>{@code 503} for a second AUTH or an AUTH inside a mail transaction;</li>
 * <li>{@code smtpd_client_auth_rate_limit}: AUTH commands per client and minute, except
 * {@code smtpd_client_event_limit_exceptions} ({@code $mynetworks});</li>
 * <li>Postfix's replies ({@code 235 2.7.0 Authentication successful},
 * {@code 535 5.7.8 Error: authentication failed: REASON}, {@code 454 4.7.0 Temporary
 * authentication failure: REASON}) and the {@code warning: NAME[IP]: SASL LOGIN authentication
 * failed: REASON} log line that fail2ban reads.</li>
 * </ul>
 */
public class PosternAuthCmdHandler extends AuthCmdHandler implements DisconnectHandler<SMTPSession> {
    private static final ProtocolSession.AttachmentKey<String> METHOD =
        ProtocolSession.AttachmentKey.of("dev.postern.saslMethod", String.class);
    /** The login name for the Received: header, with smtpd_sasl_authenticated_header = yes. */
    private static final ProtocolSession.AttachmentKey<String> AUTHENTICATED_SENDER =
        ProtocolSession.AttachmentKey.of("dev.postern.saslAuthenticatedSender", String.class);
    /** The MAIL FROM AUTH= address of the transaction, the policy services' sasl_sender. */
    private static final ProtocolSession.AttachmentKey<String> MAIL_AUTH =
        ProtocolSession.AttachmentKey.of("dev.postern.saslSender", String.class);
    /** The exchange under way, closed if the client leaves in the middle of it. */
    private static final ProtocolSession.AttachmentKey<SaslExchange> EXCHANGE =
        ProtocolSession.AttachmentKey.of("dev.postern.saslExchange", SaslExchange.class);
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]*={0,2}");

    private final HookEnvironment environment;
    private final ClientEventRate rate = new ClientEventRate(Duration.ofMinutes(1), Clock.systemUTC());
    private SaslSocketDirectory socketDirectory = new SaslSocketDirectory(Path.of("var"));
    private PerListener<Limit> limits;
    private PerListener<Sasl> sasl;
    private SmtpdLog log;

    /** {@code smtpd_client_auth_rate_limit} (0 = none) and the clients it does not apply to. */
    private record Limit(long perMinute, NetworkList exempt) {
        /** A table in the exception list that fails leaves the client limited: a failure never loosens a limit. */
        boolean isExempt(InetAddress client) {
            try {
                return exempt.contains(client);
            } catch (LookupException e) {
                return false;
            }
        }
    }

    /** A listener's SASL server and what it may offer without and with TLS. */
    private record Sasl(SaslServer server, SaslSecurityOptions plain, SaslSecurityOptions tls, boolean brokenClients,
            boolean authenticatedHeader) {
        List<SaslMechanism> offered(SMTPSession session, Consumer<String> warnings) {
            return (session.isTLSStarted() ? tls : plain).filter(server.mechanisms(warnings));
        }
    }

    @Inject
    public PosternAuthCmdHandler(HookEnvironment environment) {
        this.environment = environment;
    }

    /** Postern's var/, under which a relative smtpd_sasl_path is; the working directory's var/ without it. */
    @com.google.inject.Inject(optional = true)
    public void setSaslSocketDirectory(SaslSocketDirectory socketDirectory) {
        this.socketDirectory = socketDirectory;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        super.init(config);
        limits = environment.perListener(config, this, parameters -> new Limit(
            parameters.number("smtpd_client_auth_rate_limit"),
            NetworkList.parse("smtpd_client_event_limit_exceptions", parameters.list("smtpd_client_event_limit_exceptions"),
                environment::openTable)));
        sasl = environment.perListener(config, this, parameters -> new Sasl(
            SaslServers.of(parameters, socketDirectory.path(), this::checkPassword),
            SaslSecurityOptions.parse("smtpd_sasl_security_options", parameters.list("smtpd_sasl_security_options")),
            SaslSecurityOptions.parse("smtpd_sasl_tls_security_options",
                parameters.list("smtpd_sasl_tls_security_options")),
            parameters.bool("broken_sasl_auth_clients"), parameters.bool("smtpd_sasl_authenticated_header")));
        log = environment.smtpdLog(config, this);
    }

    /** The SASL mechanism the session authenticated with, for the {@code sasl_method=} log field. */
    public static Optional<String> method(SMTPSession session) {
        return session.getAttachment(METHOD, State.Connection);
    }

    /** The transaction's MAIL FROM {@code AUTH=} value, as the client sent it; none for {@code AUTH=<>}. */
    public static Optional<String> mailAuth(SMTPSession session) {
        return session.getAttachment(MAIL_AUTH, State.Transaction);
    }

    /**
     * Keeps MAIL FROM's {@code AUTH=} (RFC 4954) for the policy services' {@code sasl_sender}, as
     * Postfix does: raw, {@code <>} (unknown) as nothing. James's handler accepts and drops it.
     */
    @Override
    public HookResult doMailParameter(SMTPSession session, String paramName, String paramValue) {
        if (paramValue != null && !paramValue.equals("<>")) {
            session.setAttachment(MAIL_AUTH, paramValue, State.Transaction);
        }
        return HookResult.DECLINED;
    }

    /** The login name the Received: header shows, when {@code smtpd_sasl_authenticated_header = yes}. */
    public static Optional<String> authenticatedHeaderName(SMTPSession session) {
        return session.getAttachment(AUTHENTICATED_SENDER, State.Connection);
    }

    @Override
    public List<String> getImplementedEsmtpFeatures(SMTPSession session) {
        if (!session.isAuthAnnounced()) {
            return List.of();
        }
        List<SaslMechanism> offered = sasl.of(session).offered(session, warning -> log.log(session, "warning: " + warning));
        if (offered.isEmpty()) {
            return List.of();
        }
        String names = offered.stream().map(SaslMechanism::name).collect(Collectors.joining(" "));
        return sasl.of(session).brokenClients() ? List.of("AUTH " + names, "AUTH=" + names) : List.of("AUTH " + names);
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (!session.isAuthAnnounced()) {
            return FixedReply.AUTH_NOT_ENABLED.response();
        }
        if (session.getUsername() != null) {
            return FixedReply.ALREADY_AUTHENTICATED.response();
        }
        if (session.getAttachment(SMTPSession.SENDER, State.Transaction).isPresent()) {
            return FixedReply.AUTH_IN_TRANSACTION.response();
        }
        Limit limit = limits.of(session);
        String client = ClientIdentity.address(session);
        if (limit.perMinute() > 0 && !limit.isExempt(session.getRemoteAddress().getAddress())
                && rate.record(client) > limit.perMinute()) {
            log.log(session, "warning: AUTH command rate limit exceeded: from " + ClientIdentity.of(session));
            return FixedReply.TOO_MANY_AUTH_COMMANDS.response(client);
        }
        String argument = request.getArgument() == null ? "" : request.getArgument().trim();
        if (argument.isEmpty()) {
            return FixedReply.AUTH_SYNTAX.response();
        }
        String[] words = argument.split("\\s+", 2);
        String mechanism = words[0].toUpperCase(Locale.ROOT);
        session.setAttachment(METHOD, mechanism, State.Connection);
        boolean offered = sasl.of(session).offered(session, warning -> log.log(session, "warning: " + warning))
            .stream().anyMatch(candidate -> candidate.name().equals(mechanism));
        if (!offered) {
            return failed(session, mechanism, "Invalid authentication mechanism");
        }
        Optional<String> initialResponse = words.length > 1 ? Optional.of(words[1].trim()) : Optional.empty();
        if (initialResponse.isPresent() && !isBase64(initialResponse.get())) {
            return FixedReply.AUTH_CANNOT_DECODE.response();
        }
        SaslExchange exchange = sasl.of(session).server().start(mechanism, new SaslServer.SaslClient(session));
        // "=" is RFC 4954's empty initial response
        return answer(session, mechanism, exchange, initialResponse.map(response -> response.equals("=") ? "" : response));
    }

    /** Runs one step of the exchange and turns its outcome into the reply, waiting for the next line after a 334. */
    private Response answer(SMTPSession session, String mechanism, SaslExchange exchange, Optional<String> response) {
        SaslStep step = exchange.step(response);
        if (step instanceof SaslStep.Challenge challenge) {
            session.setAttachment(EXCHANGE, exchange, State.Connection);
            session.pushLineHandler(new ResponseLine(mechanism, exchange));
            return new SMTPResponse("334", challenge.base64());
        }
        exchange.close();
        session.removeAttachment(EXCHANGE, State.Connection);
        if (step instanceof SaslStep.Success success) {
            return authenticated(session, success.username());
        }
        if (step instanceof SaslStep.Failure failure) {
            return failed(session, mechanism, failure.reason());
        }
        if (step instanceof SaslStep.Unavailable unavailable) {
            log.log(session, "warning: " + ClientIdentity.of(session) + ": SASL " + mechanism
                + " authentication failed: " + unavailable.reason());
            return FixedReply.AUTH_TEMPORARY_FAILURE.response(unavailable.reason());
        }
        return FixedReply.AUTH_CANNOT_DECODE.response();
    }

    private Response authenticated(SMTPSession session, String username) {
        Username name;
        try {
            name = Username.of(username);
        } catch (IllegalArgumentException e) {
            return failed(session, method(session).orElse(""), "the login name is not a valid user name");
        }
        session.setUsername(name);
        session.setRelayingAllowed(true);
        if (sasl.of(session).authenticatedHeader()) {
            session.setAttachment(AUTHENTICATED_SENDER, name.asString(), State.Connection);
        }
        return FixedReply.AUTH_SUCCESSFUL.response();
    }

    private Response failed(SMTPSession session, String mechanism, String reason) {
        log.log(session, "warning: " + ClientIdentity.of(session) + ": SASL " + mechanism
            + " authentication failed: " + reason);
        return FixedReply.AUTH_FAILED.response(reason);
    }

    private static boolean isBase64(String response) {
        return response.equals("=") || (response.length() % 4 == 0 && BASE64.matcher(response).matches());
    }

    /** Postern's users: James's auth hooks (the users store) check the password. */
    private boolean checkPassword(SaslServer.SaslClient client, String username, String password) {
        Username name;
        try {
            name = Username.of(username);
        } catch (IllegalArgumentException e) {
            return false;
        }
        for (AuthHook hook : getHooks()) {
            HookResult result = hook.doAuth(client.session(), name, password);
            if (result != null && result.getResult().getAction() == HookReturnCode.Action.OK) {
                return true;
            }
            if (result != null && result.getResult().getAction() != HookReturnCode.Action.DECLINED) {
                return false;
            }
        }
        return false;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        session.getAttachment(EXCHANGE, State.Connection).ifPresent(SaslExchange::close);
    }

    /** The client's next response in an exchange: {@code *} aborts it (RFC 4954). */
    private final class ResponseLine implements LineHandler<SMTPSession> {
        private final String mechanism;
        private final SaslExchange exchange;

        ResponseLine(String mechanism, SaslExchange exchange) {
            this.mechanism = mechanism;
            this.exchange = exchange;
        }

        @Override
        public Response onLine(SMTPSession session, byte[] bytes) {
            session.popLineHandler();
            String line = new String(bytes, StandardCharsets.US_ASCII).strip();
            if (line.equals("*")) {
                exchange.close();
                session.removeAttachment(EXCHANGE, State.Connection);
                return FixedReply.AUTH_ABORTED.response();
            }
            if (!isBase64(line)) {
                exchange.close();
                session.removeAttachment(EXCHANGE, State.Connection);
                return FixedReply.AUTH_CANNOT_DECODE.response();
            }
            return answer(session, mechanism, exchange, Optional.of(line));
        }
    }
}
