package dev.postern.mailets;

import java.io.FileNotFoundException;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.PosternEnvironment;
import dev.postern.address.LocalMailboxes;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.log.MailLog;
import dev.postern.log.MessageTimes;
import dev.postern.log.QueueIdGenerator;

/**
 * Postfix's local(8) for Maildir: delivers each recipient of the local and virtual mailbox
 * classes (see {@link LocalMailboxes}) into {@code <mailRoot>/<domain>/<user>/Maildir/},
 * prepending {@code Return-Path:} and {@code Delivered-To:}.
 *
 * <p>Every recipient ends in exactly one place: delivered (removed from the mail), bounced
 * (unknown user, mail forwarding loop: one copy to the {@code bounceProcessor} carrying the
 * reasons as its error message), or deferred (a failed lookup or mailbox write: one copy
 * sent back to {@code retryProcessor} after {@value #RETRY_DELAY_SECONDS} seconds).
 * Recipients of other domains stay on the mail. A mail left with no recipient becomes a
 * ghost. Each outcome is logged as {@code local} with Postfix's {@code to=... status=...}.
 *
 * <p>Init parameters: {@code mailRoot} (default {@code file://var/mail/}),
 * {@code bounceProcessor} (default {@code bounces}), {@code retryProcessor} (default
 * {@code local-delivery}), and the main.cf names {@code mydestination}, {@code myhostname}.
 */
public class MaildirDelivery extends GenericMailet {
    static final String MAIL_ROOT = "mailRoot";
    static final String BOUNCE_PROCESSOR = "bounceProcessor";
    static final String RETRY_PROCESSOR = "retryProcessor";
    static final String DEFAULT_MAIL_ROOT = "file://var/mail/";
    static final String DEFAULT_BOUNCE_PROCESSOR = "bounces";
    static final String DEFAULT_RETRY_PROCESSOR = "local-delivery";
    /** Postfix's minimal_backoff_time. */
    static final long RETRY_DELAY_SECONDS = 300;

    private static final Logger LOGGER = LoggerFactory.getLogger(MaildirDelivery.class);
    private static final String SERVICE = "local";
    private static final byte[] CRLF = {'\r', '\n'};
    /** Makes copy names unique across restarts too: mail repositories key mails by name. */

    private final UsersRepository usersRepository;
    private final DomainList domainList;
    private final FileSystem fileSystem;
    private final Clock clock;
    private final QueueIdGenerator unique;
    private final PosternEnvironment environment;
    private MailLog mailLog;

    private LocalMailboxes mailboxes;
    private Path mailRoot;
    private MaildirNames names;
    private String bounceProcessor;
    private String retryProcessor;

    @Inject
    public MaildirDelivery(UsersRepository usersRepository, DomainList domainList, FileSystem fileSystem,
                           QueueIdGenerator unique, PosternEnvironment environment) {
        this(usersRepository, domainList, fileSystem, Clock.systemUTC(), unique, environment);
    }

    MaildirDelivery(UsersRepository usersRepository, DomainList domainList, FileSystem fileSystem, Clock clock,
                    QueueIdGenerator unique, PosternEnvironment environment) {
        this.usersRepository = usersRepository;
        this.domainList = domainList;
        this.fileSystem = fileSystem;
        this.clock = clock;
        this.unique = unique;
        this.environment = environment;
    }

