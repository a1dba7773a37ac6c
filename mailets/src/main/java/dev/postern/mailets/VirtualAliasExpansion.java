package dev.postern.mailets;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.postern.PosternEnvironment;
import dev.postern.config.ComponentParameters;
import dev.postern.delivery.OriginalRecipients;
import dev.postern.queue.MailAttributes;
import dev.postern.queue.QueueIdGenerator;
import dev.postern.rewrite.Addresses;
import dev.postern.rewrite.CleanupMaps;
import dev.postern.rewrite.VirtualAliasExpander;

/**
 * Postfix cleanup's virtual alias expansion ({@code virtual_alias_maps}): every envelope
 * recipient is replaced by what it expands to ({@link VirtualAliasExpander}), recipients that
 * end up the same are kept once, and each new recipient remembers the one it came from
 * ({@link MailAttributes#ORIG_TO}) for the delivery log's {@code orig_to}.
 *
 * <p>When a limit is exceeded or a table lookup fails the mail is left exactly as it was and
 * tried again after {@code minimal_backoff_time}, through the processor named by the init
 * parameter {@code retryProcessor} (default {@code virtual-alias}); each recipient is logged
 * {@code dsn=4.6.0, status=deferred (Alias expansion error)}.
 */
public class VirtualAliasExpansion extends CleanupMailet {
    static final String DEFAULT_RETRY_PROCESSOR = "virtual-alias";

    private VirtualAliasExpander expander;

    @Inject
    public VirtualAliasExpansion(PosternEnvironment environment, QueueIdGenerator unique) {
        this(environment, Clock.systemUTC(), unique);
    }

    VirtualAliasExpansion(PosternEnvironment environment, Clock clock, QueueIdGenerator unique) {
        super(environment, clock, unique);
    }

    @Override
    String defaultRetryProcessor() {
        return DEFAULT_RETRY_PROCESSOR;
    }

    @Override
    void configure(ComponentParameters parameters, CleanupMaps maps) {
        expander = maps.virtualAliases();
    }

    @Override
    void process(Mail mail) throws StageFailure, MessagingException {
        if (expander.isEmpty()) {
            return;
        }
        Map<MailAddress, MailAddress> originals = new LinkedHashMap<>();
        List<MailAddress> recipients = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean changed = false;
        for (MailAddress recipient : mail.getRecipients()) {
            List<String> expansion;
            try {
                expansion = expander.expand(Addresses.internal(recipient.asString()));
            } catch (VirtualAliasExpander.ExpansionException e) {
                throw new StageFailure("4.6.0", "Alias expansion error", e.getMessage(), e);
            }
            for (String address : expansion) {
                MailAddress result = parse(recipient, Addresses.external(address));
                boolean same = result.asString().equals(recipient.asString());
                changed |= !same;
                if (!seen.add(result.asString().toLowerCase(Locale.ROOT))) {
                    changed = true; // a duplicate dropped
                    continue;
                }
                recipients.add(result);
                if (!same) {
                    originals.put(result, recipient);
                }
            }
        }
        if (!changed) {
            return;
        }
        OriginalRecipients.record(mail, originals);
        mail.setRecipients(recipients);
    }

    private MailAddress parse(MailAddress recipient, String address) throws StageFailure {
        try {
            return new MailAddress(address);
        } catch (AddressException e) {
            // A table mistake: deferring lets the operator fix the table without losing the mail.
            throw new StageFailure("4.6.0", "Alias expansion error", "virtual_alias_maps: " + recipient.asString()
                + " expands to \"" + address + "\", which is not a valid address: " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern: virtual_alias_maps expansion";
    }
}
