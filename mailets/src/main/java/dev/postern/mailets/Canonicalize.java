package dev.postern.mailets;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.AddressException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.postern.PosternEnvironment;
import dev.postern.config.ComponentParameters;
import dev.postern.delivery.OriginalRecipients;
import dev.postern.queue.QueueIdGenerator;
import dev.postern.rewrite.AddressKind;
import dev.postern.rewrite.AddressRewriter;
import dev.postern.rewrite.Addresses;
import dev.postern.rewrite.CleanupMaps;
import dev.postern.rewrite.HeaderAddresses;
import dev.postern.tables.LookupException;

/**
 * Postfix cleanup's address rewriting: {@code sender_canonical_maps} /
 * {@code recipient_canonical_maps}, then {@code canonical_maps}, then {@code masquerade_domains},
 * applied to the envelope sender, the envelope recipients, and the addresses of the sender
 * headers ({@code From:}, {@code Sender:}, {@code Reply-To:}, ...) and recipient headers
 * ({@code To:}, {@code Cc:}, ...), each as its {@code *_classes} parameter says.
 *
 * <p>Headers are only rewritten when an address in them changes, so that an unchanged message
 * stays unmodified and keeps sharing its one queued copy. A rewritten envelope recipient keeps
 * its original in {@link OriginalRecipients} for the delivery log's {@code orig_to}. A failed
 * lookup changes nothing: the mail is deferred ({@code retryProcessor}, default {@code root}).
 */
public class Canonicalize extends CleanupMailet {
    private AddressRewriter rewriter;

    @Inject
    public Canonicalize(PosternEnvironment environment, QueueIdGenerator unique) {
        this(environment, Clock.systemUTC(), unique);
    }

    Canonicalize(PosternEnvironment environment, Clock clock, QueueIdGenerator unique) {
        super(environment, clock, unique);
    }

    @Override
    String defaultRetryProcessor() {
        return "root";
    }

    @Override
    void configure(ComponentParameters parameters, CleanupMaps maps) {
        rewriter = maps.rewriter();
    }

    @Override
    void process(Mail mail) throws StageFailure, MessagingException {
        try {
            Optional<MailAddress> sender = rewriteSender(mail);
            Map<MailAddress, MailAddress> recipients = rewriteRecipients(mail);
            Map<String, List<String>> headers = rewriteHeaders(mail);
            // Everything is decided before anything changes: a failure above leaves the mail as it was.
            if (sender.isPresent()) {
                setSender(mail, sender.get());
            }
            if (!recipients.isEmpty()) {
                applyRecipients(mail, recipients);
            }
            if (!headers.isEmpty()) {
                applyHeaders(mail.getMessage(), headers);
            }
        } catch (LookupException e) {
            throw new StageFailure("4.3.0", "Temporary lookup failure", e.getMessage(), e);
        }
    }

    private Optional<MailAddress> rewriteSender(Mail mail) throws LookupException, MessagingException {
        if (!rewriter.rewrites(AddressKind.ENVELOPE_SENDER) || mail.getMaybeSender().isNullSender()) {
            return Optional.empty();
        }
        MailAddress sender = mail.getMaybeSender().get();
        return rewrite(sender, AddressKind.ENVELOPE_SENDER);
    }

    /** @return the recipients that change, each with its new address */
    private Map<MailAddress, MailAddress> rewriteRecipients(Mail mail) throws LookupException, MessagingException {
        Map<MailAddress, MailAddress> changed = new LinkedHashMap<>();
        if (!rewriter.rewrites(AddressKind.ENVELOPE_RECIPIENT)) {
            return changed;
        }
        for (MailAddress recipient : mail.getRecipients()) {
            Optional<MailAddress> rewritten = rewrite(recipient, AddressKind.ENVELOPE_RECIPIENT);
            if (rewritten.isPresent()) {
                changed.put(recipient, rewritten.get());
            }
        }
        return changed;
    }

    private Optional<MailAddress> rewrite(MailAddress address, AddressKind kind) throws LookupException, MessagingException {
        String written = address.asString();
        String internal = Addresses.internal(written);
        String rewritten = rewriter.rewrite(internal, kind);
        if (rewritten.equals(internal)) {
            return Optional.empty();
        }
        String result = Addresses.external(rewritten);
        try {
            return Optional.of(new MailAddress(result));
        } catch (AddressException e) {
            throw new MessagingException(getMailetName() + ": " + kind.parameterName() + " " + written
                + " was rewritten to \"" + result + "\", which is not a valid address", e);
        }
    }

    private static void applyRecipients(Mail mail, Map<MailAddress, MailAddress> changed) {
        Set<MailAddress> recipients = new LinkedHashSet<>();
        Map<MailAddress, MailAddress> originals = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            MailAddress result = changed.getOrDefault(recipient, recipient);
            if (recipients.add(result) && !result.equals(recipient)) {
                originals.put(result, recipient);
            }
        }
        OriginalRecipients.record(mail, originals);
        mail.setRecipients(new ArrayList<>(recipients));
    }

    /** @return the header fields that change, by name, each with all its new values */
    private Map<String, List<String>> rewriteHeaders(Mail mail) throws LookupException, MessagingException {
        Map<String, List<String>> changed = new LinkedHashMap<>();
        boolean senders = rewriter.rewrites(AddressKind.HEADER_SENDER);
        boolean recipients = rewriter.rewrites(AddressKind.HEADER_RECIPIENT);
        if (!senders && !recipients) {
            return changed;
        }
        MimeMessage message = mail.getMessage();
        if (senders) {
            rewriteHeaders(message, HeaderAddresses.SENDER_HEADERS, AddressKind.HEADER_SENDER, changed);
        }
        if (recipients) {
            rewriteHeaders(message, HeaderAddresses.RECIPIENT_HEADERS, AddressKind.HEADER_RECIPIENT, changed);
        }
        return changed;
    }

    private void rewriteHeaders(MimeMessage message, List<String> names, AddressKind kind,
            Map<String, List<String>> changed) throws LookupException, MessagingException {
        for (String name : names) {
            String[] values = message.getHeader(name);
            if (values == null) {
                continue;
            }
            List<String> rewritten = new ArrayList<>(values.length);
            boolean any = false;
            for (String value : values) {
                Optional<String> result = HeaderAddresses.rewrite(value, address -> rewriter.rewrite(address, kind));
                any |= result.isPresent();
                rewritten.add(result.orElse(value));
            }
            if (any) {
                changed.put(name, rewritten);
            }
        }
    }

    /** setHeader keeps the first field in its place; further fields of the name follow it. */
    private static void applyHeaders(MimeMessage message, Map<String, List<String>> changed) throws MessagingException {
        for (Map.Entry<String, List<String>> header : changed.entrySet()) {
            List<String> values = header.getValue();
            message.setHeader(header.getKey(), values.get(0));
            for (String value : values.subList(1, values.size())) {
                message.addHeader(header.getKey(), value);
            }
        }
    }

    /**
     * The mailet API has no setter for the envelope sender; James's mail (and the test fake) has
     * {@code setSender(MailAddress)}.
     */
    private void setSender(Mail mail, MailAddress sender) throws MessagingException {
        try {
            mail.getClass().getMethod("setSender", MailAddress.class).invoke(mail, sender);
        } catch (ReflectiveOperationException e) {
            throw new MessagingException(getMailetName() + ": cannot change the envelope sender of a "
                + mail.getClass().getName() + ": " + e, e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern: canonical(5) rewriting and masquerading of envelope and header addresses";
    }
}
