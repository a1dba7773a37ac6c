package dev.postern.mailets;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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

import dev.postern.PosternEnvironment;
import dev.postern.address.LocalMailboxes;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.Recipients;
import dev.postern.delivery.local.LocalCourier;
import dev.postern.delivery.local.LocalDeliverySettings;
import dev.postern.delivery.local.MailRoot;
import dev.postern.delivery.local.Maildir;
import dev.postern.delivery.local.MaildirNames;
import dev.postern.delivery.route.Route;
import dev.postern.qmgr.DeliveryLog;
import dev.postern.qmgr.MailetForwarder;
import dev.postern.queue.QueueIdGenerator;

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
    static final String BOUNCE_PROCESSOR = "bounceProcessor";
    static final String RETRY_PROCESSOR = "retryProcessor";
    static final String DEFAULT_BOUNCE_PROCESSOR = "bounces";
    static final String DEFAULT_RETRY_PROCESSOR = "local-delivery";
    /** Postfix's minimal_backoff_time. */
    static final long RETRY_DELAY_SECONDS = 300;

    private static final String SERVICE = "local";
    private static final Route LOCAL_ROUTE = new Route(SERVICE, "");
    /** Makes copy names unique across restarts too: mail repositories key mails by name. */

    private final UsersRepository usersRepository;
    private final DomainList domainList;
    private final FileSystem fileSystem;
    private final Clock clock;
    private final QueueIdGenerator unique;
    private final PosternEnvironment environment;
    private DeliveryLog deliveryLog;
    private MaildirNames names;
    private LocalCourier courier;

    private LocalMailboxes mailboxes;
    private Path mailRoot;
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
                usersRepository::contains, usersRepository::supportVirtualHosting, domainList::containsDomain)
                .alsoHosting(LocalMailboxes.Directory.virtualMailboxDomains(parameters::get, environment::openTable)));
            deliveryLog = new DeliveryLog(environment.mailLog(parameters), clock);
            names = new MaildirNames(clock, myhostname, unique::nextValue);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
        mailRoot = MailRoot.resolve(fileSystem, getInitParameter(MailRoot.MAIL_ROOT, MailRoot.DEFAULT_MAIL_ROOT), getMailetName());
        bounceProcessor = getInitParameter(BOUNCE_PROCESSOR, DEFAULT_BOUNCE_PROCESSOR);
        retryProcessor = getInitParameter(RETRY_PROCESSOR, DEFAULT_RETRY_PROCESSOR);
        try {
            ComponentParameters parameters = environment.parameters(
                name -> Optional.ofNullable(getInitParameter(name)), getMailetName());
            LocalDeliverySettings settings = LocalDeliverySettings.from(parameters, environment::openTable,
                environment::openAliasTable, MailRoot.home(fileSystem, getMailetName()));
            courier = new LocalCourier(SERVICE, mailboxes, mailRoot, names, clock, settings,
                new MailetForwarder(this::getMailetContext, unique, environment.mailLog(parameters), clock),
                parameters.get("myhostname"));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new MessagingException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern local delivery to Maildir";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Instant start = clock.instant();
        String queueId = QueueIdGenerator.queueIdOf(mail.getName());
        List<MailAddress> kept = new ArrayList<>();
        List<MailAddress> local = new ArrayList<>();
        for (MailAddress recipient : Recipients.withoutDuplicates(mail.getRecipients())) {
            (isLocal(recipient) ? local : kept).add(recipient);
        }
        Map<MailAddress, String> bounced = new LinkedHashMap<>();
        Map<MailAddress, String> deferred = new LinkedHashMap<>();
        if (!local.isEmpty()) {
            for (RecipientResult result : courier.deliver(new Delivery(queueId, mail, local, LOCAL_ROUTE, start))) {
                deliveryLog.log(SERVICE, queueId, mail, start, result);
                switch (result.status()) {
                    case BOUNCED -> bounced.put(result.recipient(), result.dsn() + " " + result.text());
                    case DEFERRED -> deferred.put(result.recipient(), result.dsn() + " " + result.text());
                    case SENT -> { }
                    default -> throw new IllegalStateException(result.status().name());
                }
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

    /** Recipients of other domains stay on the mail; a failed lookup is the courier's to report (it defers). */
    private boolean isLocal(MailAddress recipient) {
        try {
            return !(mailboxes.resolve(recipient) instanceof LocalMailboxes.NotLocal);
        } catch (LocalMailboxes.LookupException e) {
            return true;
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

    private static MessagingException asMessagingException(Exception e) {
        return e instanceof MessagingException me ? me : new MessagingException(e.getMessage(), e);
    }
}
