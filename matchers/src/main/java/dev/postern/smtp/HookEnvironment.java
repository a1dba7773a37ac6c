package dev.postern.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.handler.ProtocolHandler;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.config.PosternEnvironment;
import dev.postern.log.MailLog;

/**
 * {@link PosternEnvironment} for SMTP hooks: a child element of the {@code <handler>} named
 * like a main.cf parameter overrides it for that listener only (as {@code -o name=value} does
 * in master.cf).
 */
public class HookEnvironment extends PosternEnvironment {
    @Inject
    public HookEnvironment() {
    }

    public HookEnvironment(MainCf mainCf, MailLog mailLog) {
        super(mainCf, mailLog);
    }

    public ComponentParameters parameters(Configuration handlerConfig, ProtocolHandler hook) throws ConfigurationException {
        try {
            return parameters(name -> Optional.ofNullable(handlerConfig.getString(name, null)),
                hook.getClass().getSimpleName());
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    /**
     * The client's name for this listener's DNS; Postfix's warnings about names that do not
     * map back to the address go to the mail log as {@code warning:} lines.
     *
     * @throws ConfigurationException naming {@code postern_dns_servers} for a bad value
     */
    public ClientIdentity clientIdentity(ComponentParameters parameters, MailLog mailLog, String service)
            throws ConfigurationException {
        try {
            return new ClientIdentity(clientHostnames(parameters), text -> mailLog.log(service, "warning: " + text));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    /** The daemon name in log lines: {@code smtpd}, or e.g. {@code submission/smtpd} set per listener. */
    public static String service(Configuration handlerConfig) {
        return handlerConfig.getString("syslogService", "smtpd");
    }
}
