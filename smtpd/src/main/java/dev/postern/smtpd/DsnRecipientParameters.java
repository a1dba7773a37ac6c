package dev.postern.smtpd;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSession.State;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.apache.james.smtpserver.dsn.DSNRcptParameterHook;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.DsnParameters.Notify;
import org.apache.mailet.DsnParameters.RecipientDsnParameters;

/**
 * The RFC 3461 parameters of RCPT TO, {@code NOTIFY=NEVER|SUCCESS,FAILURE,DELAY} and
 * {@code ORCPT=rfc822;xtext}, kept where James's {@code DSNMessageHook} reads them. Declaring them
 * here is also what keeps James's RCPT handler from refusing them as unknown ({@code 555}).
 *
 * <p>In place of James's {@link DSNRcptParameterHook}, whose map builder fails the whole message when
 * a recipient is given twice, and which lets a bad NOTIFY or ORCPT escape as an exception: here the
 * last RCPT of an address wins, and bad syntax gets Postfix's {@code 501 5.5.4} reply. Runs before the
 * restrictions (the first hook to accept a recipient ends the chain); parameters of a recipient that
 * is then refused are harmless, as the message never has that recipient.
 */
public class DsnRecipientParameters implements RcptHook {
    private static final String RFC822_TYPE = "rfc822;";

    @SuppressWarnings("unchecked")
    private static final ProtocolSession.AttachmentKey<Map<MailAddress, RecipientDsnParameters>> GIVEN =
        ProtocolSession.AttachmentKey.of("dev.postern.dsnRcptParameters", (Class<Map<MailAddress, RecipientDsnParameters>>) (Class<?>) Map.class);

    @Override
    public Set<String> supportedParameters() {
        return Set.of(DsnParameters.NOTIFY_PARAMETER, DsnParameters.ORCPT_PARAMETER);
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        Optional<EnumSet<Notify>> notify;
        try {
            notify = Optional.ofNullable(parameters.get(DsnParameters.NOTIFY_PARAMETER)).map(DsnRecipientParameters::notify);
        } catch (IllegalArgumentException e) {
            return DsnMailParameters.badSyntax("Error: Bad NOTIFY parameter syntax");
        }
        Optional<MailAddress> orcpt;
        try {
            orcpt = Optional.ofNullable(parameters.get(DsnParameters.ORCPT_PARAMETER)).flatMap(DsnRecipientParameters::orcpt);
        } catch (IllegalArgumentException e) {
            return DsnMailParameters.badSyntax("Error: Bad ORCPT parameter syntax");
        }
        RecipientDsnParameters.of(notify, orcpt).ifPresent(given -> remember(session, rcpt, given));
        return HookResult.DECLINED;
    }

    private static void remember(SMTPSession session, MailAddress rcpt, RecipientDsnParameters given) {
        Map<MailAddress, RecipientDsnParameters> all = new LinkedHashMap<>(session.getAttachment(GIVEN, State.Transaction)
            .orElse(Map.of()));
        all.put(rcpt, given);
        // in RCPT order, which the message's parameters keep
        session.setAttachment(GIVEN, Collections.unmodifiableMap(all), State.Transaction);
        // James's builder cannot replace an entry: a new one from the whole map each time
        DSNRcptParameterHook.Builder builder = new DSNRcptParameterHook.Builder();
        all.forEach(builder::add);
        session.setAttachment(DSNRcptParameterHook.DSN_RCPT_PARAMETERS, builder, State.Transaction);
    }

    private static EnumSet<Notify> notify(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("empty NOTIFY");
        }
        return Notify.parse(value.toUpperCase(Locale.ROOT));
    }

    /**
     * RFC 3461 {@code addr-type ";" xtext}. Only {@code rfc822} addresses can be kept (James's
     * parameters hold a mail address); another well-formed type is accepted and not kept, so that
     * the recipient is not refused for it.
     */
    private static Optional<MailAddress> orcpt(String value) {
        int semicolon = value.indexOf(';');
        if (semicolon <= 0 || !DsnParameters.XText.isValid(value.substring(semicolon + 1))) {
            throw new IllegalArgumentException("not addr-type;xtext");
        }
        if (!value.substring(0, semicolon + 1).equalsIgnoreCase(RFC822_TYPE)) {
            return Optional.empty();
        }
        String address = DsnParameters.XText.decode(value.substring(semicolon + 1));
        if (address.startsWith("<") && address.endsWith(">")) {
            address = address.substring(1, address.length() - 1);
        }
        try {
            return Optional.of(new MailAddress(address));
        } catch (AddressException e) {
            throw new IllegalArgumentException("bad ORCPT address " + address, e);
        }
    }
}
