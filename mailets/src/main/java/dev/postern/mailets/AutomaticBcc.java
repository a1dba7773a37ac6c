package dev.postern.mailets;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import com.google.common.collect.ImmutableMap;
import org.apache.james.core.MailAddress;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.PosternEnvironment;
import dev.postern.address.AddressMapLookup;
import dev.postern.config.ComponentParameters;
import dev.postern.queue.QueueIdGenerator;
import dev.postern.rewrite.AddressMap;
import dev.postern.rewrite.Addresses;
import dev.postern.rewrite.CleanupMaps;
import dev.postern.tables.LookupException;

/**
 * Postfix cleanup's automatic bcc: {@code always_bcc}, {@code sender_bcc_maps} (looked up by the
 * envelope sender) and {@code recipient_bcc_maps} (by each envelope recipient), in
 * {@link AddressMapLookup} order. Each gives one address, added as a recipient unless the mail
 * already has it; as in Postfix the added recipients ask for no delivery status notifications
 * ({@code NOTIFY=NEVER} in the mail's DSN parameters), so their failures bounce to nobody.
 * A failed lookup changes nothing: the mail is deferred ({@code retryProcessor}, default
 * {@code root}).
 */
public class AutomaticBcc extends CleanupMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(AutomaticBcc.class);

    private Optional<String> alwaysBcc;
    private AddressMap senderBcc;
    private AddressMap recipientBcc;

    @Inject
    public AutomaticBcc(PosternEnvironment environment, QueueIdGenerator unique) {
        this(environment, Clock.systemUTC(), unique);
    }

    AutomaticBcc(PosternEnvironment environment, Clock clock, QueueIdGenerator unique) {
        super(environment, clock, unique);
    }

    @Override
    String defaultRetryProcessor() {
        return "root";
    }

    @Override
    void configure(ComponentParameters parameters, CleanupMaps maps) {
        String always = parameters.get("always_bcc").trim();
        if (!always.isEmpty() && always.indexOf('@') < 0) {
            always = always + "@" + maps.myorigin(); // cleanup's rewriting to standard form
        }
        alwaysBcc = always.isEmpty() ? Optional.empty() : Optional.of(always);
        if (alwaysBcc.isPresent() && parse(alwaysBcc.get()).isEmpty()) {
            throw new IllegalArgumentException("always_bcc: \"" + always + "\" is not a valid address");
        }
        senderBcc = maps.map("sender_bcc_maps", null);
        recipientBcc = maps.map("recipient_bcc_maps", null);
    }

    @Override
    void process(Mail mail) throws StageFailure, MessagingException {
        Set<String> added = new LinkedHashSet<>();
        alwaysBcc.ifPresent(added::add);
        try {
            if (!senderBcc.isEmpty() && !mail.getMaybeSender().isNullSender()) {
                first(senderBcc, mail.getMaybeSender().get()).ifPresent(added::add);
            }
            if (!recipientBcc.isEmpty()) {
                for (MailAddress recipient : mail.getRecipients()) {
                    first(recipientBcc, recipient).ifPresent(added::add);
                }
            }
        } catch (LookupException e) {
            throw new StageFailure("4.3.0", "Temporary lookup failure", e.getMessage(), e);
        }
        Set<MailAddress> recipients = new LinkedHashSet<>(mail.getRecipients());
        List<MailAddress> bcc = new ArrayList<>();
        for (String address : added) {
            Optional<MailAddress> parsed = parse(address);
            if (parsed.isEmpty()) {
                // a table mistake must not hold up the mail for its real recipients
                LOGGER.warn("{}: {}: bcc address \"{}\" is not a valid address; not added",
                    QueueIdGenerator.queueIdOf(mail.getName()), getMailetName(), address);
            } else if (recipients.add(parsed.get())) {
                bcc.add(parsed.get());
            }
        }
        if (bcc.isEmpty()) {
            return;
        }
        mail.setRecipients(new ArrayList<>(recipients));
        notifyNever(mail, bcc);
    }

    /** A bcc map gives one address; more in a value would be a table mistake, and only the first counts. */
    private static Optional<String> first(AddressMap map, MailAddress address) throws LookupException {
        return map.map(Addresses.internal(address.asString())).map(list -> Addresses.external(list.get(0)));
    }

    private static void notifyNever(Mail mail, List<MailAddress> bcc) {
        ImmutableMap.Builder<MailAddress, DsnParameters.RecipientDsnParameters> parameters = ImmutableMap.builder();
        mail.dsnParameters().ifPresent(existing -> existing.getRcptParameters().forEach((recipient, value) -> {
            if (!bcc.contains(recipient)) {
                parameters.put(recipient, value);
            }
        }));
        DsnParameters.RecipientDsnParameters never = DsnParameters.RecipientDsnParameters.of(
            EnumSet.of(DsnParameters.Notify.NEVER));
        bcc.forEach(recipient -> parameters.put(recipient, never));
        Map<MailAddress, DsnParameters.RecipientDsnParameters> all = parameters.build();
        Optional<DsnParameters> updated = mail.dsnParameters()
            .map(existing -> existing.withRcptParameters(all))
            .or(() -> DsnParameters.builder().rcptParameters(ImmutableMap.copyOf(all)).build());
        updated.ifPresent(mail::setDsnParameters);
    }

    private static Optional<MailAddress> parse(String address) {
        try {
            return Optional.of(new MailAddress(address));
        } catch (AddressException e) {
            return Optional.empty();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern: always_bcc, sender_bcc_maps and recipient_bcc_maps";
    }
}
