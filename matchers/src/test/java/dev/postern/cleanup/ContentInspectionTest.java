package dev.postern.cleanup;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.postern.config.ConfigException;
import dev.postern.restrictions.Reply;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

class ContentInspectionTest {
    private static final String WHO = " from client.example[192.0.2.1]; from=<s@example.com> to=<r@example.net>"
        + " proto=ESMTP helo=<client.example>";
    private static final String MESSAGE = String.join("\r\n",
        "Received: from client.example",
        "\tby mx.example.net",
        "Subject: spam offer",
        "From: s@example.com",
        "",
        "hello",
        "buy now",
        "");

    @TempDir
    Path dir;

    /** One header_checks rule, the reply (or none), and the cleanup lines it logs. */
    record HeaderCase(String rule, String reply, List<String> log) {
        @Override
        public String toString() {
            return rule;
        }
    }

    static Stream<HeaderCase> headerActions() {
        String subject = "QID1: %s: header Subject: spam offer" + WHO;
        return Stream.of(
            new HeaderCase("/^Subject: spam/ REJECT no spam here", "550 5.7.1 no spam here",
                List.of(subject.formatted("reject") + ": 5.7.1 no spam here")),
            new HeaderCase("/^Subject: spam/ REJECT", "550 5.7.1 message content rejected",
                List.of(subject.formatted("reject") + ": 5.7.1 message content rejected")),
            new HeaderCase("/^Subject: spam/ reject 4.7.0 try later", "451 4.7.0 try later",
                List.of(subject.formatted("reject") + ": 4.7.0 try later")),
            new HeaderCase("/^Subject: spam/ REJECT 5.7.9 policy", "550 5.7.9 policy",
                List.of(subject.formatted("reject") + ": 5.7.9 policy")),
            new HeaderCase("/^Subject: spam/ REJECT 2.0.0 odd", "451 4.0.0 odd",
                List.of("warning: bad DSN action in 2.0.0 odd -- need 4.x.x or 5.x.x",
                    subject.formatted("reject") + ": 4.0.0 odd")),
            new HeaderCase("/^Subject: spam/ WARN looks like spam", null,
                List.of(subject.formatted("warning") + ": looks like spam")),
            new HeaderCase("/^Subject: spam/ INFO", null, List.of(subject.formatted("info"))),
            new HeaderCase("/^Subject: spam/ HOLD review", null, List.of(subject.formatted("hold") + ": review")),
            new HeaderCase("/^Subject: spam/ DISCARD", null, List.of(subject.formatted("discard"))),
            new HeaderCase("/^Subject: spam/ DUNNO", null, List.of()),
            new HeaderCase("/^Subject: spam/ OK", null, List.of()),
            new HeaderCase("/^Subject: spam/ REDIRECT abuse@example.net", null,
                List.of(subject.formatted("redirect") + ": abuse@example.net")),
            new HeaderCase("/^Subject: spam/ BCC archive@example.net", null,
                List.of(subject.formatted("bcc") + ": archive@example.net")),
            new HeaderCase("/^Subject: spam/ FILTER smtp:[127.0.0.1]:10025", null,
                List.of(subject.formatted("filter") + ": smtp:[127.0.0.1]:10025")),
            new HeaderCase("/^Subject: spam/ FILTER nocolon", null,
                List.of("warning: bad FILTER command nocolon in header_checks -- need transport:destination")),
            new HeaderCase("/^Subject: spam/ REDIRECT nobody", null,
                List.of("warning: bad REDIRECT target \"nobody\" in header_checks map -- need user@domain")),
            new HeaderCase("/^Subject: spam/ FILTER", null,
                List.of("warning: missing FILTER command argument in header_checks map")),
            new HeaderCase("/^Subject: spam/ FROB it", null,
                List.of("warning: unknown command in header_checks map: FROB it")),
            new HeaderCase("/^Subject: spam/ PREPEND not a header", null,
                List.of("warning: bad PREPEND header text \"not a header\" in header_checks map"
                    + " -- need \"headername: headervalue\"")),
            new HeaderCase("/^Received: from client\\.example\\n\\tby mx/ WARN folded", null,
                List.of("QID1: warning: header Received: from client.example\n\tby mx.example.net" + WHO
                    + ": folded")));
    }

