package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.ScriptedMilter;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SmtpSink;
import dev.postern.milter.MilterPacket;

/**
 * smtpd_milters end to end, with a scripted filter in the test JVM: its refusals are the reply to
 * RCPT or to DATA (nothing relayed) with Postfix's milter-reject lines, its changes are in the
 * relayed copy, its quarantine holds the message, and a filter that is down gets the default
 * action, 451 4.7.1; smtpd_milter_maps gives one client address no filter and another a
 * different one; non_smtpd_milters see Postern's bounce. One server for the class; the filter's script decides by Subject and recipient.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MilterIT {
    private static final String SENDER = "alice@client.example";
    private static final String RECIPIENT = "bob@remote.example";
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String WHO = " from localhost[127.0.0.1]: ";

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    private static SmtpSink sink;
    private static PosternProcess server;
    private static ScriptedMilter milter;
    private static ScriptedMilter other;

    @BeforeAll
    static void startServerAndFilter() throws IOException {
        milter = new ScriptedMilter(MilterIT::script);
        other = new ScriptedMilter(MilterIT::otherScript);
        sink = postern.newSink();
        sink.setRcptReply(recipient -> recipient.startsWith("gone@") ? "550 5.1.1 No such user" : "250 2.1.5 Ok");
        server = postern.newServer().myhostname("mx.milter-it.test").relayhost(sink)
            .mynetworks("127.0.0.0/8")
            .parameter("smtpd_milters", milter.endpoint())
            // Postern's bounces are shown to the other filter
            .parameter("non_smtpd_milters", other.endpoint())
            .parameter("internal_mail_filter_classes", "bounce")
            .parameter("milter_command_timeout", "5s")
            .parameter("milter_content_timeout", "5s");
        // 127.0.0.2 gets no filter, 127.0.0.3 the other filter instead of smtpd_milters, 127.0.0.4 a
        // filter that is down, with a default action of its own (Postfix's per-milter form)
        server.parameter("smtpd_milter_maps", "cidr:" + server.confDir().resolve("milter_map.cidr"));
        ScriptedMilter dead = new ScriptedMilter(MilterIT::script);
        dead.close();
        // milter_header_checks: the filter's verdict header refuses the message, its internal header is kept out
        server.parameter("milter_header_checks", "pcre:" + server.confDir().resolve("milter_header_checks"));
        server.writeConfFile("milter_header_checks", "/^X-Milter-Verdict:\\s+spam/ REJECT 5.7.1 spam according to the milter\n"
            + "/^X-Milter-Internal:/ IGNORE\n");
        server.writeConfFile("milter_map.cidr", "127.0.0.2/32 DISABLE\n127.0.0.3/32 " + other.endpoint()
            + "\n127.0.0.4/32 { " + dead.endpoint() + ", connect_timeout=2s, default_action=accept }\n");
        server.start();
    }

    @AfterAll
    static void stopFilter() throws IOException {
        milter.close();
        other.close();
    }

    /** The filter: refuses the recipient spam@, and at end of message acts on the Subject. */
    private static List<MilterPacket> script(MilterPacket packet, Map<String, String> headers) {
        if (packet.command() == 'R' && packet.strings().get(0).startsWith("<spam@")) {
            return List.of(ScriptedMilter.packet('r'));
        }
        if (packet.command() == 'M' && packet.strings().get(0).equals("<macros@client.example>")) {
            // tells the test what the server sent, as the text of a refusal
            return List.of(ScriptedMilter.packet('y', "550 5.7.1 j=" + headers.get(ScriptedMilter.MACRO + "j")
                + " _=" + headers.get(ScriptedMilter.MACRO + "_")
                + " mail_addr=" + headers.get(ScriptedMilter.MACRO + "{mail_addr}")
                + " tls_version=" + headers.get(ScriptedMilter.MACRO + "{tls_version}")));
        }
        if (packet.command() == 'R') {
            headers.put("@rcpt", packet.strings().get(0));
        }
        if (packet.command() == 'T' && "<nodata@remote.example>".equals(headers.get("@rcpt"))) {
            return List.of(ScriptedMilter.packet('y', "554 5.7.1 No data for you"));
        }
        if (packet.command() != 'E') {
            return List.of(ScriptedMilter.packet('c'));
        }
        String subject = headers.getOrDefault("Subject", "");
        return switch (subject) {
            case "reject me" -> List.of(ScriptedMilter.packet('y', "550 5.7.1 Milter says no"));
            case "tempfail me" -> List.of(ScriptedMilter.packet('t'));
            case "quarantine me" -> List.of(ScriptedMilter.packet('q', "suspicious attachment"), ScriptedMilter.packet('a'));
            case "modify me" -> List.of(ScriptedMilter.packet('h', "X-Milter", "added by the filter"),
                MilterPacket.Builder.start().int32(1).strings("Subject", "modified").packet('m'),
                ScriptedMilter.packet('+', "<carol@remote.example>"),
                ScriptedMilter.packet('2', "<dave@remote.example>", "NOTIFY=NEVER"),
                ScriptedMilter.packet('-', "<" + RECIPIENT + ">"),
                ScriptedMilter.packet('e', "<filter@client.example>"),
                new MilterPacket('b', "replaced body\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                ScriptedMilter.packet('a'));
            case "verdict spam" -> List.of(ScriptedMilter.packet('h', "X-Milter-Verdict", "spam"), ScriptedMilter.packet('a'));
            case "verdict ham" -> List.of(ScriptedMilter.packet('h', "X-Milter-Internal", "score=0.1"),
                ScriptedMilter.packet('h', "X-Milter-Verdict", "ham"), ScriptedMilter.packet('a'));
            case "discard me" -> List.of(ScriptedMilter.packet('d'));
            case "shutdown" -> List.of(ScriptedMilter.packet('4'));
            default -> List.of(ScriptedMilter.packet('a'));
        };
    }

    /** The filter smtpd_milter_maps gives 127.0.0.3: accepts everything, marking it. */
    private static List<MilterPacket> otherScript(MilterPacket packet, Map<String, String> headers) {
        if (packet.command() != 'E') {
            return List.of(ScriptedMilter.packet('c'));
        }
        return List.of(ScriptedMilter.packet('h', "X-Other-Milter", "per-client filter"), ScriptedMilter.packet('a'));
    }

    @Test
    @Order(1)
    void refusalsAnswerRcptAndDataAndNothingIsRelayed() {
        assertThat(send("reject me", "rejected body\r\n").full()).isEqualTo("550 5.7.1 Milter says no");
        assertThat(send("tempfail me", "tempfailed body\r\n").full())
            .isEqualTo("451 4.7.1 Service unavailable - try again later");
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.sendMail(SENDER, RECIPIENT, "Subject: shutdown\r\n\r\nshut body\r\n").full())
                .isEqualTo("421 4.7.0 Server closing connection");
            client.setReadTimeout(Duration.ofSeconds(5));
            assertThatThrownBy(client::noop).as("the session ends after a filter's shutdown")
                .hasMessageContaining("closed");
        }
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            assertThat(client.rcptTo("spam@remote.example").full()).isEqualTo("550 5.7.1 Command rejected");
            client.quit();
        }

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            client.mailFrom(SENDER);
            assertThat(client.rcptTo("nodata@remote.example").code()).isEqualTo(250);
            assertThat(client.data().full()).as("the refusal comes before the 354").isEqualTo("554 5.7.1 No data for you");
            client.quit();
        }
        server.awaitMaillogLine("smtpd's milter-reject line at DATA", Duration.ofSeconds(10),
            line -> line.matches(".* postern/smtpd\\[\\d+\\]: [0-9A-F]{10,12}: milter-reject: DATA" + Pattern.quote(WHO
                + "554 5.7.1 No data for you; from=<" + SENDER + "> to=<nodata@remote.example> proto=ESMTP helo=<client.example>")));
        server.awaitMaillogLine("cleanup's milter-reject line", Duration.ofSeconds(10), Pattern.compile(
            ".* postern/cleanup\\[\\d+\\]: [0-9A-F]{10,12}: milter-reject: END-OF-MESSAGE" + Pattern.quote(WHO
                + "5.7.1 Milter says no; from=<" + SENDER + "> to=<" + RECIPIENT + "> proto=ESMTP helo=<client.example>"))
            .asMatchPredicate());
        server.awaitMaillogLine("smtpd's milter-reject line at RCPT", Duration.ofSeconds(10),
            line -> line.matches(".* postern/smtpd\\[\\d+\\]: NOQUEUE: milter-reject: RCPT" + Pattern.quote(WHO
                + "550 5.7.1 Command rejected; from=<" + SENDER + "> to=<spam@remote.example> proto=ESMTP helo=<client.example>")));
        Await.holdsFor("nothing relayed", Duration.ofSeconds(3), () -> sink.messageCount() == 0);
    }

    @Test
    @Order(2)
    void macrosCarryTheSessionAndTls() {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.starttls().code()).isEqualTo(220);
            client.ehlo("client.example");
            assertThat(client.mailFrom("macros@client.example").full()).isEqualTo("550 5.7.1 j=mx.milter-it.test"
                + " _=localhost [127.0.0.1] mail_addr=macros@client.example tls_version=TLSv1.3");
            client.quit();
        }
    }

    @Test
    @Order(2)
    void headerBodyRecipientAndSenderChangesAreInTheRelayedCopy() {
        assertThat(send("modify me", "original body\r\n").full()).startsWith("250 2.0.0 Ok: queued as ");

        List<SinkMessage> relayed = Await.value("the modified message at the sink", DELIVERY, sink::messages,
            list -> list.stream().filter(m -> m.body().contains("replaced body")).flatMap(m -> m.recipients().stream())
                .count() == 2);
        List<SinkMessage> copies = relayed.stream().filter(m -> m.body().contains("replaced body")).toList();
        assertThat(copies.stream().flatMap(m -> m.recipients().stream()))
            .as("bob deleted, carol and dave added").containsExactlyInAnyOrder("carol@remote.example", "dave@remote.example");
        assertThat(copies).allSatisfy(copy -> {
            assertThat(copy.sender()).isEqualTo("filter@client.example");
            assertThat(copy.headerValues("X-Milter")).containsExactly("added by the filter");
            assertThat(copy.headerValues("Subject")).containsExactly("modified");
            assertThat(copy.body()).doesNotContain("original body");
        });
    }

    @Test
    @Order(2)
    void milterHeaderChecksActOnTheHeadersTheFilterAdds() {
        assertThat(send("verdict spam", "spam body\r\n").full()).isEqualTo("550 5.7.1 spam according to the milter");
        server.awaitMaillogLine("cleanup's milter-header-reject line", Duration.ofSeconds(10),
            line -> line.contains(": milter-header-reject: header X-Milter-Verdict: spam from ")
                && line.endsWith(": 5.7.1 spam according to the milter"));

        assertThat(send("verdict ham", "ham body\r\n").full()).startsWith("250 2.0.0 Ok: queued as ");
        SinkMessage relayed = Await.value("the accepted message at the sink", DELIVERY, sink::messages,
            list -> list.stream().anyMatch(m -> m.body().contains("ham body"))).stream()
            .filter(m -> m.body().contains("ham body")).findFirst().orElseThrow();
        assertThat(relayed.headerValues("X-Milter-Verdict")).containsExactly("ham");
        assertThat(relayed.headerValues("X-Milter-Internal")).as("IGNORE keeps it out").isEmpty();
        Await.holdsFor("the refused message is not relayed", Duration.ofSeconds(1),
            () -> sink.messages().stream().noneMatch(m -> m.body().contains("spam body")));
    }

    @Test
    @Order(3)
    void discardAcceptsTheMessageAndDropsIt() {
        ClientReply reply = send("discard me", "discarded body\r\n");
        assertThat(reply.full()).startsWith("250 2.0.0 Ok: queued as ");
        String qid = reply.full().substring(reply.full().lastIndexOf(' ') + 1);

        server.awaitMaillogLine("cleanup's milter-discard line", Duration.ofSeconds(10), line -> line.contains(qid
            + ": milter-discard: END-OF-MESSAGE" + WHO + "milter triggers DISCARD action; from=<" + SENDER + ">"));
        Await.holdsFor("discarded mail is not relayed", Duration.ofSeconds(2),
            () -> sink.messages().stream().noneMatch(m -> m.body().contains("discarded body")));
    }

    @Test
    @Order(4)
    void quarantinePutsTheMessageOnHoldWithTheFiltersReason() {
        ClientReply reply = send("quarantine me", "held body\r\n");
        assertThat(reply.full()).startsWith("250 2.0.0 Ok: queued as ");
        String qid = reply.full().substring(reply.full().lastIndexOf(' ') + 1);

        Await.until("the held message in the queue listing", DELIVERY,
            () -> server.runCommand("queue").stdoutLines().stream().anyMatch(line -> line.startsWith(qid + "! ")));
        assertThat(server.runCommand("queue").stdout()).contains("(suspicious attachment)");
        assertThat(server.maillogLines()).anyMatch(line -> line.contains(qid + ": milter-hold: END-OF-MESSAGE" + WHO
            + "suspicious attachment; from=<" + SENDER + ">"));
        Await.holdsFor("held mail is not relayed", Duration.ofSeconds(2),
            () -> sink.messages().stream().noneMatch(m -> m.body().contains("held body")));
    }

    @Test
    @Order(4)
    void smtpdMilterMapsChooseTheFiltersByClientAddress() {
        assertThat(sendFrom("127.0.0.2", "reject me", "unfiltered body\r\n").full())
            .as("DISABLE: smtpd_milters' filter is not asked").startsWith("250 2.0.0 Ok: queued as ");
        assertThat(sendFrom("127.0.0.3", "reject me", "other filter body\r\n").full())
            .as("the table's filter replaces smtpd_milters'").startsWith("250 2.0.0 Ok: queued as ");
        assertThat(sendFrom("127.0.0.1", "reject me", "still filtered\r\n").full())
            .as("no entry: smtpd_milters").isEqualTo("550 5.7.1 Milter says no");
        assertThat(sendFrom("127.0.0.4", "reject me", "default action accept\r\n").full())
            .as("a filter that is down, with its own default_action=accept").startsWith("250 2.0.0 Ok: queued as ");

        List<SinkMessage> relayed = Await.value("both messages at the sink", DELIVERY, sink::messages, list ->
            list.stream().filter(m -> m.body().contains("unfiltered body") || m.body().contains("other filter body"))
                .count() == 2);
        assertThat(relayed).filteredOn(m -> m.body().contains("unfiltered body"))
            .singleElement().satisfies(m -> assertThat(m.headerValues("X-Other-Milter")).isEmpty());
        assertThat(relayed).filteredOn(m -> m.body().contains("other filter body"))
            .singleElement().satisfies(m -> assertThat(m.headerValues("X-Other-Milter")).containsExactly("per-client filter"));
    }

    @Test
    @Order(4)
    void aBounceIsShownToTheNonSmtpdMilters() {
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("client.example");
            assertThat(client.sendMail(SENDER, "gone@remote.example", "From: " + SENDER
                + "\r\nSubject: to bounce\r\n\r\nbounced body\r\n").full()).startsWith("250 2.0.0 Ok: queued as ");
            client.quit();
        }

        List<SinkMessage> bounces = Await.value("the bounce at the sink", DELIVERY, sink::messages,
            list -> list.stream().anyMatch(m -> m.sender().isEmpty() && m.recipients().contains(SENDER)));
        assertThat(bounces).filteredOn(m -> m.sender().isEmpty() && m.recipients().contains(SENDER)).singleElement()
            .satisfies(bounce -> assertThat(bounce.headerValues("X-Other-Milter")).containsExactly("per-client filter"));
    }

    @Test
    @Order(5)
    void aFilterThatIsDownGetsTheDefaultActionTempfail() throws IOException {
        milter.close();

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom(SENDER).full()).isEqualTo("451 4.7.1 Service unavailable - try again later");
            client.quit();
        }
        assertThat(server.maillogLines()).anyMatch(line -> line.contains("warning: milter " + milter.endpoint())
            && line.contains("cannot connect") && line.endsWith("default action tempfail"));
    }

    private static ClientReply send(String subject, String body) {
        return sendFrom(null, subject, body);
    }

    private static ClientReply sendFrom(String localAddress, String subject, String body) {
        try (SmtpClient client = server.connectFrom(localAddress)) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(SENDER, RECIPIENT,
                "From: " + SENDER + "\r\nTo: " + RECIPIENT + "\r\nSubject: " + subject + "\r\n\r\n" + body);
            client.quit();
            return reply;
        }
    }
}
