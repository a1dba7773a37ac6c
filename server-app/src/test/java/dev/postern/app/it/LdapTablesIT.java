package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.tables.Slapd;
import dev.postern.testing.tables.SocketmapServer;
import dev.postern.testing.tables.TcpTableServer;

/**
 * A virtual-mailbox site whose domains, mailboxes, aliases (groups) and sender logins are in
 * OpenLDAP (ldap: tables with Postfix's .cf files), with a recipient access table on a socketmap
 * server and a sender access table on a tcp_table server; over SMTP, with the directory stopped
 * and started again mid-run. One server, one slapd for the class.
 */
class LdapTablesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String BASE = Slapd.SUFFIX;
    private static final String LDIF = """
        dn: ou=domains,dc=example,dc=test
        objectClass: organizationalUnit
        ou: domains

        dn: ou=example.test,ou=domains,dc=example,dc=test
        objectClass: organizationalUnit
        ou: example.test

        dn: ou=people,dc=example,dc=test
        objectClass: organizationalUnit
        ou: people

        dn: uid=alice,ou=people,dc=example,dc=test
        objectClass: inetOrgPerson
        objectClass: inetLocalMailRecipient
        uid: alice
        cn: Alice
        sn: A
        mail: alice@example.test
        mailLocalAddress: alice@example.test
        description: example.test/alice/

        dn: uid=bob,ou=people,dc=example,dc=test
        objectClass: inetOrgPerson
        objectClass: inetLocalMailRecipient
        uid: bob
        cn: Bob
        sn: B
        mail: bob@example.test
        mailLocalAddress: bob@example.test
        description: example.test/bob/

        dn: cn=team,ou=people,dc=example,dc=test
        objectClass: groupOfNames
        objectClass: inetLocalMailRecipient
        cn: team
        mailLocalAddress: team@example.test
        member: uid=alice,ou=people,dc=example,dc=test
        member: uid=bob,ou=people,dc=example,dc=test

        """;

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    @TempDir
    static Path slapdDir;
    private static Slapd slapd;
    private static SocketmapServer socketmap;
    private static TcpTableServer tcp;
    private static PosternProcess server;
    private static Path mailboxes;

    @BeforeAll
    static void startServers() throws Exception {
        assumeTrue(Slapd.installed(), "slapd is not installed (Debian package slapd)");
        slapd = Slapd.start(slapdDir, LDIF);
        socketmap = SocketmapServer.onLoopback(0, request -> request.equals("access blocked@example.test")
            ? "OK REJECT blocked by policy" : "NOTFOUND ");
        tcp = TcpTableServer.onLoopback(0, request -> switch (request) {
            case "get spammer@bad.test" -> "200 REJECT no%20spammers";
            case "get held@outside.test" -> "200 HOLD review";
            default -> "500 no";
        });
        server = postern.newServer().myhostname("mx.example.test");
        mailboxes = server.varDir().resolve("vmail");
        String common = "server_host = " + slapd.url() + "\nversion = 3\ntimeout = 3\nbind_dn = " + Slapd.ROOT_DN
            + "\nbind_pw = " + Slapd.ROOT_PW + "\n";
        server.writeConfFile("ldap-domains.cf", common + "search_base = ou=domains," + BASE
                + "\nquery_filter = (ou=%s)\nresult_attribute = ou\n")
            .writeConfFile("ldap-mailboxes.cf", common + "search_base = ou=people," + BASE
                + "\nquery_filter = (&(objectClass=inetOrgPerson)(mailLocalAddress=%s))\nresult_attribute = description\n")
            .writeConfFile("ldap-aliases.cf", common + "search_base = ou=people," + BASE
                + "\nquery_filter = (&(objectClass=groupOfNames)(mailLocalAddress=%s))\n"
                + "special_result_attribute = member\nresult_attribute = mail\n")
            .writeConfFile("ldap-senders.cf", common + "search_base = ou=people," + BASE
                + "\nquery_filter = (mailLocalAddress=%s)\nresult_attribute = uid\n")
            .parameter("virtual_mailbox_domains", "ldap:conf/ldap-domains.cf")
            .parameter("virtual_mailbox_maps", "proxy:ldap:conf/ldap-mailboxes.cf")
            .parameter("virtual_mailbox_base", mailboxes.toString())
            .parameter("virtual_alias_maps", "proxy:ldap:conf/ldap-aliases.cf")
            .parameter("smtpd_sender_login_maps", "ldap:conf/ldap-senders.cf")
            .parameter("smtpd_sender_restrictions", "reject_sender_login_mismatch, check_sender_access tcp:127.0.0.1:"
                + tcp.port())
            .parameter("smtpd_recipient_restrictions", "check_recipient_access socketmap:inet:127.0.0.1:"
                + socketmap.port() + ":access, permit_mynetworks, reject_unauth_destination")
            .start();
    }

    @AfterAll
    static void stopServers() {
        for (AutoCloseable closeable : new AutoCloseable[] {socketmap, tcp, slapd}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void deliversToDirectoryMailboxesAndExpandsGroupAliases() {
        send("someone@outside.test", "alice@example.test", "ldap-direct");
        send("someone@outside.test", "team@example.test", "ldap-group");

        Await.until("alice has both messages, bob the group's", WAIT, () -> tokens("alice").containsAll(
            List.of("ldap-direct", "ldap-group")) && tokens("bob").contains("ldap-group"));
        try (SmtpClient client = outsider()) {
            client.mailFrom("someone@outside.test");
            // example.test is accepted from an outsider only because the directory lists it (virtual_mailbox_domains)
            assertThat(client.rcptTo("user@elsewhere.test").full())
                .isEqualTo("454 4.7.1 <user@elsewhere.test>: Relay access denied");
            // ...and its users are the directory's: an unknown one is refused at RCPT, not bounced later
            assertThat(client.rcptTo("nobody@example.test").full())
                .isEqualTo("550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table");
        }
    }

    @Test
    void aSenderOwnedInTheDirectoryNeedsItsLogin() {
        try (SmtpClient client = outsider()) {
            client.mailFrom("alice@example.test");
            assertThat(client.rcptTo("bob@example.test").full())
                .startsWith("553 5.7.1 <alice@example.test>: Sender address rejected: not logged in");
            client.rset();
            client.mailFrom("someone@outside.test");
            assertThat(client.rcptTo("bob@example.test").full()).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void accessTablesOnSocketmapAndTcpServers() {
        try (SmtpClient client = outsider()) {
            client.mailFrom("someone@outside.test");
            assertThat(client.rcptTo("blocked@example.test").full())
                .isEqualTo("554 5.7.1 <blocked@example.test>: Recipient address rejected: blocked by policy");
            client.rset();
            client.mailFrom("spammer@bad.test");
            assertThat(client.rcptTo("alice@example.test").full())
                .isEqualTo("554 5.7.1 <spammer@bad.test>: Sender address rejected: no spammers");
        }
        assertThat(socketmap.requests()).contains("access blocked@example.test");
        assertThat(tcp.requests()).contains("get spammer@bad.test");
    }

    @Test
    void theDirectoryDownDefersAndNothingIsLostWhenItIsBack() throws Exception {
        String queued = send("held@outside.test", "alice@example.test", "ldap-outage");
        String qid = queued.substring(queued.lastIndexOf(' ') + 1);
        Await.until("the message on hold", WAIT, () -> server.runCommand("queue").stdout().contains(qid + "!"));

        slapd.stop();
        try {
            try (SmtpClient client = outsider()) {
                client.mailFrom("someone@outside.test");
                assertThat(client.rcptTo("bob@example.test").full()).startsWith("451 4.3.0 ");
            }
            ExitResult release = server.runCommand("super", "-H", qid);
            assertThat(release.exitCode()).as("%s", release).isZero();
            server.awaitMaillogLine("the delivery deferred while the directory is down", WAIT,
                line -> line.contains(qid + ": to=<alice@example.test>") && line.contains("status=deferred"));
            assertThat(tokens("alice")).doesNotContain("ldap-outage");
        } finally {
            slapd.start();
        }

        server.flushUntil("the deferred message delivered once the directory is back", WAIT, Duration.ofSeconds(2),
            () -> tokens("alice").contains("ldap-outage"));
        try (SmtpClient client = outsider()) {
            client.mailFrom("someone@outside.test");
            assertThat(client.rcptTo("bob@example.test").full()).isEqualTo("250 2.1.5 Ok");
        }
        Await.until("an empty queue", WAIT, () -> server.runCommand("queue").stdout().equals("Mail queue is empty\n"));
        assertThat(tokens("alice").stream().filter("ldap-outage"::equals)).hasSize(1);
    }

    private static SmtpClient outsider() {
        SmtpClient client = server.connectFrom("127.0.0.2");
        client.ehlo("outside.test");
        return client;
    }

    private static String send(String from, String to, String token) {
        try (SmtpClient client = outsider()) {
            String reply = client.sendMail(from, to, TestMessages.withToken(from, to, token, "hello " + token + "\r\n")).full();
            client.quit();
            assertThat(reply).matches("250 2\\.0\\.0 Ok: queued as [0-9A-F]{12}");
            return reply;
        }
    }

    /** The test tokens of the messages in a user's Maildir. */
    private static List<String> tokens(String user) {
        Path maildir = mailboxes.resolve("example.test").resolve(user).resolve("new");
        if (!Files.isDirectory(maildir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(maildir)) {
            return files.map(LdapTablesIT::read)
                .flatMap(text -> Stream.of("ldap-direct", "ldap-group", "ldap-outage").filter(text::contains))
                .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
