package dev.postern.delivery.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.address.LocalMailboxes;
import dev.postern.delivery.Courier;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.OriginalRecipients;
import dev.postern.delivery.RecipientResult;
import dev.postern.queue.MailAttributes;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * Postfix's local(8) and virtual(8): each recipient of the local and virtual mailbox classes (see
 * {@link LocalMailboxes}) is delivered in local(8)'s order of precedence:
 * <ol>
 * <li>a {@code Delivered-To:} already naming it bounces {@code 5.4.6 mail forwarding loop for r};</li>
 * <li>local class only: {@code alias_maps}, by the lower-cased local part, then without its
 * {@code recipient_delimiter} extension (addresses, {@code /file},
 * {@code |command}, {@code :include:}; addresses of other domains are forwarded as a new message);</li>
 * <li>virtual class: {@code virtual_mailbox_maps}, results relative to {@code virtual_mailbox_base};</li>
 * <li>the user's mailbox: {@code <mailRoot>/<domain>/<user>/Maildir/}, or for the local class with
 * {@code postern_local_mailbox_format = mbox} the mbox file {@code <mailRoot>/<myhostname>/<user>};</li>
 * <li>local class: {@code luser_relay} for an unknown user; otherwise {@code 5.1.1 unknown user: "u"}.</li>
 * </ol>
 * Each mailbox gets {@link DeliveryHeaders}; {@link MailboxQuota} limits its size ({@code 5.2.2}). A
 * failed lookup, a locked mbox or a full disk defers ({@code 4.x}): nothing is lost. Two recipients that
 * reach the same mailbox get one copy: the second is reported sent as well, as Postfix's duplicate
 * elimination does.
 */
public final class LocalCourier implements Courier {
    private static final Logger LOGGER = LoggerFactory.getLogger(LocalCourier.class);
    private static final String RELAY = "local";
    /** The PATH of commands: local(8) resets it to the system default rather than pass on the server's. */
    static final String COMMAND_PATH = "/usr/bin:/bin";
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    private final String service;
    private final LocalMailboxes mailboxes;
    private final Path mailRoot;
    private final MaildirNames names;
    private final Clock clock;
    private final LocalDeliverySettings settings;
    private final AliasExpansion aliases;
    private final TableSearch virtualMailboxes;
    private final Forwarder forwarder;
    private final String myhostname;
    private final MailboxWriter mailboxWriter;

    /** Maildir delivery with default settings and no forwarding: the stock James mailet's courier. */
    public LocalCourier(String service, LocalMailboxes mailboxes, Path mailRoot, MaildirNames names, Clock clock) {
        this(service, mailboxes, mailRoot, names, clock, LocalDeliverySettings.defaults(Path.of("").toAbsolutePath()),
            Forwarder.NONE, "localhost");
    }

