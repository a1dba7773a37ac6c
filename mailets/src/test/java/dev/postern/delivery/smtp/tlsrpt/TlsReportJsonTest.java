package dev.postern.delivery.smtp.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsType;
import dev.postern.log.MailLog;
import dev.postern.queue.QueueIdGenerator;

/** The tally, the RFC 8460 §4.4 JSON read back field by field, and the report mail of §5.3. */
class TlsReportJsonTest {
    private static final Instant START = Instant.parse("2026-12-06T00:00:00Z");
    private static final Instant END = Instant.parse("2026-12-07T00:00:00Z");
    private static final ReportPolicy STS = new ReportPolicy("sts",
        List.of("version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 86400"), "example.com",
        List.of("*.example.com"));

    private static TlsReportBook book() {
        TlsReportBook book = new TlsReportBook();
        book.success(STS);
        book.success(STS);
        book.success(STS);
        book.failure(STS, new TlsResults.Failure(ResultType.CERTIFICATE_HOST_MISMATCH, "mx1.example.com", "192.0.2.1", "first"));
        book.failure(STS, new TlsResults.Failure(ResultType.CERTIFICATE_HOST_MISMATCH, "mx1.example.com", "192.0.2.1", "again"));
        book.failure(STS, new TlsResults.Failure(ResultType.STARTTLS_NOT_SUPPORTED, "mx2.example.com", "192.0.2.2", ""));
        book.failure(ReportPolicy.noPolicyFound("example.com"),
            new TlsResults.Failure(ResultType.STS_POLICY_FETCH_ERROR, "", "", "HTTP status 404"));
        return book;
    }

    @Test
    void theReportHasEveryFieldOfTheRfcWithTheCounts() throws Exception {
        Map<String, List<TlsReportBook.PolicyTally>> drained = book().drain();
        assertThat(drained).containsOnlyKeys("example.com");

        JsonNode report = new ObjectMapper().readTree(TlsReportJson.write(new TlsReportJson.Report("Postern \"test\"", START,
            END, "mailto:postmaster@sender.test", "2026-12-06T00:00:00Z_example.com", drained.get("example.com"))));

        assertThat(report.get("organization-name").asText()).isEqualTo("Postern \"test\"");
        assertThat(report.get("date-range").get("start-datetime").asText()).isEqualTo("2026-12-06T00:00:00Z");
        assertThat(report.get("date-range").get("end-datetime").asText()).isEqualTo("2026-12-07T00:00:00Z");
        assertThat(report.get("contact-info").asText()).isEqualTo("mailto:postmaster@sender.test");
        assertThat(report.get("report-id").asText()).isEqualTo("2026-12-06T00:00:00Z_example.com");
        assertThat(report.get("policies")).hasSize(2);

        JsonNode sts = report.get("policies").get(0);
        assertThat(sts.get("policy").get("policy-type").asText()).isEqualTo("sts");
        assertThat(sts.get("policy").get("policy-string")).extracting(JsonNode::asText)
            .containsExactly("version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 86400");
        assertThat(sts.get("policy").get("policy-domain").asText()).isEqualTo("example.com");
        assertThat(sts.get("policy").get("mx-host")).extracting(JsonNode::asText).containsExactly("*.example.com");
        assertThat(sts.get("summary").get("total-successful-session-count").asLong()).isEqualTo(3);
        assertThat(sts.get("summary").get("total-failure-session-count").asLong()).isEqualTo(3);
        JsonNode mismatch = sts.get("failure-details").get(0);
        assertThat(mismatch.get("result-type").asText()).isEqualTo("certificate-host-mismatch");
        assertThat(mismatch.get("receiving-ip").asText()).isEqualTo("192.0.2.1");
        assertThat(mismatch.get("receiving-mx-hostname").asText()).isEqualTo("mx1.example.com");
        assertThat(mismatch.get("failed-session-count").asLong()).isEqualTo(2);
        assertThat(mismatch.get("failure-reason-code").asText()).isEqualTo("first");
        JsonNode starttls = sts.get("failure-details").get(1);
        assertThat(starttls.get("result-type").asText()).isEqualTo("starttls-not-supported");
        assertThat(starttls.get("failed-session-count").asLong()).isEqualTo(1);
        assertThat(starttls.has("failure-reason-code")).isFalse();

        JsonNode none = report.get("policies").get(1);
        assertThat(none.get("policy").get("policy-type").asText()).isEqualTo("no-policy-found");
        assertThat(none.get("policy").has("policy-string")).isFalse();
        assertThat(none.get("summary").get("total-successful-session-count").asLong()).isZero();
        assertThat(none.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
        assertThat(none.get("failure-details").get(0).get("result-type").asText()).isEqualTo("sts-policy-fetch-error");
        assertThat(none.get("failure-details").get(0).has("receiving-mx-hostname")).isFalse();
    }

    @Test
    void drainingStartsANewPeriod() {
        TlsReportBook book = book();
        book.drain();
        assertThat(book.drain()).isEmpty();
    }

    @Test
    void controlCharactersFromRemoteServersAreEscaped() {
        assertThat(TlsReportJson.string("a\"b\\c\nd\u0000")).isEqualTo("\"a\\\"b\\\\c\\u000ad\\u0000\"");
    }

    @Test
    void theReportGoesToEachMailtoRuaAsGzipdJsonInAMultipartReport() throws Exception {
        Clock clock = Clock.fixed(END, ZoneOffset.UTC);
        TlsReportBook book = book();
        List<Mail> sent = new ArrayList<>();
        List<String> log = new ArrayList<>();
        TlsReporter reporter = new TlsReporter(book,
            (name, type) -> type == DnsType.TXT && name.equals("_smtp._tls.example.com")
                ? DnsAnswer.found(List.of("v=TLSRPTv1; rua=mailto:tlsrpt@reports.test,https://reports.test/v1"))
                : DnsAnswer.noSuchName("none"),
            "sender.test", "postmaster@sender.test", clock, new QueueIdGenerator(clock),
            new MailLog("postern", "mx.test", clock, log::add), sent::add);

        assertThat(reporter.report()).isEqualTo(1);
        reporter.close();

        Mail mail = sent.get(0);
        assertThat(mail.getRecipients()).extracting(Object::toString).containsExactly("tlsrpt@reports.test");
        assertThat(mail.getMaybeSender().asString()).isEqualTo("postmaster@sender.test");
        MimeMessage message = mail.getMessage();
        assertThat(message.getHeader("TLS-Report-Domain", null)).isEqualTo("example.com");
        assertThat(message.getHeader("TLS-Report-Submitter", null)).isEqualTo("sender.test");
        assertThat(message.getSubject()).startsWith("Report Domain: example.com Submitter: sender.test Report-ID: <");
        assertThat(message.getContentType()).startsWith("multipart/report").contains("report-type=\"tlsrpt\"");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("application/tlsrpt+gzip");
        assertThat(parts.getBodyPart(1).getFileName()).endsWith("!example.com!" + END.getEpochSecond() + "!"
            + END.getEpochSecond() + ".json.gz");
        String json;
        try (InputStream in = new GZIPInputStream(parts.getBodyPart(1).getInputStream())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            json = out.toString(StandardCharsets.UTF_8);
        }
        JsonNode report = new ObjectMapper().readTree(json);
        assertThat(report.get("policies").get(0).get("summary").get("total-successful-session-count").asLong()).isEqualTo(3);
        assertThat(log).anyMatch(l -> l.contains("rua https://reports.test/v1 skipped"));
    }
}
