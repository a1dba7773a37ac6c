package dev.postern.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.LocalMailboxes;
import dev.postern.mailets.Maildir;
import dev.postern.mailets.MaildirNames;

/**
 * Postfix's local(8) and virtual(8) for Maildir: each recipient of the local and virtual mailbox classes
 * (see {@link LocalMailboxes}) goes into {@code <mailRoot>/<domain>/<user>/Maildir/}, with
 * {@code Return-Path:} and {@code Delivered-To:} prepended.
 *
 * <p>Unknown users bounce {@code 5.1.1 unknown user: "u"}; a {@code Delivered-To:} already naming the
 * recipient bounces {@code 5.4.6 mail forwarding loop for r}; a failed lookup or mailbox write defers
 * ({@code 4.3.0}). Two recipients that reach the same mailbox get one copy: the second is reported
 * sent as well, as Postfix's duplicate elimination does.
 */
public final class LocalCourier implements Courier {
    private static final Logger LOGGER = LoggerFactory.getLogger(LocalCourier.class);
    private static final String RELAY = "local";

    private final String service;
    private final LocalMailboxes mailboxes;
    private final Path mailRoot;
    private final MaildirNames names;
    private final Clock clock;

    /** @param service {@code local} or {@code virtual}: the log's service name */
    public LocalCourier(String service, LocalMailboxes mailboxes, Path mailRoot, MaildirNames names, Clock clock) {
        this.service = service;
        this.mailboxes = mailboxes;
        this.mailRoot = mailRoot;
        this.names = names;
        this.clock = clock;
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public List<RecipientResult> deliver(Delivery delivery) {
        Attempt attempt = new Attempt(delivery.mail(), delivery.queueId());
        List<RecipientResult> results = new ArrayList<>();
        for (MailAddress recipient : delivery.recipients()) {
            results.add(attempt.deliver(recipient));
        }
        return results;
    }

    /** One mail's delivery: what is read from the message once and shared by its recipients. */
    private final class Attempt {
        private final Mail mail;
        private final String queueId;
        private final Map<String, RecipientResult> byMailbox = new HashMap<>();
        private Set<String> deliveredToHeaders;

        Attempt(Mail mail, String queueId) {
            this.mail = mail;
            this.queueId = queueId;
        }

        RecipientResult deliver(MailAddress recipient) {
            Instant start = clock.instant();
            LocalMailboxes.Resolution resolution;
            try {
                resolution = mailboxes.resolve(recipient);
            } catch (LocalMailboxes.LookupException e) {
                LOGGER.warn("{}: {}", queueId, e.getMessage());
                return RecipientResult.deferred(recipient, "4.3.0", RELAY, "temporary lookup failure", start);
            }
            if (resolution instanceof LocalMailboxes.NotLocal) {
                return RecipientResult.bounced(recipient, "5.1.1", RELAY,
                    "unknown user: \"" + recipient.getLocalPart().toLowerCase(Locale.ROOT) + "\"", start);
            }
            String address = resolution instanceof LocalMailboxes.Mailbox mailbox ? mailbox.address()
                : ((LocalMailboxes.UnknownUser) resolution).address();
            RecipientResult earlier = byMailbox.get(address);
            if (earlier != null) {
                return new RecipientResult(recipient, earlier.status(), earlier.dsn(), earlier.relay(), earlier.text(),
                    earlier.remoteMta(), earlier.diagnostic(), start);
            }
            RecipientResult result = deliverOnce(recipient, address, resolution, start);
            byMailbox.put(address, result);
            return result;
        }

        private RecipientResult deliverOnce(MailAddress recipient, String address, LocalMailboxes.Resolution resolution,
                                            Instant start) {
            Set<String> seen;
            try {
                seen = deliveredToHeaders();
            } catch (MessagingException | RuntimeException e) {
                LOGGER.warn("{}: cannot read the message headers", queueId, e);
                return RecipientResult.deferred(recipient, "4.3.0", RELAY, "cannot read message: " + e.getMessage(), start);
            }
            if (seen.contains(address)) {
                return RecipientResult.bounced(recipient, "5.4.6", RELAY, "mail forwarding loop for " + address, start);
            }
            if (resolution instanceof LocalMailboxes.UnknownUser unknown) {
                return RecipientResult.bounced(recipient, "5.1.1", RELAY, "unknown user: \"" + unknown.user() + "\"",
                    start);
            }
            return write(recipient, (LocalMailboxes.Mailbox) resolution, start);
        }

        private RecipientResult write(MailAddress recipient, LocalMailboxes.Mailbox mailbox, Instant start) {
            Maildir maildir = new Maildir(mailRoot.resolve(mailbox.directory()));
            Instant connected = null;
            try {
                maildir.create();
                connected = clock.instant();
                byte[] prepended = ("Return-Path: <" + mail.getMaybeSender().asString("") + ">\r\n"
                    + "Delivered-To: " + mailbox.address() + "\r\n").getBytes(StandardCharsets.UTF_8);
                maildir.deliver(names.next(), out -> {
                    out.write(prepended);
                    writeMessage(out);
                });
            } catch (IOException | RuntimeException e) {
                LOGGER.warn("{}: delivery to {} failed", queueId, maildir.directory(), e);
                return RecipientResult.deferred(recipient, "4.3.0", RELAY, "cannot update mailbox " + maildir.directory()
                    + "/ for user " + mailbox.user() + ": " + describe(e), connected != null ? connected : start);
            }
            return RecipientResult.sent(recipient, "2.0.0", RELAY, "delivered to maildir", connected);
        }

        private void writeMessage(OutputStream out) throws IOException {
            try {
                mail.getMessage().writeTo(out);
            } catch (MessagingException e) {
                throw new IOException("cannot read message: " + e.getMessage(), e);
            }
        }

        private Set<String> deliveredToHeaders() throws MessagingException {
            if (deliveredToHeaders == null) {
                String[] values = mail.getMessage().getHeader("Delivered-To");
                Set<String> folded = new HashSet<>();
                if (values != null) {
                    for (String value : values) {
                        folded.add(foldHeaderAddress(value));
                    }
                }
                deliveredToHeaders = folded;
            }
            return deliveredToHeaders;
        }
    }

    /** {@code Delivered-To: <Bob@Example.COM> } compares as {@code bob@example.com}. */
    public static String foldHeaderAddress(String value) {
        String trimmed = value.replaceAll("\\s+", "");
        if (trimmed.startsWith("<") && trimmed.endsWith(">")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    /** errno-style text for the log and the bounce: {@code /path: Permission denied}. */
    public static String describe(Exception e) {
        if (e instanceof FileSystemException fse) {
            String reason;
            if (fse instanceof AccessDeniedException) {
                reason = "Permission denied";
            } else if (fse instanceof FileAlreadyExistsException) {
                reason = "File exists";
            } else if (fse instanceof NoSuchFileException) {
                reason = "No such file or directory";
            } else if (fse instanceof NotDirectoryException) {
                reason = "Not a directory";
            } else {
                reason = fse.getReason() != null ? fse.getReason() : fse.getClass().getSimpleName();
            }
            return fse.getFile() != null ? fse.getFile() + ": " + reason : reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
