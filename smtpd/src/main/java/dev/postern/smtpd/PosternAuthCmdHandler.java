package dev.postern.smtpd;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;

import dev.postern.address.NetworkList;
import dev.postern.tables.LookupException;

/**
 * AUTH PLAIN and LOGIN the Postfix way, on top of James's AUTH handler (which checks the
 * password against the users store through its auth hook):
 * <ul>
 * <li>an AUTH that was not announced is refused with {@code 503 5.5.1 Error: authentication
 * not enabled}: James would otherwise authenticate before STARTTLS even where
 * {@code smtpd_tls_auth_only} hides AUTH, and on listeners where SASL is off;</li>
 * <li>{@code 503} for a second AUTH or an AUTH inside a mail transaction;</li>
 * <li>{@code smtpd_client_auth_rate_limit}: AUTH commands per client and minute, except
 * {@code smtpd_client_event_limit_exceptions} ({@code $mynetworks});</li>
 * <li>Postfix's replies ({@code 235 2.7.0 Authentication successful},
 * {@code 535 5.7.8 Error: authentication failed: authentication failure}) and the
 * {@code warning: NAME[IP]: SASL LOGIN authentication failed} log line that fail2ban reads.</li>
 * </ul>
 */
public class PosternAuthCmdHandler extends AuthCmdHandler {
    private static final org.apache.james.protocols.api.ProtocolSession.AttachmentKey<String> METHOD =
        org.apache.james.protocols.api.ProtocolSession.AttachmentKey.of("dev.postern.saslMethod", String.class);

    private final HookEnvironment environment;
    private final ClientEventRate rate = new ClientEventRate(Duration.ofMinutes(1), Clock.systemUTC());
    private PerListener<Limit> limits;
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

    @Inject
    public PosternAuthCmdHandler(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        super.init(config);
        limits = environment.perListener(config, this, parameters -> new Limit(
            parameters.number("smtpd_client_auth_rate_limit"),
            NetworkList.parse("smtpd_client_event_limit_exceptions", parameters.list("smtpd_client_event_limit_exceptions"),
                environment::openTable)));
        log = environment.smtpdLog(config, this);
    }

    /** The SASL mechanism the session authenticated with, for the {@code sasl_method=} log field. */
    public static Optional<String> method(SMTPSession session) {
        return session.getAttachment(METHOD, State.Connection);
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
        session.setAttachment(METHOD, argument.split(" ", 2)[0].toUpperCase(Locale.ROOT), State.Connection);
        return super.onCommand(session, request);
    }

    @Override
    protected Response doAuthTest(SMTPSession session, Username username, String pass, String authType) {
        Response response = super.doAuthTest(session, username, pass, authType);
        String code = response.getRetCode();
        if (code.equals("235")) {
            return FixedReply.AUTH_SUCCESSFUL.response();
        }
        if (code.equals("535")) {
            log.log(session, "warning: " + ClientIdentity.of(session) + ": SASL " + authType
                + " authentication failed: authentication failure");
            return FixedReply.AUTH_FAILED.response();
        }
        if (code.equals("501")) {
            return FixedReply.AUTH_CANNOT_DECODE.response();
        }
        return response;
    }
}
