package dev.postern.smtpd;

import java.util.Locale;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.postern.log.MailEvent;
import dev.postern.restrictions.RejectClass;
import dev.postern.restrictions.Reply;
import dev.postern.restrictions.Verdict;

/**
 * The mail log lines of restriction verdicts outside RCPT TO, in the form of Postfix's
 * {@code log_whatsup}: {@code QID|NOQUEUE: ACTION: WHERE from NAME[IP]: TEXT; from=<s> to=<r>
 * proto=P helo=<h>}, where {@code from}, {@code to} and {@code helo} appear only when known, and
 * {@code sasl_method}/{@code sasl_username} follow for a logged-in client.
 */
final class VerdictLog {
    private final SmtpdLog log;

    VerdictLog(SmtpdLog log) {
        this.log = log;
    }

    /**
     * What a command is about, for the log line.
     *
     * @param where  {@code CONNECT}, {@code HELO}, {@code EHLO}, {@code MAIL}, {@code DATA}, {@code END-OF-MESSAGE}
     * @param from   the sender; null when there is none yet
     * @param to     the recipient; null when there is none, or more than one (Postfix names none then)
     * @param helo   the HELO name the check saw; null when none
     */
    record Context(String where, String from, String to, String helo) {
    }

    /** The context of the session as it stands: its HELO name, no sender or recipient. */
    static Context context(SMTPSession session, String where) {
        return new Context(where, null, null,
            session.getAttachment(SMTPSession.CURRENT_HELO_NAME, State.Connection).orElse(null));
    }

    /** A refusal that no restriction decided (a lookup failure, a malformed HELO name). */
    void reject(SMTPSession session, Context context, Reply reply) {
        reject(session, context, reply, RejectClass.OTHER);
    }

    /** The refusal of a verdict, counted under the kind of restriction that gave it. */
    void reject(SMTPSession session, Context context, Verdict verdict) {
        reject(session, context, verdict.reply(), verdict.rejectClass());
    }

    private void reject(SMTPSession session, Context context, Reply reply, RejectClass rejectClass) {
        write(session, context, "reject", reply.line(),
            Optional.of(new MailEvent.Reject(Integer.toString(reply.code()), rejectClass.label())));
    }

    /** The answers of the policy services the verdict asked, for the metrics (Postfix logs no line). */
    void policyAnswers(SMTPSession session, Verdict verdict) {
        verdict.policyAnswers().forEach(answer ->
            log.record(session, new MailEvent.PolicyDecision(answer.service(), answer.action())));
    }

    /**
     * The lines of what a verdict did on the way: {@code reject_warning}, {@code warn},
     * {@code info}, its warnings (such as a malformed FILTER), and a warning for each action
     * skipped before MAIL FROM.
     */
    void sideEffects(SMTPSession session, Context context, Verdict verdict) {
        policyAnswers(session, verdict);
        verdict.warnings().forEach(line -> write(session, context, "reject_warning", line));
        for (Verdict.Action action : verdict.actions()) {
            switch (action.type()) {
                case WARN, INFO -> write(session, context, action.type().name().toLowerCase(Locale.ROOT), action.text());
                case WARNING -> log.log(session, "warning: " + action.text());
                // Postfix also names the table; the verdict does not carry it.
                case SKIPPED -> log.log(session, "warning: with smtpd_delay_reject=no, action " + action.text()
                    + " is always skipped in Client host or Helo command restrictions");
                default -> {
                }
            }
        }
    }

    /** A line of this form with any action and text, e.g. {@code warn}, that counts as no event. */
    void write(SMTPSession session, Context context, String action, String text) {
        write(session, context, action, text, Optional.empty());
    }

    /** The line of a message action ({@code hold}, {@code discard}, {@code filter}, ...), with its event if it has one. */
    void write(SMTPSession session, Context context, MessageActions.Logged logged) {
        write(session, context, logged.action(), logged.text(), logged.event());
    }

    private void write(SMTPSession session, Context context, String action, String text, Optional<MailEvent> event) {
        StringBuilder line = new StringBuilder()
            .append(SessionQueueId.get(session).orElse("NOQUEUE")).append(": ").append(action).append(": ")
            .append(context.where()).append(" from ").append(ClientIdentity.of(session)).append(": ").append(text).append(';');
        if (context.from() != null) {
            line.append(" from=<").append(context.from()).append('>');
        }
        if (context.to() != null) {
            line.append(" to=<").append(context.to()).append('>');
        }
        line.append(" proto=").append(SmtpdLogger.protocol(session));
        if (context.helo() != null) {
            line.append(" helo=<").append(context.helo()).append('>');
        }
        if (session.getUsername() != null) {
            line.append(" sasl_method=").append(PosternAuthCmdHandler.method(session).orElse("PLAIN"))
                .append(" sasl_username=").append(session.getUsername().asString());
        }
        log.log(session, line.toString(), event);
    }
}