    @Test
    void redirectAndBccAreReturnedForThePipeline() throws Exception {
        Result result = inspect(Map.of(ContentClass.HEADER,
            "/^Subject: spam/ BCC archive@example.net\n/^From:/ REDIRECT first@example.net"), MESSAGE);

        assertThat(result.outcome().refusal()).isEmpty();
        assertThat(result.outcome().bcc()).containsExactly("archive@example.net");
        assertThat(result.outcome().redirect()).contains("first@example.net");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headerActions")
    void headerActionsReplyAndLogAsPostfixCleanup(HeaderCase c) throws Exception {
        Result result = inspect(Map.of(ContentClass.HEADER, c.rule()), MESSAGE);
        assertThat(result.outcome().refusal().map(Reply::line).orElse(null)).isEqualTo(c.reply());
        assertThat(result.log()).containsExactlyElementsOf(c.log());
    }

    @Test
    void theLastFilterIsReturnedForThePipeline() throws Exception {
        Result result = inspect(Map.of(ContentClass.HEADER,
                "/^Subject: spam/ FILTER smtp:[127.0.0.1]:10025\n/^From:/ FILTER lmtp:unix:private/filter",
                ContentClass.BODY, "/^buy now/ FILTER bad"), MESSAGE);

        assertThat(result.outcome().refusal()).isEmpty();
        assertThat(result.outcome().filter()).contains("lmtp:unix:private/filter");
        assertThat(result.log()).containsExactly(
            "QID1: filter: header Subject: spam offer" + WHO + ": smtp:[127.0.0.1]:10025",
            "QID1: filter: header From: s@example.com" + WHO + ": lmtp:unix:private/filter",
            "warning: bad FILTER command bad in body_checks -- need transport:destination");
        assertThat(inspect(Map.of(ContentClass.HEADER, "/^Subject:/ WARN x"), MESSAGE).outcome().filter()).isEmpty();
    }

    @Test
    void holdAndDiscardAreReportedWithTheirText() throws Exception {
        assertThat(inspect(Map.of(ContentClass.HEADER, "/^Subject:/ HOLD review"), MESSAGE).outcome().hold())
            .contains("review");
        assertThat(inspect(Map.of(ContentClass.HEADER, "/^Subject:/ DISCARD"), MESSAGE).outcome().discard())
            .contains("");
    }

    @Test
    void theFirstMatchingRuleDecidesEachHeader() throws Exception {
        Result result = inspect(Map.of(ContentClass.HEADER,
            "/^Subject:/ WARN first\n/^Subject: spam/ REJECT second\n"), MESSAGE);
        assertThat(result.outcome().refusal()).isEmpty();
        assertThat(result.log()).containsExactly("QID1: warning: header Subject: spam offer" + WHO + ": first");
    }

    @Test
    void rejectEndsTheInspection() throws Exception {
        Result result = inspect(Map.of(ContentClass.HEADER, "/^Received:/ REJECT\n/^Subject:/ WARN never\n",
            ContentClass.BODY, "/buy/ WARN never"), MESSAGE);
        assertThat(result.log()).hasSize(1);
    }

    @Test
    void holdIsLoggedOnceAndNotAfterDiscard() throws Exception {
        Result twice = inspect(Map.of(ContentClass.HEADER, "/^(Subject|From):/ HOLD"), MESSAGE);
        assertThat(twice.log()).hasSize(1);
        Result afterDiscard = inspect(Map.of(ContentClass.HEADER, "/^Subject:/ DISCARD\n/^From:/ HOLD"), MESSAGE);
        assertThat(afterDiscard.outcome().hold()).isEmpty();
    }

    @Test
    void passTurnsOffTheRestOfTheChecks() throws Exception {
        Result result = inspect(Map.of(ContentClass.HEADER, "/^Received:/ PASS trusted\n/^Subject:/ REJECT",
            ContentClass.BODY, "/buy/ REJECT"), MESSAGE);
        assertThat(result.outcome().refusal()).isEmpty();
        assertThat(result.log()).containsExactly(
            "QID1: pass: header Received: from client.example\n\tby mx.example.net" + WHO + ": trusted");
    }

    @Test
    void headerEditsChangeTheCopyOnly() throws Exception {
        Result result = inspect(Map.of(ContentClass.HEADER, String.join("\n",
            "/^Received:/ IGNORE",
            "/^Subject: (.*)/ REPLACE Subject: [SPAM] $1",
            "/^From:/ PREPEND X-Checked: yes")), MESSAGE);
        assertThat(result.rewritten()).isEqualTo(String.join("\r\n",
            "Subject: [SPAM] spam offer",
            "X-Checked: yes",
            "From: s@example.com",
            "",
            "hello",
            "buy now",
            ""));
        assertThat(result.log()).containsExactly(
            "QID1: replace: header Subject: spam offer" + WHO + ": Subject: [SPAM] spam offer",
            "QID1: prepend: header From: s@example.com" + WHO + ": X-Checked: yes");
    }

    @Test
    void bodyEditsAndStrip() throws Exception {
        Result result = inspect(Map.of(ContentClass.BODY, String.join("\n",
            "/^hello$/ PREPEND > greeting follows",
            "/^buy now$/ STRIP sales pitch")), MESSAGE);
        assertThat(result.rewritten()).endsWith("\r\n\r\n> greeting follows\r\nhello\r\n");
        assertThat(result.log()).containsExactly(
            "QID1: prepend: body hello" + WHO + ": > greeting follows",
            "QID1: strip: body buy now" + WHO + ": sales pitch");
    }

    @Test
    void nothingChangedMeansNoEdits() throws Exception {
        assertThat(inspect(Map.of(ContentClass.HEADER, "/^Subject:/ WARN"), MESSAGE).outcome().edits().isEmpty()).isTrue();
    }

    @Test
    void bodyChecksSeeOnlyTheFirstBytesOfEachBodyPart() throws Exception {
        // the blank line after the headers is the part's first byte, so the marker starts at offset 102
        String body = "x".repeat(100) + "\r\n" + "marker one\r\n";
        String message = "Subject: s\r\n\r\n" + body;
        assertThat(inspect(Map.of(ContentClass.BODY, "/marker/ REJECT"), message, 100).outcome().refusal()).isEmpty();
        assertThat(inspect(Map.of(ContentClass.BODY, "/marker/ REJECT"), message, 0).outcome().refusal()).isPresent();
        assertThat(inspect(Map.of(ContentClass.BODY, "/marker/ REJECT"), message, 103).outcome().refusal()).isPresent();
        assertThat(inspect(Map.of(ContentClass.BODY, "/marker/ REJECT"), message, 102).outcome().refusal()).isEmpty();
    }

    @Test
    void emptyBodyLinesNeverMatch() throws Exception {
        assertThat(inspect(Map.of(ContentClass.BODY, "/^$/ REJECT"), MESSAGE).outcome().refusal()).isEmpty();
    }

    @Test
    void aLongLineIsInspectedInPiecesOfTheLineLengthLimit() throws Exception {
        String message = "Subject: s\r\n\r\n" + "a".repeat(MessageRecords.LINE_LENGTH_LIMIT) + "TAIL\r\n";
        Result result = inspect(Map.of(ContentClass.BODY, "/^TAIL$/ REPLACE tail"), message);
        assertThat(result.outcome().refusal()).isEmpty();
        assertThat(result.rewritten()).isEqualTo("Subject: s\r\n\r\n" + "a".repeat(MessageRecords.LINE_LENGTH_LIMIT) + "tail\r\n");
    }

    private static final String MULTIPART = String.join("\r\n",
        "Subject: parts",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; boundary=\"b1\"",
        "",
        "preamble",
        "--b1",
        "Content-Type: text/plain",
        "X-Part: one",
        "",
        "first part",
        "--b1",
        "Content-Type: message/rfc822",
        "",
        "Subject: inner",
        "Content-Type: text/plain",
        "",
        "inner body",
        "--b1--",
        "epilogue",
        "");

    @Test
    void mimeStructureDecidesWhichChecksSeeAHeader() throws Exception {
        String all = "/^(Subject|MIME-Version|Content-Type|X-Part):/ INFO";
        Map<ContentClass, String> rules = new EnumMap<>(ContentClass.class);
        rules.put(ContentClass.HEADER, all.replace("INFO", "INFO header_checks"));
        rules.put(ContentClass.MIME_HEADER, all.replace("INFO", "INFO mime_header_checks"));
        rules.put(ContentClass.NESTED_HEADER, all.replace("INFO", "INFO nested_header_checks"));
        rules.put(ContentClass.BODY, "/^(--b1|first part|inner body|epilogue|Subject: inner)/ INFO body_checks");
        List<String> seen = inspect(rules, MULTIPART).log().stream()
            .map(line -> line.replaceAll("^QID1: info: (\\w+) (.*?)(:.*)? from client\\.example.*: (\\S+)$", "$1 $2 -> $4"))
            .toList();
        assertThat(seen).containsExactly(
            "header Subject -> header_checks",
            "header MIME-Version -> mime_header_checks",
            "header Content-Type -> mime_header_checks",
            "body --b1 -> body_checks",
            "header Content-Type -> mime_header_checks",
            "header X-Part -> mime_header_checks",
            "body first part -> body_checks",
            "body --b1 -> body_checks",
            "header Content-Type -> mime_header_checks",
            "header Subject -> nested_header_checks",
            "header Content-Type -> mime_header_checks",
            "body inner body -> body_checks",
            "body --b1-- -> body_checks",
            "body epilogue -> body_checks");
    }

    @Test
    void aTableThatFailsDefersTheMessage() throws Exception {
        LookupTable failing = new LookupTable() {
            @Override
            public Optional<String> lookup(String key) throws LookupException {
                throw new LookupException("down");
            }

            @Override
            public String name() {
                return "fail:x";
            }

            @Override
            public boolean isPattern() {
                return true;
            }
        };
        ContentChecks checks = new ContentChecks(Map.of(ContentClass.HEADER, List.of(failing)), 51200, 102400);
        List<String> log = new ArrayList<>();
        ContentOutcome outcome = new ContentInspection(checks, context(), log::add, false).inspect(stream(MESSAGE));
        assertThat(outcome.refusal().map(Reply::line)).contains("451 4.3.0 Error: queue file write error");
        assertThat(log).containsExactly("warning: QID1: header_checks map lookup problem -- message not accepted, try again later");
    }

    @Test
    void softBounceTurnsARejectIntoATemporaryRefusal() throws Exception {
        ContentChecks checks = checks(Map.of(ContentClass.HEADER, "/^Subject:/ REJECT"), 51200);
        ContentOutcome outcome = new ContentInspection(checks, context(), line -> { }, true).inspect(stream(MESSAGE));
        assertThat(outcome.refusal().map(Reply::line)).contains("450 4.7.1 message content rejected");
    }

    @Test
    void aTableThatCannotBeOpenedNamesTheParameter() {
        assertThatThrownBy(() -> ContentChecks.open(
                name -> name.equals("body_checks") ? List.of("regexp:" + dir.resolve("missing")) : List.of(),
                spec -> {
                    throw new IllegalArgumentException(spec.substring(7) + ": No such file");
                }, 51200, 102400))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("body_checks: cannot open regexp:" + dir.resolve("missing"));
    }

    @Test
    void theStatusOfARejectTextIsKeptOrDefaulted() {
        assertThat(ContentInspection.withStatus("no")).isEqualTo("5.7.1 no");
        assertThat(ContentInspection.withStatus("  4.2.0   busy")).isEqualTo("4.2.0 busy");
        assertThat(ContentInspection.withStatus("4.2.0x busy")).isEqualTo("5.7.1 4.2.0x busy");
        assertThat(ContentInspection.withStatus("5.1234.1 x")).isEqualTo("5.7.1 5.1234.1 x");
    }

    // ---- helpers -------------------------------------------------------------------------------

    record Result(ContentOutcome outcome, List<String> log, String rewritten) {
    }

    private Result inspect(Map<ContentClass, String> rules, String message) throws IOException, ConfigException {
        return inspect(rules, message, 51200);
    }

    private Result inspect(Map<ContentClass, String> rules, String message, long bodyLimit)
            throws IOException, ConfigException {
        ContentChecks checks = checks(rules, bodyLimit);
        List<String> log = new ArrayList<>();
        ContentOutcome outcome = new ContentInspection(checks, context(), log::add, false).inspect(stream(message));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        outcome.edits().apply(stream(message), out);
        return new Result(outcome, log, out.toString(StandardCharsets.UTF_8));
    }

    private ContentChecks checks(Map<ContentClass, String> rules, long bodyLimit) throws ConfigException {
        TableRegistry registry = new TableRegistry(dir);
        Map<ContentClass, List<LookupTable>> tables = new EnumMap<>(ContentClass.class);
        for (Map.Entry<ContentClass, String> rule : rules.entrySet()) {
            Path file = dir.resolve(rule.getKey().parameter());
            try {
                Files.writeString(file, rule.getValue() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tables.put(rule.getKey(), List.of(registry.open("pcre:" + file)));
        }
        return new ContentChecks(tables, bodyLimit, 102400);
    }

    private static CleanupContext context() {
        return new CleanupContext("QID1", "client.example[192.0.2.1]", "s@example.com", "r@example.net", "ESMTP",
            "client.example");
    }

    private static ByteArrayInputStream stream(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8));
    }
}