    @Override
    public void init() throws MessagingException {
        try {
            ComponentParameters parameters = environment.parameters(
                name -> Optional.ofNullable(getInitParameter(name)), getMailetName());
            String myhostname = parameters.get("myhostname");
            mailboxes = new LocalMailboxes(parameters.list("mydestination"), myhostname, LocalMailboxes.Directory.of(
                usersRepository::contains, usersRepository::supportVirtualHosting, domainList::containsDomain));
            names = new MaildirNames(clock, myhostname, unique::nextValue);
            mailLog = environment.mailLog(parameters);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
        mailRoot = resolveMailRoot(getInitParameter(MAIL_ROOT, DEFAULT_MAIL_ROOT));
        bounceProcessor = getInitParameter(BOUNCE_PROCESSOR, DEFAULT_BOUNCE_PROCESSOR);
        retryProcessor = getInitParameter(RETRY_PROCESSOR, DEFAULT_RETRY_PROCESSOR);
    }

    /** {@code file://...} through James's FileSystem; a relative path against the home. */
    private Path resolveMailRoot(String value) throws MessagingException {
        try {
            if (value.startsWith("file:")) {
                return fileSystem.getFile(value).toPath();
            }
            Path path = Path.of(value);
            return path.isAbsolute() ? path : fileSystem.getFile(FileSystem.FILE_PROTOCOL + value).toPath();
        } catch (FileNotFoundException | RuntimeException e) {
            throw new MessagingException(getMailetName() + ": " + MAIL_ROOT + ": cannot resolve \"" + value + "\": "
                + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern local delivery to Maildir";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Instant start = clock.instant();
        String queueId = queueId(mail.getName());
        List<MailAddress> kept = new ArrayList<>();
        Map<MailAddress, String> bounced = new LinkedHashMap<>();
        Map<MailAddress, String> deferred = new LinkedHashMap<>();
        Set<String> handled = new HashSet<>();
        Attempt attempt = new Attempt(mail, queueId, start);

        for (MailAddress recipient : mail.getRecipients()) {
            Outcome outcome = attempt.deliver(recipient, handled);
            switch (outcome.kind) {
                case NOT_LOCAL -> kept.add(recipient);
                case BOUNCED -> bounced.put(recipient, outcome.reason);
                case DEFERRED -> deferred.put(recipient, outcome.reason);
                case SENT, DUPLICATE -> { }
                default -> throw new IllegalStateException(outcome.kind.name());
            }
        }

        List<MailAddress> unsent = new ArrayList<>();
        MessagingException failure = null;
        try {
            sendCopy(mail, queueId, "bounce", bounced, bounceProcessor, 0);
        } catch (MessagingException | RuntimeException e) {
            unsent.addAll(bounced.keySet());
            failure = asMessagingException(e);
        }
        try {
            sendCopy(mail, queueId, "defer", deferred, retryProcessor, RETRY_DELAY_SECONDS);
        } catch (MessagingException | RuntimeException e) {
            unsent.addAll(deferred.keySet());
            failure = failure == null ? asMessagingException(e) : failure;
        }
        if (failure != null) {
            // Keep what could not be handed on, and let the container's error handling keep
            // the mail: a delivered recipient is never on it again, an undelivered one never lost.
            kept.addAll(unsent);
            mail.setRecipients(kept);
            throw failure;
        }
        mail.setRecipients(kept);
        if (kept.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }

    private void sendCopy(Mail mail, String queueId, String kind, Map<MailAddress, String> failed, String processor,
                          long delaySeconds) throws MessagingException {
        if (failed.isEmpty()) {
            return;
        }
        Mail copy = mail.duplicate();
        copy.setName(queueId + "-" + kind + "-" + Long.toHexString(unique.nextValue()).toUpperCase(Locale.ROOT));
        copy.setRecipients(List.copyOf(failed.keySet()));
        copy.setErrorMessage(failed.entrySet().stream()
            .map(entry -> "<" + entry.getKey().asString() + ">: " + entry.getValue())
            .collect(Collectors.joining("\n")));
        if (delaySeconds > 0) {
            getMailetContext().sendMail(copy, processor, delaySeconds, TimeUnit.SECONDS);
        } else {
            getMailetContext().sendMail(copy, processor);
        }
    }

    /** A copy is named {@code QID-kind-N}; its log lines still carry the QID. */
    static String queueId(String mailName) {
        int dash = mailName.indexOf('-');
        if (dash > 0 && QueueIdGenerator.isQueueId(mailName.substring(0, dash))) {
            return mailName.substring(0, dash);
        }
        return mailName;
    }

    /** DUPLICATE: a final address already handled in this mail, which carries the outcome. */
    private enum Kind { NOT_LOCAL, SENT, BOUNCED, DEFERRED, DUPLICATE }

    /** @param reason {@code D.S.N text}, for the copy's error message */
    private record Outcome(Kind kind, String reason) {
    }

    /** One mail's delivery: what is read from the message once and shared by its recipients. */
    private final class Attempt {
        private final Mail mail;
        private final String queueId;
        private final Instant start;
        private Set<String> deliveredToHeaders;

        Attempt(Mail mail, String queueId, Instant start) {
            this.mail = mail;
            this.queueId = queueId;
            this.start = start;
        }

        Outcome deliver(MailAddress recipient, Set<String> handledAddresses) {
            LocalMailboxes.Resolution resolution;
            try {
                resolution = mailboxes.resolve(recipient);
            } catch (LocalMailboxes.LookupException e) {
                LOGGER.warn("{}: {}", queueId, e.getMessage());
                return defer(recipient, start, "4.3.0", "temporary lookup failure");
            }
            if (resolution instanceof LocalMailboxes.NotLocal) {
                return new Outcome(Kind.NOT_LOCAL, null);
            }
            String address = resolution instanceof LocalMailboxes.Mailbox mailbox ? mailbox.address()
                : ((LocalMailboxes.UnknownUser) resolution).address();
            if (!handledAddresses.add(address)) {
                return new Outcome(Kind.DUPLICATE, null);
            }
            Set<String> seen;
            try {
                seen = deliveredToHeaders();
            } catch (MessagingException | RuntimeException e) {
                LOGGER.warn("{}: cannot read the message headers", queueId, e);
                return defer(recipient, start, "4.3.0", "cannot read message: " + oneLine(e.getMessage()));
            }
            if (seen.contains(address)) {
                return bounce(recipient, "5.4.6", "mail forwarding loop for " + address);
            }
            if (resolution instanceof LocalMailboxes.UnknownUser unknown) {
                return bounce(recipient, "5.1.1", "unknown user: \"" + unknown.user() + "\"");
            }
            return write(recipient, (LocalMailboxes.Mailbox) resolution);
        }

        private Outcome write(MailAddress recipient, LocalMailboxes.Mailbox mailbox) {
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
                connected = connected != null ? connected : clock.instant();
                LOGGER.warn("{}: delivery to {} failed", queueId, maildir.directory(), e);
                return defer(recipient, connected, "4.3.0", "cannot update mailbox " + maildir.directory()
                    + "/ for user " + mailbox.user() + ": " + describe(e));
            }
            log(recipient, connected, "2.0.0", "sent", "delivered to maildir");
            return new Outcome(Kind.SENT, null);
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

        private Outcome bounce(MailAddress recipient, String dsn, String text) {
            log(recipient, start, dsn, "bounced", text);
            return new Outcome(Kind.BOUNCED, dsn + " " + text);
        }

        private Outcome defer(MailAddress recipient, Instant connected, String dsn, String text) {
            log(recipient, connected, dsn, "deferred", text);
            return new Outcome(Kind.DEFERRED, dsn + " " + text);
        }

        private void log(MailAddress recipient, Instant connected, String dsn, String status, String text) {
            mailLog.log(SERVICE, queueId, "to=<" + recipient.asString() + ">, relay=local, "
                + MessageTimes.delays(mail, start, connected, clock.instant())
                + ", dsn=" + dsn + ", status=" + status + " (" + text + ")");
        }
    }

    /** {@code Delivered-To: <Bob@Example.COM> } compares as {@code bob@example.com}. */
    static String foldHeaderAddress(String value) {
        String trimmed = value.replaceAll("\\s+", "");
        if (trimmed.startsWith("<") && trimmed.endsWith(">")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    /** errno-style text for the log and the bounce: {@code /path: Permission denied}. */
    static String describe(Exception e) {
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
            return oneLine(fse.getFile() != null ? fse.getFile() + ": " + reason : reason);
        }
        return oneLine(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
    }

    /** Log lines and error messages stay on one line. */
    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ");
    }

    private static MessagingException asMessagingException(Exception e) {
        return e instanceof MessagingException me ? me : new MessagingException(e.getMessage(), e);
    }
}
