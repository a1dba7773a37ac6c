package dev.postern.delivery.smtp.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;

import dev.postern.config.ComponentParameters;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsType;
import dev.postern.log.MailLog;
import dev.postern.queue.MessageTimes;
import dev.postern.queue.QueueIdGenerator;

/**
 * Sends the TLS reports of RFC 8460: every {@code postern_tls_report_interval} (a day by default)
 * one report per policy domain with sessions in the period, as gzip'd JSON
 * ({@code application/tlsrpt+gzip}, §5.3) in a {@code multipart/report} mail to each
 * {@code mailto:} of the domain's {@code _smtp._tls} rua, injected into this server's own queue
 * as bounces are. A domain without a TLSRPT record gets no report; https: rua are not posted to.
 */
public final class TlsReporter implements AutoCloseable {
    /** Hands a mail to the queue (the mailet context's sendMail). */
    @FunctionalInterface
    public interface Injector {
        void send(Mail mail) throws MessagingException;
    }

    private final TlsReportBook book;
    private final DnsLookup dns;
    private final String organization;
    private final String contact;
    private final Clock clock;
    private final QueueIdGenerator queueIds;
    private final MailLog mailLog;
    private final Injector injector;
    private final ScheduledExecutorService timer;
    private Instant periodStart;

    TlsReporter(TlsReportBook book, DnsLookup dns, String organization, String contact, Clock clock, QueueIdGenerator queueIds,
                MailLog mailLog, Injector injector) {
        this.book = book;
        this.dns = dns;
        this.organization = organization;
        this.contact = contact;
        this.clock = clock;
        this.queueIds = queueIds;
        this.mailLog = mailLog;
        this.injector = injector;
        this.periodStart = clock.instant();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tls-reports");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The sessions' tally when {@code postern_tls_reports = yes} (its reporter, started, is added to
     * {@code closeables}), else {@link TlsResults#NONE}.
     */
    public static TlsResults start(ComponentParameters parameters, DnsLookup dns, Clock clock, QueueIdGenerator queueIds,
                                   MailLog mailLog, Injector injector, List<AutoCloseable> closeables) {
        if (!parameters.bool("postern_tls_reports")) {
            return TlsResults.NONE;
        }
        Duration interval = parameters.duration("postern_tls_report_interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("postern_tls_report_interval: must be longer than 0, not " + interval);
        }
        TlsReportBook book = new TlsReportBook();
        TlsReporter reporter = new TlsReporter(book, dns, parameters.get("postern_tls_report_organization").trim(),
            parameters.get("postern_tls_report_contact").trim(), clock, queueIds, mailLog, injector);
        reporter.timer.scheduleAtFixedRate(reporter::reportQuietly, interval.toMillis(), interval.toMillis(),
            TimeUnit.MILLISECONDS);
        closeables.add(reporter);
        return book;
    }

    private void reportQuietly() {
        try {
            report();
        } catch (RuntimeException e) {
            mailLog.log("tlsrpt", "warning: TLS reports not sent: " + e);
        }
    }

    /** Sends the reports of the period that ends now; returns how many mails were injected. */
    synchronized int report() {
        Instant start = periodStart;
        Instant end = clock.instant();
        periodStart = end;
        int sent = 0;
        for (Map.Entry<String, List<TlsReportBook.PolicyTally>> domain : book.drain().entrySet()) {
            sent += reportDomain(domain.getKey(), domain.getValue(), start, end);
        }
        return sent;
    }

    private int reportDomain(String domain, List<TlsReportBook.PolicyTally> tallies, Instant start, Instant end) {
        DnsAnswer txt = dns.query("_smtp._tls." + domain, DnsType.TXT);
        List<String> rua = txt.isFound() ? TlsRptRecord.rua(txt.values()) : List.of();
        if (rua.isEmpty()) {
            return 0;
        }
        String reportId = TlsReportJson.time(start) + "_" + domain + "@" + organization;
        byte[] json = TlsReportJson.write(new TlsReportJson.Report(organization, start, end, contact, reportId, tallies))
            .getBytes(StandardCharsets.UTF_8);
        int sent = 0;
        for (String uri : rua) {
            Optional<String> to = TlsRptRecord.mailto(uri);
            if (to.isEmpty()) {
                mailLog.log("tlsrpt", "TLS report for " + domain + ": rua " + uri + " skipped (only mailto: is supported)");
                continue;
            }
            try {
                injector.send(mail(domain, to.get(), reportId, json, start, end));
                sent++;
            } catch (MessagingException | IOException | RuntimeException e) {
                mailLog.log("tlsrpt", "warning: TLS report for " + domain + " to " + to.get() + " not sent: " + e.getMessage());
            }
        }
        return sent;
    }

    /** The report mail of RFC 8460 §5.3. */
    Mail mail(String domain, String to, String reportId, byte[] json, Instant start, Instant end)
            throws MessagingException, IOException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(sender());
        message.setRecipient(javax.mail.Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject("Report Domain: " + domain + " Submitter: " + organization + " Report-ID: <" + reportId + ">");
        message.setSentDate(java.util.Date.from(clock.instant()));
        message.setHeader("TLS-Report-Domain", domain);
        message.setHeader("TLS-Report-Submitter", organization);
        MimeBodyPart text = new MimeBodyPart();
        text.setText("This is an aggregate TLS report (RFC 8460) from " + organization + " for " + domain
            + ", sessions from " + TlsReportJson.time(start) + " to " + TlsReportJson.time(end) + ".\n", "UTF-8");
        MimeBodyPart report = new MimeBodyPart();
        report.setDataHandler(new DataHandler(new ByteArrayDataSource(gzip(json), "application/tlsrpt+gzip")));
        report.setFileName(organization + "!" + domain + "!" + start.getEpochSecond() + "!" + end.getEpochSecond() + ".json.gz");
        report.setDisposition(MimeBodyPart.ATTACHMENT);
        report.setHeader("Content-Transfer-Encoding", "base64");
        MimeMultipart multipart = new MimeMultipart("report");
        multipart.addBodyPart(text);
        multipart.addBodyPart(report);
        message.setContent(multipart);
        message.saveChanges();
        // RFC 8460 §5.3: multipart/report with report-type "tlsrpt".
        message.setHeader("Content-Type", message.getContentType() + "; report-type=\"tlsrpt\"");
        String id = queueIds.next();
        MailImpl mail = MailImpl.builder()
            .name(id)
            .sender(senderAddress())
            .addRecipient(new MailAddress(to))
            .mimeMessage(message)
            .build();
        Instant now = clock.instant();
        MessageTimes.stamp(mail, now, now);
        mailLog.log("cleanup", id, "message-id=" + message.getHeader("Message-ID", null));
        mailLog.log("tlsrpt", id, "TLS report for " + domain + " to <" + to + ">");
        mailLog.log("qmgr", id, "from=<" + senderAddress().asString("") + ">, size=" + mail.getMessageSize()
            + ", nrcpt=1 (queue active)");
        return mail;
    }

    private InternetAddress sender() throws AddressException {
        return new InternetAddress(senderAddress().asOptional().map(MailAddress::asString).orElse("MAILER-DAEMON"));
    }

    /** The contact when it is a mail address, else the null sender. */
    private MaybeSender senderAddress() {
        try {
            return MaybeSender.of(new MailAddress(contact.startsWith("mailto:") ? contact.substring(7) : contact));
        } catch (AddressException e) {
            return MaybeSender.nullSender();
        }
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
