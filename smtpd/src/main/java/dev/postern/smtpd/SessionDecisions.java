package dev.postern.smtpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.postern.cleanup.ContentOutcome;
import dev.postern.queue.MailAttributes;

/**
 * The results of the restrictions that act on the whole message, whichever recipient's check
 * produced them, kept with the transaction until the message is received: HOLD, DISCARD,
 * FILTER and REDIRECT (for each, the last one wins) and BCC become mail attributes for the
 * pipeline when the message is queued; PREPEND headers are written into the message ahead of the
 * {@code Received:} header, as Postfix's smtpd writes them.
 */
final class SessionDecisions {
    private static final ProtocolSession.AttachmentKey<String> HOLD =
        ProtocolSession.AttachmentKey.of("dev.postern.decision.hold", String.class);
    private static final ProtocolSession.AttachmentKey<String> DISCARD =
        ProtocolSession.AttachmentKey.of("dev.postern.decision.discard", String.class);
    private static final ProtocolSession.AttachmentKey<String> FILTER =
        ProtocolSession.AttachmentKey.of("dev.postern.decision.filter", String.class);
    private static final ProtocolSession.AttachmentKey<String> REDIRECT =
        ProtocolSession.AttachmentKey.of("dev.postern.decision.redirect", String.class);
    private static final ProtocolSession.AttachmentKey<Lines> BCC =
        ProtocolSession.AttachmentKey.of("dev.postern.decision.bcc", Lines.class);
    private static final ProtocolSession.AttachmentKey<Lines> PREPEND =
        ProtocolSession.AttachmentKey.of("dev.postern.decision.prepend", Lines.class);

    /** An ordered, growing list of texts kept with one transaction. */
    static final class Lines {
        private final List<String> lines = new ArrayList<>();

        synchronized void add(String line) {
            lines.add(line);
        }

        synchronized List<String> all() {
            return List.copyOf(lines);
        }
    }

    private SessionDecisions() {
    }

    static void hold(ProtocolSession session, String reason) {
        session.setAttachment(HOLD, reason, State.Transaction);
    }

    static void discard(ProtocolSession session, String reason) {
        session.setAttachment(DISCARD, reason, State.Transaction);
    }

    /** {@code transport:destination} of the content filter every recipient goes to; a later one replaces it. */
    static void filter(ProtocolSession session, String route) {
        session.setAttachment(FILTER, route, State.Transaction);
    }

    static void redirect(ProtocolSession session, String address) {
        session.setAttachment(REDIRECT, address, State.Transaction);
    }

    static void bcc(ProtocolSession session, String address) {
        lines(session, BCC).add(address);
    }

    /**
     * The decisions of header and body checks (HOLD, DISCARD, FILTER, REDIRECT, BCC); cleanup's
     * FILTER comes after smtpd's, so it replaces one the restriction lists chose.
     */
    static void carryOut(ProtocolSession session, ContentOutcome outcome) {
        outcome.hold().ifPresent(reason -> hold(session, reason));
        outcome.discard().ifPresent(reason -> discard(session, reason));
        outcome.filter().ifPresent(route -> filter(session, route));
        outcome.redirect().ifPresent(address -> redirect(session, address));
        outcome.bcc().forEach(address -> bcc(session, address));
    }

    static void prepend(ProtocolSession session, String header) {
        lines(session, PREPEND).add(header);
    }

    /** The PREPEND headers of the transaction, in the order the actions fired. */
    static List<String> prepended(ProtocolSession session) {
        return session.getAttachment(PREPEND, State.Transaction).map(Lines::all).orElse(List.of());
    }

    static void applyTo(ProtocolSession session, Mail mail) {
        Map.of(HOLD, MailAttributes.HOLD, DISCARD, MailAttributes.DISCARD, FILTER, MailAttributes.FILTER,
                REDIRECT, MailAttributes.REDIRECT)
            .forEach((key, name) -> copy(session.getAttachment(key, State.Transaction), name, mail));
        session.getAttachment(BCC, State.Transaction).map(Lines::all).ifPresent(addresses -> {
            List<AttributeValue<?>> values = addresses.stream().<AttributeValue<?>>map(AttributeValue::of).toList();
            mail.setAttribute(new Attribute(MailAttributes.BCC, AttributeValue.of(values)));
        });
    }

    private static Lines lines(ProtocolSession session, ProtocolSession.AttachmentKey<Lines> key) {
        return session.getAttachment(key, State.Transaction).orElseGet(() -> {
            Lines fresh = new Lines();
            session.setAttachment(key, fresh, State.Transaction);
            return fresh;
        });
    }

    private static void copy(Optional<String> reason, AttributeName name, Mail mail) {
        reason.ifPresent(text -> mail.setAttribute(new Attribute(name, AttributeValue.of(text))));
    }
}
