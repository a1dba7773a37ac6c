package dev.postern.smtpd;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.api.handler.DisconnectHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;

import dev.postern.address.NetworkList;
import dev.postern.config.ComponentParameters;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;

/**
 * Postfix's anvil limits per client address, each listener counting its own clients:
 * {@code smtpd_client_connection_count_limit} (simultaneous connections, default 50) and
 * {@code smtpd_client_connection_rate_limit} (connections per minute) answer the new
 * connection {@code 421 4.7.0 HOST Error: too many connections from IP} and close it;
 * {@code smtpd_client_message_rate_limit} (MAIL commands per minute) answers
 * {@code 450 4.7.1 Error: too much mail from IP}. Clients in
 * {@code smtpd_client_event_limit_exceptions} ({@code $mynetworks}) are not limited.
 */
public class AnvilLimits implements ConnectHandler<SMTPSession>, DisconnectHandler<SMTPSession>, MailHook {
    private static final SMTPSession.AttachmentKey<String> COUNTED =
        SMTPSession.AttachmentKey.of("dev.postern.anvilCounted", String.class);

    private final HookEnvironment environment;
    private final Map<String, Integer> connections = new ConcurrentHashMap<>();
    private final ClientEventRate connectionRate = new ClientEventRate(Duration.ofMinutes(1), Clock.systemUTC());
    private final ClientEventRate messageRate = new ClientEventRate(Duration.ofMinutes(1), Clock.systemUTC());
    private PerListener<Limits> limits;
    private SmtpdLog log;

    private record Limits(long count, long connectionRate, long messageRate, NetworkList exceptions, String service) {
        /** A table in the exception list that fails leaves the client limited: a failure never loosens a limit. */
        boolean isException(InetAddress client) {
            try {
                return exceptions.contains(client);
            } catch (LookupException e) {
                return false;
            }
        }

        static Limits of(ComponentParameters parameters, Function<String, LookupTable> tables) {
            String syslogName = parameters.get("syslog_name");
            int slash = syslogName.lastIndexOf('/');
            return new Limits(parameters.number("smtpd_client_connection_count_limit"),
                parameters.number("smtpd_client_connection_rate_limit"),
                parameters.number("smtpd_client_message_rate_limit"),
                NetworkList.parse("smtpd_client_event_limit_exceptions", parameters.list("smtpd_client_event_limit_exceptions"),
                    tables),
                slash < 0 ? "smtp" : syslogName.substring(slash + 1));
        }
    }

    @Inject
    public AnvilLimits(HookEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        limits = environment.perListener(config, this, parameters -> Limits.of(parameters, environment::openTable));
        log = environment.smtpdLog(config, this);
    }

    @Override
    public Response onConnect(SMTPSession session) {
        Limits limit = limits.of(session);
        if (limit.isException(session.getRemoteAddress().getAddress())) {
            return null;
        }
        String client = ClientIdentity.address(session);
        int count = connections.merge(client, 1, Integer::sum);
        session.setAttachment(COUNTED, client, State.Connection);
        if (limit.count() > 0 && count > limit.count()) {
            return refuse(session, "Connection concurrency limit exceeded: " + count, limit);
        }
        int rate = connectionRate.record(client);
        if (limit.connectionRate() > 0 && rate > limit.connectionRate()) {
            return refuse(session, "Connection rate limit exceeded: " + rate, limit);
        }
        return null;
    }

    private Response refuse(SMTPSession session, String what, Limits limit) {
        log.log(session, "warning: " + what + " from " + ClientIdentity.of(session) + " for service " + limit.service());
        SMTPResponse response = FixedReply.TOO_MANY_CONNECTIONS.response(session.getConfiguration().getHelloName(),
            ClientIdentity.address(session));
        response.setEndSession(true);
        return response;
    }

    @Override
    public void onDisconnect(SMTPSession session) {
        session.getAttachment(COUNTED, State.Connection)
            .ifPresent(client -> connections.computeIfPresent(client, (key, count) -> count <= 1 ? null : count - 1));
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        Limits limit = limits.of(session);
        if (limit.messageRate() <= 0 || limit.isException(session.getRemoteAddress().getAddress())) {
            return HookResult.DECLINED;
        }
        int rate = messageRate.record(ClientIdentity.address(session));
        if (rate <= limit.messageRate()) {
            return HookResult.DECLINED;
        }
        log.log(session, "warning: Message delivery request rate limit exceeded: " + rate + " from "
            + ClientIdentity.of(session) + " for service " + limit.service());
        return FixedReply.TOO_MUCH_MAIL.hookResult(ClientIdentity.address(session));
    }
}
