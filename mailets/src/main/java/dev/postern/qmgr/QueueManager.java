package dev.postern.qmgr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.api.DomainListException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.user.api.UsersRepository;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.PosternEnvironment;
import dev.postern.address.AddressClassifier;
import dev.postern.address.LocalMailboxes;
import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.Generation;
import dev.postern.config.MasterCf;
import dev.postern.config.MasterCfService;
import dev.postern.delivery.Courier;
import dev.postern.delivery.DiscardCourier;
import dev.postern.delivery.ErrorCourier;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.RetryCourier;
import dev.postern.delivery.bounce.Notifications;
import dev.postern.delivery.bounce.Notifier;
import dev.postern.delivery.local.Forwarder;
import dev.postern.delivery.local.LocalCourier;
import dev.postern.delivery.local.LocalDeliverySettings;
import dev.postern.delivery.local.MailRoot;
import dev.postern.delivery.local.MaildirNames;
import dev.postern.delivery.pipe.PipeCourier;
import dev.postern.delivery.route.DeliveryWindows;
import dev.postern.delivery.route.RouteResolver;
import dev.postern.delivery.smtp.LmtpCourier;
import dev.postern.delivery.smtp.SmtpCourier;
import dev.postern.delivery.smtp.sts.MtaSts;
import dev.postern.delivery.smtp.tlsrpt.TlsReporter;
import dev.postern.delivery.smtp.tlsrpt.TlsResults;
import dev.postern.log.MailEvent;
import dev.postern.log.MailLog;
import dev.postern.queue.MailAttributes;
import dev.postern.queue.MessageTimes;
import dev.postern.queue.QueueIdGenerator;
import dev.postern.tables.LookupException;

/**
 * Postfix's qmgr as the last mailet of the pipeline: makes a delivery attempt of every mail that reaches
 * it ({@link MessageDelivery}: route, courier, log line per recipient), then settles each recipient.
 *
 * <ul>
 * <li>sent: done (a success notice when DSN NOTIFY asked for one);</li>
 * <li>bounced: one non-delivery notification for all of the message's failed recipients;</li>
 * <li>deferred: the mail itself, reduced to those recipients and carrying their reasons and its attempt
 * count, is queued again, due after {@link RetrySchedule#nextDelay}; once the message is older than its
 * lifetime the deferred recipients are returned to the sender instead ({@code status=expired}). A delay
 * warning goes out once, when {@code delay_warning_time} has passed.</li>
 * </ul>
 *
 * <p>The first attempt is made from the copy queued at SMTP time: only deferred mail is written again,
 * and then only its envelope, since its content is unchanged (docs/queue.md). Then the mail
 * becomes a ghost and its spool entry is dropped. If handing on a deferral or a notification fails, the
 * mail keeps the recipients not yet settled and the failure goes to the container's error processor, so
 * nothing answered 250 is lost.
 *
 * <p>Init parameter {@code retryProcessor}: the processor deferred mail returns to (default
 * {@code transport}, where this mailet runs, so a retry skips cleanup).
 */
public class QueueManager extends GenericMailet {
    static final String RETRY_PROCESSOR = "retryProcessor";
    static final String DEFAULT_RETRY_PROCESSOR = "transport";
    private static final Logger LOGGER = LoggerFactory.getLogger(QueueManager.class);
    private static final String QMGR = "qmgr";

    private final Clock clock;
    private final Assembly assembly;
    /** What mails are delivered with now; replaced, under this object's lock, after a reload. */
    private DeliveryParts parts;
    /** Built by a reload's check, used if that reload took effect. */
    private DeliveryParts prepared;
    private String retryProcessor = DEFAULT_RETRY_PROCESSOR;
    /** Postern's verify(8), when the assembly has one: probes are queued for it and their results go to it. */
    private VerifyService verifyService;

    /** What the mailet is built from in Postern's assembly (or a stock James server, with {@code mainCf}). */
    private record Assembly(UsersRepository users, DomainList domains, FileSystem fileSystem, QueueIdGenerator queueIds,
                            PosternEnvironment environment) {
    }

