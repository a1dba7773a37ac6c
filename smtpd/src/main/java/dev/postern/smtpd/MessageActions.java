package dev.postern.smtpd;

import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession;

import dev.postern.log.MailEvent;
import dev.postern.restrictions.Verdict;

/**
 * The access(5) results of smtpd's restriction lists that act on the whole message rather than
 * on the command: HOLD, DISCARD, FILTER, REDIRECT and BCC. Each is recorded in the transaction's
 * {@link SessionDecisions} (the pipeline carries it out once the message is queued) and described
 * by the text of smtpd's log line, {@code <NAME>: CLASS triggers FILTER transport:destination},
 * which the caller writes in the line form of its command. One place for both, so that every
 * stage (RCPT, MAIL, DATA, END-OF-MESSAGE) records and words them alike.
 */
final class MessageActions {
    /** The action word of the log line ({@code hold}, {@code filter}, ...) and the text after {@code WHERE from NAME[IP]: }. */
    record Logged(String action, String text) {
        /** The event of the line, for the metrics: HOLD and DISCARD are counted; the others are not. */
        Optional<MailEvent> event() {
            return switch (action) {
                case "hold" -> Optional.of(new MailEvent.Hold());
                case "discard" -> Optional.of(new MailEvent.Discard());
                default -> Optional.empty();
            };
        }
    }

    private MessageActions() {
    }

    /**
     * Records one action of a verdict.
     *
     * @param subject {@code <NAME>: CLASS}, e.g. {@code <bob@example.com>: Recipient address} or
     *                {@code <DATA>: Data command}
     * @return what to log; empty for an action that is not one of these (WARN, INFO and warnings
     *         are logged by the caller, PREPEND is written into the message)
     */
    static Optional<Logged> record(ProtocolSession session, Verdict.Action action, String subject) {
        String text = action.text();
        return switch (action.type()) {
            case HOLD -> {
                SessionDecisions.hold(session, text);
                yield logged("hold", subject + " " + orDefault(text, "triggers HOLD action"));
            }
            case DISCARD -> {
                SessionDecisions.discard(session, text);
                yield logged("discard", subject + " " + orDefault(text, "triggers DISCARD action"));
            }
            case FILTER -> {
                SessionDecisions.filter(session, text);
                yield logged("filter", subject + " triggers FILTER " + text);
            }
            case REDIRECT -> {
                SessionDecisions.redirect(session, text);
                yield logged("redirect", subject + " triggers REDIRECT " + text);
            }
            case BCC -> {
                SessionDecisions.bcc(session, text);
                yield logged("bcc", subject + " triggers BCC " + text);
            }
            default -> Optional.empty();
        };
    }

    private static Optional<Logged> logged(String action, String text) {
        return Optional.of(new Logged(action, text));
    }

    private static String orDefault(String text, String fallback) {
        return text.isBlank() ? fallback : text;
    }
}