    /**
     * @param service {@code local} or {@code virtual}: the log's service name
     * @param myhostname the domain of alias destinations written without one, and of owner- senders
     */
    public LocalCourier(String service, LocalMailboxes mailboxes, Path mailRoot, MaildirNames names, Clock clock,
                        LocalDeliverySettings settings, Forwarder forwarder, String myhostname) {
        this.service = service;
        this.mailboxes = mailboxes.with(settings.recipientDelimiter(), LocalMailboxes.Listings.NONE);
        this.mailRoot = mailRoot;
        this.names = names;
        this.clock = clock;
        this.settings = settings;
        this.virtualMailboxes = settings.virtualMailboxSearch();
        this.forwarder = forwarder;
        this.myhostname = myhostname.toLowerCase(Locale.ROOT);
        this.aliases = new AliasExpansion(settings.aliasSearch(), this.mailboxes, this.myhostname, settings.home());
        this.mailboxWriter = new MailboxWriter(names, clock);
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
            results.add(attempt.deliverTop(recipient));
        }
        return results;
    }

    /** One mail's delivery: what is read from the message once and shared by its recipients. */
    private final class Attempt {
        private final Mail mail;
        private final String queueId;
        private final Map<String, LocalOutcome> byMailbox = new HashMap<>();
        private Set<String> deliveredToHeaders;
        private byte[] message;
        private MailAddress top;

        Attempt(Mail mail, String queueId) {
            this.mail = mail;
            this.queueId = queueId;
        }

        RecipientResult deliverTop(MailAddress recipient) {
            top = recipient;
            Instant start = clock.instant();
            try {
                return deliverTop(recipient, start);
            } catch (RuntimeException e) {
                // A courier answers every recipient: an unforeseen fault defers, so the mail is kept.
                LOGGER.error("{}: local delivery to {} failed", queueId, recipient, e);
                return RecipientResult.deferred(recipient, "4.3.0", RELAY, "local delivery failed: " + describe(e), start);
            }
        }

        private RecipientResult deliverTop(MailAddress recipient, Instant start) {
            LocalMailboxes.Resolution resolution;
            try {
                resolution = mailboxes.resolve(recipient);
            } catch (LocalMailboxes.LookupException e) {
                LOGGER.warn("{}: {}", queueId, e.getMessage());
                return RecipientResult.deferred(recipient, "4.3.0", RELAY, "temporary lookup failure", start);
            }
            if (resolution instanceof LocalMailboxes.NotLocal) {
                if (settings.virtualMailboxMaps().isEmpty()) {
                    return RecipientResult.bounced(recipient, "5.1.1", RELAY,
                        "unknown user: \"" + recipient.getLocalPart().toLowerCase(Locale.ROOT) + "\"", start);
                }
                // A virtual_mailbox_domains domain listed in a table rather than in the domain list: the
                // router sent it here, and virtual_mailbox_maps says where its mailboxes are, as for virtual(8).
                String address = recipient.asString().toLowerCase(Locale.ROOT);
                resolution = new LocalMailboxes.UnknownUser(address, address);
            }
            return deliver(recipient, resolution, AliasExpansion.Scope.TOP, start).of(recipient);
        }

        /** One local or virtual address, at any depth of an alias expansion. */
        private LocalOutcome deliver(MailAddress address, LocalMailboxes.Resolution resolution, AliasExpansion.Scope expansion,
                                Instant start) {
            String key = finalAddress(resolution);
            LocalOutcome earlier = byMailbox.get(key);
            if (earlier != null) {
                return new LocalOutcome(earlier.status(), earlier.dsn(), earlier.text(), start);
            }
            LocalOutcome outcome = deliverOnce(address, key, resolution, expansion, start);
            byMailbox.put(key, outcome);
            return outcome;
        }

        private LocalOutcome deliverOnce(MailAddress address, String key, LocalMailboxes.Resolution resolution,
                                    AliasExpansion.Scope expansion, Instant start) {
            Set<String> seen;
            try {
                seen = deliveredToHeaders();
            } catch (MessagingException | RuntimeException e) {
                LOGGER.warn("{}: cannot read the message headers", queueId, e);
                return LocalOutcome.deferred("4.3.0", "cannot read message: " + e.getMessage(), start);
            }
            if (seen.contains(key)) {
                return LocalOutcome.bounced("5.4.6", "mail forwarding loop for " + key, start);
            }
            if (expansion.tooDeep()) {
                return LocalOutcome.bounced("5.4.6", "alias expansion nested too deeply for " + key, start);
            }
            boolean localClass = mailboxes.isLocalClass(address.getDomain());
            String localPart = key.substring(0, key.lastIndexOf('@'));
            try {
                if (localClass && !localPart.equals(expansion.self())) {
                    Optional<AliasExpansion.Alias> alias = aliases.find(localPart);
                    if (alias.isPresent()) {
                        return deliverListing(key, aliases.expand(alias.get(), expansion, start), start);
                    }
                }
                if (!localClass) {
                    Optional<Location> mapped = virtualMailbox(key, localPart);
                    if (mapped.isPresent()) {
                        return write(key, key, Optional.empty(), mapped.get().path(), mapped.get().maildir(), start);
                    }
                }
            } catch (LookupException e) {
                LOGGER.warn("{}: {}", queueId, e.getMessage());
                return LocalOutcome.deferred("4.3.0", "temporary lookup failure", start);
            }
            if (resolution instanceof LocalMailboxes.Mailbox mailbox) {
                return writeMailbox(key, mailbox, localClass, start);
            }
            LocalMailboxes.UnknownUser unknown = (LocalMailboxes.UnknownUser) resolution;
            if (localClass && !settings.luserRelay().isEmpty() && !expansion.luserRelayed()) {
                return luserRelay(address, localPart, expansion, start);
            }
            return LocalOutcome.bounced("5.1.1", "unknown user: \"" + unknown.user() + "\"", start);
        }

        // ---- aliases

        private LocalOutcome deliverListing(String key, AliasExpansion.Listing listing, Instant start)
                throws LookupException {
            if (listing instanceof AliasExpansion.Unreadable unreadable) {
                return unreadable.outcome();
            }
            AliasExpansion.Destinations list = (AliasExpansion.Destinations) listing;
            return deliverAll(key, list.destinations(), list.scope(), start);
        }

        private LocalOutcome deliverAll(String key, List<AliasDestination> destinations, AliasExpansion.Scope expansion,
                                        Instant start) throws LookupException {
            List<LocalOutcome> parts = new ArrayList<>();
            List<MailAddress> remote = new ArrayList<>();
            for (AliasDestination destination : destinations) {
                if (destination instanceof AliasDestination.Address written) {
                    deliverAddress(written.address(), remote, expansion, start).ifPresent(parts::add);
                } else if (destination instanceof AliasDestination.File file) {
                    parts.add(settings.filesAllowed().contains(expansion.context())
                        ? appendToFile(key, file.path(), start)
                        : LocalOutcome.bounced("5.7.1", "mail to file is restricted: " + file.path(), start));
                } else if (destination instanceof AliasDestination.Command command) {
                    parts.add(settings.commandsAllowed().contains(expansion.context())
                        ? runCommand(key, command.command(), start)
                        : LocalOutcome.bounced("5.7.1", "mail to command is restricted: \"" + command.command() + "\"", start));
                } else if (destination instanceof AliasDestination.Include include) {
                    parts.add(deliverListing(key, aliases.include(include.path(), expansion, start), start));
                }
            }
            if (!remote.isEmpty()) {
                parts.add(forward(key, remote, expansion, start));
            }
            return LocalOutcome.combine(parts, start);
        }

        /** Delivers a local or virtual address; adds any other to {@code remote} (empty outcome: forwarded later). */
        private Optional<LocalOutcome> deliverAddress(String written, List<MailAddress> remote, AliasExpansion.Scope expansion,
                                                 Instant start) {
            String text = written.startsWith("<") && written.endsWith(">") ? written.substring(1, written.length() - 1)
                : written;
            MailAddress address;
            try {
                address = new MailAddress(text.contains("@") ? text : text + "@" + myhostname);
            } catch (AddressException e) {
                return Optional.of(LocalOutcome.bounced("5.1.3", "bad address syntax: \"" + written + "\"", start));
            }
            LocalMailboxes.Resolution resolution;
            try {
                resolution = mailboxes.resolve(address);
            } catch (LocalMailboxes.LookupException e) {
                LOGGER.warn("{}: {}", queueId, e.getMessage());
                return Optional.of(LocalOutcome.deferred("4.3.0", "temporary lookup failure", start));
            }
            if (resolution instanceof LocalMailboxes.NotLocal) {
                remote.add(address);
                return Optional.empty();
            }
            return Optional.of(deliver(address, resolution, expansion, start));
        }

        private LocalOutcome luserRelay(MailAddress address, String localPart, AliasExpansion.Scope expansion, Instant start) {
            String target = expandLuserRelay(settings.luserRelay(), localPart, address.getDomain().asString());
            List<MailAddress> remote = new ArrayList<>();
            Optional<LocalOutcome> outcome = deliverAddress(target, remote, expansion.relayed(), start);
            return outcome.isPresent() ? outcome.get() : forward(address.asString().toLowerCase(Locale.ROOT), remote,
                expansion, start);
        }

        private String expandLuserRelay(String template, String localPart, String domain) {
            String user = mailboxes.withoutExtension(localPart);
            String extension = localPart.length() > user.length() ? localPart.substring(user.length() + 1) : "";
            Map<String, String> values = new LinkedHashMap<>();
            values.put("recipient", localPart + "@" + domain);
            values.put("extension", extension);
            values.put("domain", domain);
            values.put("local", localPart);
            values.put("user", user);
            String out = template;
            for (Map.Entry<String, String> entry : values.entrySet()) {
                out = out.replace("${" + entry.getKey() + "}", entry.getValue()).replace("$" + entry.getKey(), entry.getValue());
            }
            return out;
        }

        private LocalOutcome forward(String key, List<MailAddress> remote, AliasExpansion.Scope expansion, Instant start) {
            if (MailAttributes.isProbe(mail)) {
                return LocalOutcome.sent("aliased to " + remote.stream().map(MailAddress::asString)
                    .collect(java.util.stream.Collectors.joining(", ")), start);
            }
            MaybeSender sender = expansion.owner().orElse(mail.getMaybeSender());
            byte[] prepended = ("Delivered-To: " + key + "\r\n").getBytes(StandardCharsets.UTF_8);
            try {
                String newQueueId = forwarder.forward(mail, queueId, sender, remote, prepended);
                return LocalOutcome.sent("forwarded as " + newQueueId, clock.instant());
            } catch (MessagingException | RuntimeException e) {
                LOGGER.warn("{}: cannot forward to {}", queueId, remote, e);
                return LocalOutcome.deferred("4.3.0", "cannot forward: " + e.getMessage(), start);
            }
        }

        private LocalOutcome runCommand(String key, String command, Instant start) {
            if (MailAttributes.isProbe(mail)) {
                return LocalOutcome.sent("delivers to command: " + command, start);
            }
            byte[] body;
            try {
                body = concat(headers(key, "\n", true), withLf(message()));
            } catch (IOException e) {
                return LocalOutcome.deferred("4.3.0", "cannot read message: " + e.getMessage(), start);
            }
            String localPart = key.substring(0, key.lastIndexOf('@'));
            String user = mailboxes.withoutExtension(localPart);
            // local(8): the exported variables, a fixed PATH, then its own; nothing else of Postern's.
            Map<String, String> environment = new LinkedHashMap<>();
            Map<String, String> own = System.getenv();
            settings.exportEnvironment().stream().filter(own::containsKey)
                .forEach(name -> environment.put(name, own.get(name)));
            environment.put("PATH", COMMAND_PATH);
            environment.put("SHELL", "/bin/sh");
            environment.put("LOGNAME", user);
            environment.put("SENDER", mail.getMaybeSender().asString(""));
            environment.put("RECIPIENT", key);
            environment.put("ORIGINAL_RECIPIENT", originalRecipient());
            environment.put("LOCAL", localPart);
            environment.put("USER", user);
            environment.put("EXTENSION", localPart.length() > user.length() ? localPart.substring(user.length() + 1) : "");
            environment.put("DOMAIN", key.substring(key.lastIndexOf('@') + 1));
            environment.put("HOME", settings.home().toString());
            Instant connected = clock.instant();
            PipeCommand.Outcome outcome = new PipeCommand(settings.home(), settings.commandTimeLimit(),
                settings.defaultPrivs()).run(command, environment, body);
            if (outcome.delivered()) {
                return LocalOutcome.sent(outcome.text(), connected);
            }
            return outcome.temporary() ? LocalOutcome.deferred(outcome.dsn(), outcome.text(), connected)
                : LocalOutcome.bounced(outcome.dsn(), outcome.text(), connected);
        }

        private LocalOutcome appendToFile(String key, Path file, Instant start) {
            if (MailAttributes.isProbe(mail)) {
                return LocalOutcome.sent("delivers to file: " + file, start);
            }
            try {
                long limit = settings.quota().limitFor(key, Optional.empty()).bytes();
                if (settings.defaultPrivs().isPresent()) {
                    return appendAs(settings.defaultPrivs().get(), key, file, limit, start);
                }
                return appendMbox(key, file, limit, "delivered to file: " + file, start);
            } catch (LookupException e) {
                LOGGER.warn("{}: {}", queueId, e.getMessage());
                return LocalOutcome.deferred("4.3.0", "temporary lookup failure", start);
            }
        }

        // ---- mailboxes

        private Optional<Location> virtualMailbox(String key, String localPart) throws LookupException {
            if (settings.virtualMailboxMaps().isEmpty()) {
                return Optional.empty();
            }
            String domain = key.substring(key.lastIndexOf('@'));
            String base = mailboxes.withoutExtension(localPart);
            // Every key is asked of pattern tables too, as reject_unlisted_recipient asks them (RecipientListings).
            List<String> keys = base.equals(localPart) ? List.of(key, domain) : List.of(key, base + domain, domain);
            Optional<TableSearch.Hit> hit = virtualMailboxes.find(keys.stream().map(TableSearch.Key::whole).toList());
            return hit.isPresent() ? Optional.of(virtualPath(hit.get().table(), hit.get().value().strip())) : Optional.empty();
        }

        /** A result is relative to virtual_mailbox_base; a trailing {@code /} means Maildir, else mbox. */
        private Location virtualPath(LookupTable table, String result) throws LookupException {
            Path relative = Path.of(result);
            if (result.isEmpty() || relative.isAbsolute() || relative.normalize().startsWith("..")) {
                throw new LookupException(table.name() + ": not a mailbox path under virtual_mailbox_base: \"" + result + "\"");
            }
            Path resolved = settings.virtualMailboxBase().orElse(mailRoot).resolve(relative).normalize();
            return new Location(resolved, result.endsWith("/"));
        }

        private LocalOutcome writeMailbox(String key, LocalMailboxes.Mailbox mailbox, boolean localClass, Instant start) {
            Optional<String> localUser = localClass ? Optional.of(mailbox.user()) : Optional.empty();
            if (localClass && settings.localFormat() == LocalDeliverySettings.MailboxFormat.MBOX) {
                Path file = mailRoot.resolve(mailbox.directory().getParent());
                return write(key, mailbox.user(), localUser, file, false, start);
            }
            return write(key, mailbox.user(), localUser, mailRoot.resolve(mailbox.directory()), true, start);
        }

        private LocalOutcome write(String key, String user, Optional<String> localUser, Path path, boolean maildir,
                              Instant start) {
            if (MailAttributes.isProbe(mail)) {
                // verify(8): the address resolves to a mailbox; nothing is written.
                return LocalOutcome.sent(maildir ? "delivers to maildir" : "delivers to mailbox", start);
            }
            MailboxQuota.Limit limit;
            try {
                limit = settings.quota().limitFor(key, localUser);
            } catch (LookupException e) {
                LOGGER.warn("{}: {}", queueId, e.getMessage());
                return LocalOutcome.deferred("4.3.0", "temporary lookup failure", start);
            }
            if (!maildir) {
                return appendMbox(key, path, limit.bytes(), "delivered to mailbox", start);
            }
            try {
                return mailboxWriter.maildir(queueId, path, user, limit, concat(headers(key, "\r\n", false), message()),
                    start);
            } catch (IOException e) {
                return LocalOutcome.deferred("4.3.0", "cannot read message: " + e.getMessage(), start);
            }
        }

        /**
         * Postern runs as root: the file is written only where {@code default_privs} could write it, and
         * a file created here is given to that user, so an alias never writes with root's rights. A refusal
         * defers (the operator can fix the modes) rather than bounce.
         */
        private LocalOutcome appendAs(DefaultPrivs privs, String key, Path file, long limit, Instant start) {
            boolean created;
            try {
                if (!privs.mayWrite(file)) {
                    return LocalOutcome.deferred("4.3.0", "cannot append message to file " + file + ": not writable by"
                        + " default_privs user " + privs.name() + " (Postern runs as root and writes a file for an alias"
                        + " only where that user may)", start);
                }
                created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                return LocalOutcome.deferred("4.3.0", "cannot append message to file " + file + ": " + describe(e), start);
            }
            LocalOutcome outcome = appendMbox(key, file, limit, "delivered to file: " + file, start);
            if (created && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    privs.adopt(file);
                } catch (IOException e) {
                    LOGGER.warn("{}: cannot give {} to default_privs user {}", queueId, file, privs.name(), e);
                }
            }
            return outcome;
        }

        private LocalOutcome appendMbox(String key, Path file, long limit, String sentText, Instant start) {
            try {
                return mailboxWriter.mbox(queueId, file, key.substring(0, key.lastIndexOf('@')), limit,
                    headers(key, "\n", true), message(), sentText, start);
            } catch (IOException e) {
                return LocalOutcome.deferred("4.3.0", "cannot read message: " + e.getMessage(), start);
            }
        }

        /** Return-Path, X-Original-To, Delivered-To; for mbox the From_ line first. */
        private byte[] headers(String key, String lineEnd, boolean fromLine) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (fromLine) {
                String sender = mail.getMaybeSender().asString("MAILER-DAEMON");
                out.write(("From " + sender + "  " + ASCTIME.format(clock.instant().atZone(ZoneId.systemDefault())) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            }
            out.write(new DeliveryHeaders(mail.getMaybeSender().asString(""), originalRecipient(), key).bytes(lineEnd));
            return out.toByteArray();
        }

        private String originalRecipient() {
            String recipient = top.asString();
            return OriginalRecipients.of(mail, top).orElse(recipient);
        }

        private byte[] message() throws IOException {
            if (message == null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                    mail.getMessage().writeTo(out);
                } catch (MessagingException e) {
                    throw new IOException("cannot read message: " + e.getMessage(), e);
                }
                message = out.toByteArray();
            }
            return message;
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

    /** A mailbox on disk: a Maildir directory or an mbox file. */
    private record Location(Path path, boolean maildir) {
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** The message with LF line ends, as a command reads it from a pipe. */
    private static byte[] withLf(byte[] crlf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(crlf.length);
        for (int i = 0; i < crlf.length; i++) {
            if (!(crlf[i] == '\r' && i + 1 < crlf.length && crlf[i + 1] == '\n')) {
                out.write(crlf[i]);
            }
        }
        return out.toByteArray();
    }

    private static String finalAddress(LocalMailboxes.Resolution resolution) {
        return resolution instanceof LocalMailboxes.Mailbox mailbox ? mailbox.address()
            : ((LocalMailboxes.UnknownUser) resolution).address();
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