    @Inject
    public QueueManager(UsersRepository users, DomainList domains, FileSystem fileSystem, QueueIdGenerator queueIds,
                        PosternEnvironment environment) {
        this.clock = Clock.systemUTC();
        this.assembly = new Assembly(users, domains, fileSystem, queueIds, environment);
    }

    /** For tests: the parts given, not built from main.cf. */
    QueueManager(Clock clock, MessageDelivery delivery, Notifications notifications, RetrySchedule schedule,
                 MailLog mailLog) {
        this.clock = clock;
        this.assembly = null;
        this.parts = new DeliveryParts(null, delivery, notifications, schedule, mailLog, NonSmtpdMilters.NONE, List.of());
    }

    @com.google.inject.Inject(optional = true)
    public void setVerifyService(VerifyService verifyService) {
        this.verifyService = verifyService;
    }

    @Override
    public void init() throws MessagingException {
        retryProcessor = getInitParameter(RETRY_PROCESSOR, DEFAULT_RETRY_PROCESSOR);
        if (assembly == null) {
            return;
        }
        if (verifyService != null) {
            verifyService.attach(this::queueProbe);
        }
        try {
            parts = build(assembly.environment().generation());
        } catch (ConfigException e) {
            throw new MessagingException(e.getMessage(), e);
        }
        assembly.environment().registerReloadable(this::prepare);
    }

    /** Builds the parts for a reload's candidate configuration: the check that can refuse it. */
    private void prepare(Generation candidate) throws ConfigException {
        DeliveryParts built = build(candidate);
        DeliveryParts unused;
        synchronized (this) {
            unused = prepared;
            prepared = built;
        }
        if (unused != null) {
            unused.retire();
        }
    }

