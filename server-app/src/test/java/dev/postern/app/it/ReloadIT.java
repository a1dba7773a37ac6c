package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.ClientReply;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.smtp.SmtpSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code postern reload} against a live server: a client stays connected through the reload and keeps
 * the restrictions its session started with (as Postfix's smtpd processes do), a new connection gets
 * the new restriction list, and mail goes to the new relayhost; a main.cf the start would refuse is
 * refused and the running configuration stays; a changed listen address is reported as needing a
 * restart. The parameters under test are written in main.cf, not in the environment, which would win.
 */
class ReloadIT {
    private static final String H = "mx.reload-it.test";
    private static final String SENDER = "alice@client.example";
    private static final String BLOCKED = "blocked@remote.example";
    private static final String ALLOWED = "bob@remote.example";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void reloadsRestrictionsAndRelayhostWithoutDroppingTheConnectedClient() throws IOException {
        SmtpSink first = postern.newSink();
        SmtpSink second = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H).parameter("postern_submissions_listen", null);
        server.appendMainCf(
            "postern_submissions_listen = 127.0.0.1:" + server.submissionsPort(),
            "relayhost = " + first.relayhost(),
            "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination");
        server.writeConfFile("blocked", BLOCKED + "  REJECT blocked since the reload\n");
        server.start();

        try (SmtpClient connected = server.connect()) {
            connected.ehlo("client.example");
            assertThat(send(connected, ALLOWED, "before-reload").code()).isEqualTo(250);
            assertThat(TestMessages.token(first.awaitMessages(1, WAIT).get(0))).contains("before-reload");

            int nextPort = FreePorts.allocate();
            server.appendMainCf(
                "smtpd_recipient_restrictions = check_recipient_access texthash:conf/blocked, permit_mynetworks,"
                    + " reject_unauth_destination",
                "relayhost = " + second.relayhost(),
                "postern_submissions_listen = 127.0.0.1:" + nextPort);
            ExitResult reload = server.runCommand("reload");

            assertThat(reload.exitCode()).as("%s", reload).isZero();
            assertThat(reload.stdout()).as("%s", reload).contains(
                "configuration reloaded (3 parameters changed; restart needed for: postern_submissions_listen)");
            assertThat(server.awaitMaillogLine("the reload's log line", WAIT, line -> line.contains(" postern/reload[")))
                .endsWith(": configuration reloaded (3 parameters changed; restart needed for: postern_submissions_listen)");

            // The session that was open before the reload keeps its restrictions, as with Postfix.
            ClientReply oldSession = send(connected, BLOCKED, "same-connection");
            assertThat(oldSession.code()).as("%s", oldSession).isEqualTo(250);
            assertThat(TestMessages.token(second.awaitMessages(1, WAIT).get(0))).contains("same-connection");
            connected.quit();
        }

        try (SmtpClient fresh = server.connect()) {
            fresh.ehlo("client.example");
            assertThat(fresh.mailFrom(SENDER).code()).isEqualTo(250);
            ClientReply refused = fresh.rcptTo(BLOCKED);
            assertThat(refused.full()).as("a new session has the new restriction list")
                .startsWith("554 5.7.1 <" + BLOCKED + ">: Recipient address rejected: blocked since the reload");
            fresh.rset();
            assertThat(send(fresh, ALLOWED, "after-reload").code()).isEqualTo(250);
            fresh.quit();
        }
        assertThat(TestMessages.token(second.awaitMessages(2, WAIT).get(1))).contains("after-reload");
        assertThat(first.messageCount()).as("nothing more goes to the old relayhost").isEqualTo(1);
        try (SmtpClient submissions = SmtpClient.connectTls(server.submissionsPort(), "127.0.0.1")) {
            assertThat(submissions.greeting().code()).as("the listen address changes only with a restart").isEqualTo(220);
        }
    }

    @Test
    void anInvalidMainCfIsRefusedAndTheRunningConfigurationStays() throws IOException {
        SmtpSink sink = postern.newSink();
        PosternProcess server = postern.newServer().myhostname(H);
        server.appendMainCf(
            "relayhost = " + sink.relayhost(),
            "smtpd_recipient_restrictions = check_recipient_access texthash:conf/blocked, permit_mynetworks,"
                + " reject_unauth_destination");
        server.writeConfFile("blocked", BLOCKED + "  REJECT blocked from the start\n");
        server.start();
        String valid = Files.readString(server.mainCf(), StandardCharsets.UTF_8);

        // A misspelt restriction would change what is accepted: refused, naming it.
        server.appendMainCf("smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destinaton");
        ExitResult misspelt = server.runCommand("reload");
        assertThat(misspelt.exitCode()).as("%s", misspelt).isEqualTo(1);
        assertThat(misspelt.stderrLines()).as("%s", misspelt).singleElement().asString()
            .contains("configuration not reloaded")
            .contains("smtpd_recipient_restrictions")
            .contains("reject_unauth_destinaton");
        assertStillRunsTheStartConfiguration(server, sink, "after-misspelt", 1);

        // A main.cf that parses but names a table the server cannot open: the server refuses it.
        Files.writeString(server.mainCf(), valid, StandardCharsets.UTF_8);
        server.appendMainCf("smtpd_recipient_restrictions = check_recipient_access texthash:conf/no-such-table,"
            + " permit_mynetworks, reject_unauth_destination");
        ExitResult missingTable = server.runCommand("reload");
        assertThat(missingTable.exitCode()).as("%s", missingTable).isEqualTo(1);
        assertThat(missingTable.stderrLines()).as("%s", missingTable).singleElement().asString()
            .contains("configuration not reloaded")
            .contains("no-such-table");
        assertThat(server.maillogLines()).anyMatch(logLine -> logLine.contains(" postern/reload[")
            && logLine.contains("warning: configuration not reloaded: ") && logLine.contains("no-such-table"));
        assertStillRunsTheStartConfiguration(server, sink, "after-missing-table", 2);

        Files.writeString(server.mainCf(), valid, StandardCharsets.UTF_8);
        ExitResult unchanged = server.runCommand("reload");
        assertThat(unchanged.exitCode()).as("%s", unchanged).isZero();
        assertThat(unchanged.stdout()).contains("configuration reloaded (0 parameters changed; no restart needed)");

        // A name Postfix does not define is Postfix's "unused parameter" warning, not a refusal.
        int line = server.appendMainCf("relayhots = [typo.example]");
        ExitResult misspeltName = server.runCommand("reload");
        assertThat(misspeltName.exitCode()).as("%s", misspeltName).isZero();
        assertThat(misspeltName.stderrLines()).as("%s", misspeltName).singleElement().asString()
            .startsWith("postern: warning: ")
            .contains("main.cf, line " + line + ":")
            .contains("unused parameter: relayhots=[typo.example]")
            .contains("relayhost");
        assertThat(server.maillogLines()).anyMatch(logLine -> logLine.contains(" postern/reload[")
            && logLine.contains("warning: ") && logLine.contains("unused parameter: relayhots"));
        assertStillRunsTheStartConfiguration(server, sink, "after-misspelt-name", 3);
    }

    @Test
    void aStoppedServerIsOneClearLine() {
        PosternProcess server = postern.newServer();

        ExitResult reload = server.runCommand("reload");

        assertThat(reload.exitCode()).as("%s", reload).isEqualTo(1);
        assertThat(reload.stderrLines()).as("%s", reload).singleElement().asString()
            .startsWith("postern: fatal: no Postern server answers at 127.0.0.1:" + server.webadminPort())
            .endsWith("is it running?");
    }

    private static void assertStillRunsTheStartConfiguration(PosternProcess server, SmtpSink sink, String token,
            int delivered) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom(SENDER).code()).isEqualTo(250);
            assertThat(client.rcptTo(BLOCKED).full()).startsWith("554 5.7.1 <" + BLOCKED + ">: Recipient address rejected");
            client.rset();
            assertThat(send(client, ALLOWED, token).code()).isEqualTo(250);
            client.quit();
        }
        assertThat(TestMessages.token(sink.awaitMessages(delivered, WAIT).get(delivered - 1))).contains(token);
    }

    private static ClientReply send(SmtpClient client, String to, String token) {
        return client.sendMail(SENDER, to, TestMessages.withToken(SENDER, to, token, "hello " + token + "\r\n"));
    }
}
