package dev.postern.log;

import java.time.Clock;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.MainCf;

/**
 * The Postfix-format mail log: every stage of every message writes its line here, in
 * syslog form, so that operators' tools (pflogsumm, grep by queue ID) work unchanged:
 * <pre>Nov 28 15:49:01 mx postern/smtpd[4242]: 3F2A1B4C5D6E: client=host.example[192.0.2.1]</pre>
 * Lines go to the SLF4J logger {@value #LOGGER_NAME} as complete lines; Postern's
 * logback.xml sends that logger to {@code var/log/maillog} and to standard output.
 *
 * <p>Callers put client, header and remote-server values into their text as they came: the text
 * is made {@link Printable} here, so that no caller can forget it and no value can write a line
 * of its own.
 */
public final class MailLog {
    public static final String LOGGER_NAME = "postern.maillog";

    private final String syslogName;
    private final String host;
    private final long pid;
    private final SyslogTimestamps timestamps;
    private final Consumer<String> sink;
    private final MailLogObserver observer;

    public MailLog(String syslogName, String hostname, Clock clock, Consumer<String> sink) {
        this(syslogName, shortName(hostname), new SyslogTimestamps(clock), sink, MailLogObserver.NONE);
    }

    private MailLog(String syslogName, String host, SyslogTimestamps timestamps, Consumer<String> sink,
            MailLogObserver observer) {
        this.syslogName = syslogName;
        this.host = host;
        this.pid = ProcessHandle.current().pid();
        this.timestamps = timestamps;
        this.sink = sink;
        this.observer = observer;
    }

    /** The mail log of a main.cf: {@code syslog_name} and {@code myhostname}, to the mail log logger. */
    public static MailLog from(MainCf mainCf) {
        Logger logger = LoggerFactory.getLogger(LOGGER_NAME);
        return new MailLog(mainCf.get("syslog_name"), mainCf.get("myhostname"), Clock.systemDefaultZone(), logger::info);
    }

    /** The same log under another {@code syslog_name}, as a master.cf service sets with {@code -o syslog_name=}. */
    public MailLog withSyslogName(String name) {
        return name.equals(syslogName) ? this : new MailLog(name, host, timestamps, sink, observer);
    }

    /**
     * The same log, also showing each {@link MailEvent} to {@code observer} (which every log
     * derived from it with {@link #withSyslogName} keeps).
     */
    public MailLog withObserver(MailLogObserver observer) {
        return new MailLog(syslogName, host, timestamps, sink, observer);
    }

    /**
     * A line that tells no {@link MailEvent} (a warning, a message-id, a disconnect): written, and
     * shown to no observer.
     *
     * @param service the Postfix daemon name, such as {@code smtpd}, {@code cleanup},
     *                {@code qmgr}, {@code local}, {@code smtp}; a listener may prefix it,
     *                as in {@code submission/smtpd}
     * @param text    the line after the {@code name[pid]: } prefix, values in it as they came
     */
    public void log(String service, String text) {
        write(service, text);
    }

    /** A line and the event it tells, which the observer is shown (not the text). */
    public void log(String service, String text, MailEvent event) {
        write(service, text);
        record(service, event);
    }

    /** {@code QID: text}, and the event it tells. */
    public void log(String service, String queueId, String text, MailEvent event) {
        log(service, queueId + ": " + text, event);
    }

    /**
     * A delivery agent's line for one recipient ({@code QID: to=<r>, relay=..., delay=..., status=S (...)}),
     * with its outcome as fields for the observer.
     */
    public void logDelivery(String service, String queueId, String text, DeliveryOutcome outcome) {
        log(service, queueId, text, outcome);
    }

    /**
     * An event that has no line of its own (Postfix logs none): a queue write's time, a milter's or
     * a policy service's decision, a HOLD or DISCARD whose line another part wrote.
     */
    public void record(String service, MailEvent event) {
        try {
            observer.observed(syslogName, service, event);
        } catch (RuntimeException e) {
            // The line is written; a fault in what merely counts events must not fail the
            // delivery or the SMTP command that logged it.
            LoggerFactory.getLogger(MailLog.class).warn("mail log observer failed on {} of {}: {}", event, service, e.toString());
        }
    }

    private void write(String service, String text) {
        // The one place every value from a client, a header or a remote server passes on its way
        // to the log: one event stays one physical line whatever the caller put into it.
        String printable = Printable.of(text);
        sink.accept(timestamps.now() + " " + host + " " + syslogName + "/" + service
            + "[" + pid + "]: " + printable);
    }

    /** {@code QID: text}, the form of every line about one message. */
    public void log(String service, String queueId, String text) {
        log(service, queueId + ": " + text);
    }

    private static String shortName(String hostname) {
        int dot = hostname.indexOf('.');
        return dot > 0 ? hostname.substring(0, dot) : hostname;
    }
}