    /** Everything the delivery of one mail uses, from one generation of the configuration. */
    private DeliveryParts build(Generation generation) throws ConfigException {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            PosternEnvironment environment = assembly.environment();
            ComponentParameters parameters = environment.parameters(generation,
                name -> Optional.ofNullable(getInitParameter(name)), getMailetName());
            MailLog mailLog = environment.mailLog(parameters);
            RetrySchedule schedule = RetrySchedule.fromParameters(parameters);
            Notifications notifications = Notifier.from(parameters, assembly.queueIds(), mailLog, clock);
            RouteResolver resolver = routeResolver(parameters, environment, assembly.domains());
            DeliveryWindows windows = DeliveryWindows.load(parameters.list(DeliveryWindows.PARAMETER),
                Path.of("").toAbsolutePath(), ZoneId.systemDefault());
            MessageDelivery delivery = new MessageDelivery((recipient, sender) -> resolver.resolve(recipient, sender).route(),
                couriers(parameters, mailLog, closeables), new DeliveryLog(mailLog, clock), parameters.bool("soft_bounce"), clock,
                windows);
            return new DeliveryParts(generation, delivery, notifications, schedule, mailLog,
                NonSmtpdMilters.of(parameters), closeables);
        } catch (ConfigException | IllegalArgumentException | IOException | UncheckedIOException | MessagingException e) {
            new DeliveryParts(generation, null, null, null, null, null, closeables).retire();
            throw new ConfigException(getMailetName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The parts for the next mail, leased until {@link DeliveryParts#release}: after a reload the
     * parts of the new generation replace the old ones, whose cached connections close once the
     * deliveries still using them are done.
     */
    private DeliveryParts lease() throws MessagingException {
        DeliveryParts retired = null;
        DeliveryParts leased;
        synchronized (this) {
            if (assembly != null) {
                Generation current = assembly.environment().generation();
                if (parts.generation() != current) {
                    DeliveryParts fresh;
                    if (prepared != null && prepared.generation() == current) {
                        fresh = prepared;
                        prepared = null;
                    } else {
                        try {
                            fresh = build(current);
                        } catch (ConfigException e) {
                            throw new MessagingException(e.getMessage(), e);
                        }
                    }
                    retired = parts;
                    parts = fresh;
                }
            }
            leased = parts;
            leased.acquire();
        }
        if (retired != null) {
            retired.retire();
        }
        return leased;
    }

    /**
     * One courier per transport name: the built-in transports (smtp and relay share one, as they share
     * Postfix's smtp(8) code), then master.cf's ({@link MasterCfTransports}).
     */
    private Map<String, Courier> couriers(ComponentParameters parameters, MailLog mailLog, List<AutoCloseable> closeables)
            throws MessagingException, ConfigException {
        // MTA-STS sessions are tallied for the TLS reports (RFC 8460), which go out through this
        // server's own queue, as bounces do.
        TlsResults tlsResults = TlsReporter.start(parameters, assembly.environment().dns(parameters), clock,
            assembly.queueIds(), mailLog, mail -> getMailetContext().sendMail(mail), closeables);
        Agents agents = new Agents(parameters, mailLog, tlsResults);
        Map<String, Courier> couriers = new HashMap<>();
        Courier smtp = agents.create("smtp", parameters, closeables);
        couriers.put("smtp", smtp);
        couriers.put("relay", smtp);
        for (String command : List.of("lmtp", "local", "virtual", "error", "discard")) {
            couriers.put(command, agents.create(command, parameters, closeables));
        }
        couriers.put("retry", new RetryCourier(clock));
        MasterCf master = MasterCf.besideMainCf(parameters.mainCf().file());
        return MasterCfTransports.couriers(master, couriers, parameters, name -> Optional.ofNullable(getInitParameter(name)),
            getMailetName(), (service, serviceParameters) -> agents.create(service, serviceParameters, closeables),
            closeables);
    }

    /** Makes Postfix's delivery agents (the programs master.cf names) from the parameters they run with. */
    private final class Agents {
        private final MailLog mailLog;
        private final Path home;
        private final Path var;
        private final Path mailRoot;
        private final ComponentParameters base;
        private final TlsResults tlsResults;

        Agents(ComponentParameters base, MailLog mailLog, TlsResults tlsResults) throws MessagingException {
            this.base = base;
            this.tlsResults = tlsResults;
            this.mailLog = mailLog;
            this.home = MailRoot.home(assembly.fileSystem(), getMailetName());
            this.var = MailRoot.resolve(assembly.fileSystem(), "file://var/", getMailetName());
            this.mailRoot = MailRoot.resolve(assembly.fileSystem(), getInitParameter(MailRoot.MAIL_ROOT,
                MailRoot.DEFAULT_MAIL_ROOT), getMailetName());
        }

        Courier create(MasterCfService service, ComponentParameters parameters, List<AutoCloseable> closeables)
                throws ConfigException {
            if (service.command().equals("pipe")) {
                return PipeCourier.create(service, parameters, home, clock);
            }
            try {
                return create(service.command(), parameters, closeables);
            } catch (MessagingException e) {
                throw new ConfigException(service.where() + ": " + e.getMessage(), e);
            }
        }

        Courier create(String command, ComponentParameters parameters, List<AutoCloseable> closeables)
                throws MessagingException {
            PosternEnvironment environment = assembly.environment();
            switch (command) {
                case "smtp": {
                    SmtpCourier smtp = SmtpCourier.create(parameters, environment.dns(parameters), environment::openTable,
                        clock, line -> mailLog.log("smtp", line),
                        MtaSts.create(parameters, environment.dns(parameters), var, clock, mailLog, tlsResults));
                    closeables.add(smtp);
                    return smtp;
                }
                case "lmtp": {
                    LmtpCourier lmtp = LmtpCourier.create(parameters, environment.dns(parameters), clock, var);
                    closeables.add(lmtp);
                    return lmtp;
                }
                case "local":
                case "virtual":
                    return local(command, parameters);
                case "error":
                    return new ErrorCourier(clock);
                case "discard":
                    return new DiscardCourier(clock);
                default:
                    throw new IllegalArgumentException("no delivery agent " + command);
            }
        }

        private Courier local(String command, ComponentParameters parameters) throws MessagingException {
            PosternEnvironment environment = assembly.environment();
            String myhostname = parameters.get("myhostname");
            LocalMailboxes mailboxes = new LocalMailboxes(parameters.list("mydestination"), myhostname,
                LocalMailboxes.Directory.of(assembly.users()::contains, assembly.users()::supportVirtualHosting,
                    assembly.domains()::containsDomain).alsoHosting(
                        LocalMailboxes.Directory.virtualMailboxDomains(parameters::get, environment::openTable)));
            MaildirNames names = new MaildirNames(clock, myhostname, assembly.queueIds()::nextValue);
            LocalDeliverySettings local = LocalDeliverySettings.from(parameters, environment::openTable,
                environment::openAliasTable, home);
            Forwarder forwarder = new MailetForwarder(QueueManager.this::getMailetContext, assembly.queueIds(), mailLog,
                clock);
            return new LocalCourier(command, mailboxes, mailRoot, names, clock, local, forwarder, myhostname);
        }
    }

    /**
     * The routing of the queue manager's parameters: the address classes (with the domains of the
     * domain list, which WebAdmin adds to, as virtual mailbox domains) and the transports. Also how
     * {@code postern explain} shows a recipient's route.
     */
    public static RouteResolver routeResolver(ComponentParameters parameters, PosternEnvironment environment,
                                              DomainList domains) throws IOException {
        return new RouteResolver(parameters, environment::openTable, classifier(parameters, environment, domains));
    }

    private static AddressClassifier classifier(ComponentParameters parameters, PosternEnvironment environment,
                                                DomainList domains) throws IOException {
        return AddressClassifier.fromParameters(parameters::get,
            AddressClassifier.ownAddresses(parameters.list("inet_interfaces"), parameters.list("proxy_interfaces")),
            environment::openTable, domain -> {
                try {
                    return domains.containsDomain(Domain.of(domain));
                } catch (DomainListException | RuntimeException e) {
                    throw new LookupException("domain list: cannot look up " + domain + ": " + e.getMessage(), e);
                }
            });
    }

    /** Closes the couriers' cached SMTP/LMTP connections. */
    @Override
    public void destroy() {
        DeliveryParts last;
        DeliveryParts unused;
        synchronized (this) {
            last = parts;
            unused = prepared;
            prepared = null;
        }
        if (last != null) {
            last.retire();
        }
        if (unused != null) {
            unused.retire();
        }
    }

    @Override
    public String getMailetInfo() {
        return "Postern queue manager: routes, delivers, retries and bounces";
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        DeliveryParts leased = lease();
        try {
            service(mail, leased);
        } finally {
            leased.release();
        }
    }

    private void service(Mail mail, DeliveryParts parts) throws MessagingException {
        Instant start = clock.instant();
        String queueId = QueueIdGenerator.queueIdOf(mail.getName());
        if (MailAttributes.isProbe(mail)) {
            probe(mail, parts, queueId, start);
            return;
        }
        Optional<Instant> release = releaseTime(mail).filter(at -> at.isAfter(start));
        if (release.isPresent()) {
            waitForRelease(mail, queueId, release.get(), start);
            return;
        }
        if (parts.nonSmtpdMilters().applies(mail) && !passedNonSmtpdMilters(mail, parts, queueId, start)) {
            return;
        }
        MessageDelivery.Attempt attempt = parts.delivery().deliver(queueId, mail, start);

        List<RecipientResult> delivered = new ArrayList<>();
        List<RecipientResult> failed = new ArrayList<>();
        List<RecipientResult> deferred = new ArrayList<>();
        List<RecipientResult> waiting = new ArrayList<>();
        for (RecipientResult result : attempt.results()) {
            switch (result.status()) {
                case SENT -> delivered.add(result);
                case BOUNCED -> failed.add(result);
                case DEFERRED -> (attempt.waiting().containsKey(result.recipient()) ? waiting : deferred).add(result);
                default -> throw new IllegalStateException(result.status().name());
            }
        }
        Duration age = Duration.between(arrival(mail, queueId, start), clock.instant());
        boolean nullSender = mail.getMaybeSender().isNullSender();
        if (!deferred.isEmpty() && parts.schedule().expired(age, nullSender)) {
            parts.mailLog().log(QMGR, queueId, "from=<" + mail.getMaybeSender().asString("") + ">, status=expired, returned to sender",
                new MailEvent.Expired());
            failed.addAll(deferred);
            deferred.clear();
        }
        settle(mail, parts, queueId, age, delivered, failed, new Deferrals(deferred, waiting, attempt.waiting()));
    }

    /**
     * The recipients that go back to the queue: those whose attempt failed, and those not tried because their
     * destination's delivery window is closed, which wait for it to open without counting an attempt, without a
     * delay warning, and without expiring (a window opens at least once a week; the lifetime applies again once
     * they are tried and fail).
     */
    private record Deferrals(List<RecipientResult> failed, List<RecipientResult> waiting, Map<MailAddress, Instant> opening) {
        boolean isEmpty() {
            return failed.isEmpty() && waiting.isEmpty();
        }

        List<RecipientResult> all() {
            List<RecipientResult> all = new ArrayList<>(failed);
            all.addAll(waiting);
            return all;
        }

        /** The backoff if anything failed, cut short by the first window that opens before it ends. */
        Duration delay(Duration backoff, Instant now) {
            Duration delay = failed.isEmpty() ? null : backoff;
            for (Instant open : opening.values()) {
                Duration untilOpen = Duration.between(now, open);
                if (delay == null || untilOpen.compareTo(delay) < 0) {
                    delay = untilOpen;
                }
            }
            return delay == null || delay.isNegative() ? Duration.ZERO : delay;
        }
    }

    /**
     * A mail whose release time (RFC 4865 HOLDFOR/HOLDUNTIL, {@code postern super -h --until}) is still
     * ahead goes back to the queue, due at that time: no attempt is made or counted, so a flush that
     * brings it here early only puts it back.
     */
    private void waitForRelease(Mail mail, String queueId, Instant release, Instant now) throws MessagingException {
        LOGGER.debug("{}: held for future release at {}", queueId, release);
        getMailetContext().sendMail(mail, retryProcessor, Duration.between(now, release).toMillis(), TimeUnit.MILLISECONDS);
        mail.setState(Mail.GHOST);
    }

    /** The release time the mail carries ({@link MailAttributes#RELEASE_AT}); an unreadable one is ignored. */
    static Optional<Instant> releaseTime(Mail mail) {
        return mail.getAttribute(MailAttributes.RELEASE_AT)
            .map(attribute -> String.valueOf(attribute.getValue().value()))
            .flatMap(text -> {
                try {
                    return Optional.of(Instant.parse(text));
                } catch (java.time.format.DateTimeParseException e) {
                    LOGGER.warn("{}: ignoring unreadable release time {}", mail.getName(), text);
                    return Optional.empty();
                }
            });
    }

    /**
     * An address verification probe: one attempt, whose results go to the verification cache (under the
     * address that was asked about, before any rewriting); then it is gone. It is never retried, never
     * bounced and never notified: a failed probe is "undeliverable", and the cache's refresh times decide
     * when it is tried again.
     */
    private void probe(Mail mail, DeliveryParts parts, String queueId, Instant start) {
        List<RecipientResult> results = parts.delivery().deliver(queueId, mail, start).results();
        if (verifyService != null) {
            for (RecipientResult result : results) {
                String asked = dev.postern.delivery.OriginalRecipients.of(mail, result.recipient())
                    .orElse(result.recipient().asString());
                verifyService.record(asked, result);
            }
        }
        mail.setState(Mail.GHOST);
    }

    /** Queues a probe for {@code address}, as verify(8) asks Postfix's cleanup for one. */
    private void queueProbe(String address) throws MessagingException {
        String queueId = assembly.queueIds().next();
        String sender = verifyService.sender();
        javax.mail.internet.MimeMessage message = new javax.mail.internet.MimeMessage(
            javax.mail.Session.getDefaultInstance(new java.util.Properties()));
        message.setHeader("From", sender.isEmpty() ? "MAILER-DAEMON" : sender);
        message.setHeader("To", address);
        message.setHeader("Subject", "probe");
        message.setText("");
        message.saveChanges();
        org.apache.james.server.core.MailImpl probe = org.apache.james.server.core.MailImpl.builder()
            .name(queueId)
            .sender(sender.isEmpty() ? org.apache.james.core.MaybeSender.nullSender()
                : org.apache.james.core.MaybeSender.of(new MailAddress(sender)))
            .addRecipient(new MailAddress(address))
            .mimeMessage(message)
            .addAttribute(new Attribute(MailAttributes.ADDRESS_PROBE, AttributeValue.of(true)))
            .build();
        Instant now = clock.instant();
        MessageTimes.stamp(probe, now, now);
        DeliveryParts leased = lease();
        try {
            leased.mailLog().log(QMGR, queueId, "from=<" + sender + ">, size=" + probe.getMessageSize() + ", nrcpt=1 (queue active)",
                new MailEvent.Received(probe.getMessageSize(), 1));
        } finally {
            leased.release();
        }
        getMailetContext().sendMail(probe);
    }

    /**
     * Shows Postern's own mail to the {@code non_smtpd_milters} before its first delivery attempt, as
     * Postfix's cleanup does before it is queued: accepted, it goes on with the filters' changes and is
     * not shown again; rejected or discarded, it is dropped; tempfailed, it waits {@code
     * minimal_backoff_time} (the retry schedule's first delay) and is shown again; quarantined, it goes
     * on hold. Each outcome but acceptance has Postfix's cleanup line.
     */
    private boolean passedNonSmtpdMilters(Mail mail, DeliveryParts parts, String queueId, Instant start)
            throws MessagingException {
        NonSmtpdMilters.Outcome outcome = parts.nonSmtpdMilters().filter(mail, queueId,
            warning -> parts.mailLog().log("cleanup", "warning: " + warning), decision -> parts.mailLog().record("cleanup", decision));
        String envelope = "; from=<" + mail.getMaybeSender().asString("") + "> to=<"
            + mail.getRecipients().stream().reduce((first, second) -> second).map(MailAddress::asString).orElse("")
            + "> proto=local helo=<localhost>";
        if (outcome instanceof NonSmtpdMilters.Outcome.Accept) {
            mail.removeAttribute(MailAttributes.INTERNAL_MAIL_CLASS);
            return true;
        }
        if (outcome instanceof NonSmtpdMilters.Outcome.Drop drop) {
            parts.mailLog().log("cleanup", queueId, drop.action() + ": END-OF-MESSAGE from localhost[127.0.0.1]: "
                + drop.text() + envelope);
            mail.setState(Mail.GHOST);
            return false;
        }
        if (outcome instanceof NonSmtpdMilters.Outcome.Hold hold) {
            parts.mailLog().log("cleanup", queueId, "milter-hold: END-OF-MESSAGE from localhost[127.0.0.1]: "
                + hold.reason() + envelope);
            mail.removeAttribute(MailAttributes.INTERNAL_MAIL_CLASS);
            mail.setAttribute(new Attribute(MailAttributes.HOLD, AttributeValue.of(hold.reason())));
            getMailetContext().sendMail(mail, "root");
            mail.setState(Mail.GHOST);
            return false;
        }
        String text = ((NonSmtpdMilters.Outcome.Tempfail) outcome).text();
        parts.mailLog().log("cleanup", queueId, "milter-reject: END-OF-MESSAGE from localhost[127.0.0.1]: " + text
            + envelope);
        mail.setErrorMessage(text);
        getMailetContext().sendMail(mail, retryProcessor, parts.schedule().nextDelay(Duration.ZERO).toMillis(),
            TimeUnit.MILLISECONDS);
        mail.setState(Mail.GHOST);
        return false;
    }

    private void settle(Mail mail, DeliveryParts parts, String queueId, Duration age, List<RecipientResult> delivered,
                        List<RecipientResult> failed, Deferrals deferrals) throws MessagingException {
        List<RecipientResult> deferred = deferrals.failed();
        List<Mail> notices = new ArrayList<>();
        List<MailAddress> unsettled = new ArrayList<>();
        Notifications notifications = parts.notifications();
        try {
            if (!failed.isEmpty()) {
                notices.addAll(notifications.nonDelivery(mail, queueId, failed));
            }
            List<RecipientResult> wantSuccess = delivered.stream().filter(result -> asksForSuccess(mail, result)).toList();
            if (!wantSuccess.isEmpty()) {
                notices.addAll(notifications.success(mail, queueId, wantSuccess));
            }
            boolean warn = !deferred.isEmpty() && parts.schedule().warnNow(age) && !alreadyWarned(mail);
            if (warn) {
                notices.addAll(notifications.delayWarning(mail, queueId, deferred));
            }
            if (!deferrals.isEmpty()) {
                List<RecipientResult> all = deferrals.all();
                unsettled.addAll(all.stream().map(RecipientResult::recipient).toList());
                requeue(mail, all, deferrals.delay(parts.schedule().nextDelay(age), clock.instant()), warn,
                    !deferred.isEmpty());
                unsettled.clear();
            }
            // The notifications go out after the deferral is safe: a crash in between repeats a
            // notice at worst, never loses a recipient.
            for (Mail notice : notices) {
                getMailetContext().sendMail(notice);
            }
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("{}: cannot hand on the outcome of a delivery attempt; keeping the mail", queueId, e);
            unsettled.addAll(failed.stream().map(RecipientResult::recipient).toList());
            mail.setRecipients(unsettled);
            throw e instanceof MessagingException me ? me : new MessagingException(e.getMessage(), e);
        }
        mail.setState(Mail.GHOST);
    }

    /**
     * Queues this very mail again, reduced to its deferred recipients: its content is the one already on
     * disk, so only a new envelope is written.
     */
    private void requeue(Mail mail, List<RecipientResult> deferred, Duration delay, boolean warned, boolean attempted)
            throws MessagingException {
        Map<String, AttributeValue<?>> reasons = new LinkedHashMap<>();
        deferred.forEach(result -> reasons.put(result.recipient().asString(),
            AttributeValue.of(result.dsn() + " " + result.text())));
        mail.setRecipients(deferred.stream().map(RecipientResult::recipient).toList());
        mail.setAttribute(new Attribute(MailAttributes.DEFER_REASONS, AttributeValue.of(reasons)));
        if (attempted) {
            mail.setAttribute(new Attribute(MailAttributes.DELIVERY_ATTEMPTS, AttributeValue.of(attempts(mail) + 1)));
        }
        if (warned) {
            mail.setAttribute(new Attribute(MailAttributes.DELAY_WARNED, AttributeValue.of(true)));
        }
        mail.setErrorMessage(deferred.get(0).text());
        getMailetContext().sendMail(mail, retryProcessor, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static long attempts(Mail mail) {
        return mail.getAttribute(MailAttributes.DELIVERY_ATTEMPTS)
            .map(Attribute::getValue)
            .map(AttributeValue::getValue)
            .filter(Number.class::isInstance)
            .map(value -> ((Number) value).longValue())
            .orElse(0L);
    }

    private static boolean alreadyWarned(Mail mail) {
        return mail.getAttribute(MailAttributes.DELAY_WARNED).isPresent();
    }

    private static boolean asksForSuccess(Mail mail, RecipientResult result) {
        return mail.dsnParameters()
            .map(DsnParameters::getRcptParameters)
            .map(parameters -> parameters.get(result.recipient()))
            .flatMap(DsnParameters.RecipientDsnParameters::getNotifyParameter)
            .filter(notify -> notify.contains(DsnParameters.Notify.SUCCESS))
            .isPresent();
    }

    /** The arrival stamped at SMTP time, else the time the queue ID records. */
    private static Instant arrival(Mail mail, String queueId, Instant now) {
        return MessageTimes.arrival(mail).or(() -> QueueIdGenerator.arrivalOf(queueId, now)).orElse(now);
    }
}
