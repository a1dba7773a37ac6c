package dev.postern.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.api.handler.ProtocolHandler;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.log.MailLog;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/**
 * What every Postern SMTP hook needs from its surroundings: main.cf and the mail log.
 * Postern's assembly binds both; in a stock James server neither is bound (the optional
 * setters are skipped) and main.cf is read from the handler's {@code mainCf} element.
 * A child element of the {@code <handler>} named like a main.cf parameter overrides it
 * for that listener only (as {@code -o name=value} does in master.cf).
 */
public class HookEnvironment {
    private MainCf mainCf;
    private MailLog mailLog;
    private TableRegistry tables;

    @Inject
    public HookEnvironment() {
    }

    public HookEnvironment(MainCf mainCf, MailLog mailLog) {
        this.mainCf = mainCf;
        this.mailLog = mailLog;
    }

    @com.google.inject.Inject(optional = true)
    public void setMainCf(MainCf mainCf) {
        this.mainCf = mainCf;
    }

    @com.google.inject.Inject(optional = true)
    public void setMailLog(MailLog mailLog) {
        this.mailLog = mailLog;
    }

    @com.google.inject.Inject(optional = true)
    public void setTables(TableRegistry tables) {
        this.tables = tables;
    }

    /**
     * Opens a {@code type:name} table through the server's registry (one load per table,
     * reloaded on change); in a stock James server a registry of its own, relative paths
     * resolving against the working directory. An unreadable or malformed table is an
     * {@link IllegalArgumentException} naming FILE:LINE, which stops the listener's start.
     */
    public synchronized LookupTable openTable(String typeAndName) {
        if (tables == null) {
            tables = new TableRegistry();
        }
        try {
            return tables.open(typeAndName);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    public ComponentParameters parameters(Configuration handlerConfig, ProtocolHandler hook) throws ConfigurationException {
        try {
            return ComponentParameters.of(mainCf,
                name -> Optional.ofNullable(handlerConfig.getString(name, null)),
                hook.getClass().getSimpleName());
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    /** The bound mail log, or one for the main.cf these parameters come from. */
    public MailLog mailLog(ComponentParameters parameters) {
        return mailLog != null ? mailLog : MailLog.from(parameters.mainCf());
    }

    /** The daemon name in log lines: {@code smtpd}, or e.g. {@code submission/smtpd} set per listener. */
    public static String service(Configuration handlerConfig) {
        return handlerConfig.getString("syslogService", "smtpd");
    }
}
