package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.testing.smtp.SmtpSink;

/**
 * smtpd_data_restrictions, smtpd_end_of_data_restrictions, smtpd_delay_reject = no and
 * reject_unauth_pipelining written in main.cf, end to end, with Postfix's replies and log lines.
 */
class DataRestrictionsIT {
    private static final String H = "mx.datalists-it.test";
    private static final String SENDER = "alice@client.example";
    private static final String RECIPIENT = "bob@remote.example";
    private static final String QID = "[0-9A-F]{10,12}";
    private static final Duration LOG = Duration.ofSeconds(10);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void dataRestrictionsAnswerTheDataCommand() throws Exception {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("smtpd_data_restrictions", "check_sender_access texthash:conf/data_access, reject_multi_recipient_bounce");
        server.writeConfFile("data_access", "spam@client.example  REJECT no spam here\n");
        server.start();

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            client.mailFrom("");
            client.rcptTo(RECIPIENT);
            client.rcptTo("carol@remote.example");
            assertThat(client.data().full()).isEqualTo("550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce");
            assertThat(client.rset().code()).isEqualTo(250);
            assertThat(client.mailFrom("spam@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo(RECIPIENT).code()).isEqualTo(250);
            assertThat(client.data().full()).isEqualTo("554 5.7.1 <spam@client.example>: Sender address rejected: no spam here");
            client.rset();
            assertThat(client.sendMail("", RECIPIENT, "Subject: one bounce\r\n\r\nhi\r\n").full())
                .as("a bounce to one recipient passes").startsWith("250 2.0.0 Ok: queued as ");
            client.quit();
        }
        // Several recipients: Postfix names none of them (to= is left out).
        awaitSmtpdLine(server, QID + ": reject: DATA from localhost\\[127\\.0\\.0\\.1\\]: "
            + Pattern.quote("550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce; from=<> proto=ESMTP helo=<client.example>"));
        awaitSmtpdLine(server, QID + ": reject: DATA from localhost\\[127\\.0\\.0\\.1\\]: "
            + Pattern.quote("554 5.7.1 <spam@client.example>: Sender address rejected: no spam here; from=<spam@client.example> to=<"
                + RECIPIENT + "> proto=ESMTP helo=<client.example>"));
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(30))).hasSize(1);
        Await.holdsFor("only the accepted message relayed", Duration.ofSeconds(2), () -> sink.messageCount() == 1);
    }

    @Test
    void endOfDataRestrictionsRefuseBeforeTheMessageIsQueued() throws Exception {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("smtpd_end_of_data_restrictions", "check_sender_access texthash:conf/eod_access");
        server.writeConfFile("eod_access", "spam@client.example  REJECT not at the end either\nlater@client.example  DEFER 4.7.1 come back later\n");
        server.start();

        assertThat(send(server, "spam@client.example").full())
            .isEqualTo("554 5.7.1 <spam@client.example>: Sender address rejected: not at the end either");
        assertThat(send(server, "later@client.example").full())
            .isEqualTo("450 4.7.1 <later@client.example>: Sender address rejected: come back later");
        awaitSmtpdLine(server, QID + ": reject: END-OF-MESSAGE from localhost\\[127\\.0\\.0\\.1\\]: "
            + Pattern.quote("554 5.7.1 <spam@client.example>: Sender address rejected: not at the end either;"
                + " from=<spam@client.example> to=<" + RECIPIENT + "> proto=ESMTP helo=<client.example>"));
        Await.holdsFor("nothing relayed", Duration.ofSeconds(3), () -> sink.messageCount() == 0);
        assertThat(server.maillogLines()).as("nothing was queued").noneMatch(line -> line.contains("postern/qmgr"));

        assertThat(send(server, SENDER).full()).startsWith("250 2.0.0 Ok: queued as ");
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(30))).hasSize(1);
    }

    @Test
    void withoutDelayRejectTheClientIsRefusedAtConnectAndHeloAndSenderAtTheirCommands() throws Exception {
        PosternProcess server = postern.newServer().myhostname(H)
            .parameter("smtpd_delay_reject", "no")
            .parameter("smtpd_client_restrictions", "check_client_access inline:{127.0.0.3=REJECT}")
            .parameter("smtpd_helo_restrictions", "reject_non_fqdn_helo_hostname")
            .parameter("smtpd_sender_restrictions", "reject_non_fqdn_sender")
            .start();

        try (SmtpClient client = server.connectFrom("127.0.0.3")) {
            assertThat(client.greeting().full()).isEqualTo("554 5.7.1 <unknown[127.0.0.3]>: Client host rejected: Access denied");
            assertThat(client.ehlo("client.example").full()).isEqualTo("503 5.7.0 Error: access denied for unknown[127.0.0.3]");
            assertThat(client.mailFrom(SENDER).full()).isEqualTo("503 5.7.0 Error: access denied for unknown[127.0.0.3]");
            assertThat(client.noop().full()).isEqualTo("503 5.7.0 Error: access denied for unknown[127.0.0.3]");
            assertThat(client.quit().code()).isEqualTo(221);
        }
        awaitSmtpdLine(server, Pattern.quote("NOQUEUE: reject: CONNECT from unknown[127.0.0.3]: "
            + "554 5.7.1 <unknown[127.0.0.3]>: Client host rejected: Access denied; proto=SMTP"));
        awaitSmtpdLine(server, Pattern.quote("disconnect from unknown[127.0.0.3] ehlo=0/1 mail=0/1 noop=0/1 quit=1 commands=1/4"));

        try (SmtpClient client = server.connect()) {
            assertThat(client.greeting().code()).isEqualTo(220);
            assertThat(client.ehlo("nodots").full()).isEqualTo("504 5.5.2 <nodots>: Helo command rejected: need fully-qualified hostname");
            assertThat(client.ehlo("client.example").code()).isEqualTo(250);
            assertThat(client.mailFrom("user@nodots").full())
                .isEqualTo("504 5.5.2 <user@nodots>: Sender address rejected: need fully-qualified address");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            assertThat(client.rcptTo("postmaster@localhost").code()).isEqualTo(250);
            client.quit();
        }
        awaitSmtpdLine(server, Pattern.quote("NOQUEUE: reject: EHLO from localhost[127.0.0.1]: 504 5.5.2 <nodots>:"
            + " Helo command rejected: need fully-qualified hostname; proto=SMTP helo=<nodots>"));
        awaitSmtpdLine(server, Pattern.quote("NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 504 5.5.2 <user@nodots>:"
            + " Sender address rejected: need fully-qualified address; from=<user@nodots> proto=ESMTP helo=<client.example>"));
        assertThat(server.maillogLines()).as("the 503 answers after a refused connect are not reject lines")
            .noneMatch(line -> line.contains("reject: MAIL from unknown[127.0.0.3]"));
    }

    @Test
    void rejectUnauthPipeliningCatchesAClientThatDidNotWait() throws Exception {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).relayhost(sink)
            .parameter("smtpd_data_restrictions", "reject_unauth_pipelining")
            .start();

        try (SmtpClient client = server.connect()) {
            List<ClientReply> replies = client.pipeline("HELO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA");
            assertThat(replies.get(0).code()).isEqualTo(250);
            assertThat(replies.get(1).full()).isEqualTo("250 2.1.0 Ok");
            assertThat(replies.get(2).full()).isEqualTo("250 2.1.5 Ok");
            assertThat(replies.get(3).full())
                .isEqualTo("503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining");
            client.quit();
        }
        awaitSmtpdLine(server, Pattern.quote("improper command pipelining after HELO from localhost[127.0.0.1]:"
            + " MAIL FROM:<a@b>\\r\\nRCPT TO:<c@d>\\r\\nDATA\\r\\n"));
        awaitSmtpdLine(server, QID + ": reject: DATA from localhost\\[127\\.0\\.0\\.1\\]: " + Pattern.quote(
            "503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining; from=<a@b> to=<c@d> proto=SMTP helo=<x>"));

        try (SmtpClient client = server.connect()) {
            assertThat(client.ehlo("client.example").hasExtension("PIPELINING")).isTrue();
            List<ClientReply> replies = client.pipeline("MAIL FROM:<" + SENDER + ">", "RCPT TO:<" + RECIPIENT + ">", "DATA");
            assertThat(replies).extracting(ClientReply::code).containsExactly(250, 250, 354);
            assertThat(client.sendContent("Subject: pipelined\r\n\r\nhello\r\n").full()).startsWith("250 2.0.0 Ok: queued as ");
            client.quit();
        }
        assertThat(sink.awaitMessages(1, Duration.ofSeconds(30))).hasSize(1);
        assertThat(server.maillogLines()).as("only the first client pipelined improperly")
            .filteredOn(line -> line.contains("improper command pipelining")).hasSize(1);
    }

    private static ClientReply send(PosternProcess server, String sender) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            ClientReply reply = client.sendMail(sender, RECIPIENT, "Subject: test\r\n\r\nhello\r\n");
            client.quit();
            return reply;
        }
    }

    /** A line of postern/smtpd whose text after the prefix matches {@code regex}. */
    private static void awaitSmtpdLine(PosternProcess server, String regex) {
        Pattern line = Pattern.compile(".* postern/smtpd\\[\\d+\\]: " + regex);
        server.awaitMaillogLine(regex, LOG, l -> line.matcher(l).matches());
    }
}
