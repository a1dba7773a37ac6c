package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.harness.TestMessages;
import dev.postern.testing.db.MariaDbServer;
import dev.postern.testing.db.PostgresServer;

/**
 * A site that keeps its domains, mailboxes, aliases, sender logins and an access table in PostgreSQL,
 * with Postfix's pgsql_table(5) files, against a real PostgreSQL 15: mail over SMTP is validated and
 * delivered from the database; {@code postern postmap -q} asks it; and while the database is down RCPT
 * gets {@code 451 4.3.0} and a queued message is deferred, then delivered once it is back, nothing lost.
 * A MariaDB and an SQLite file each hold one more access table, asked over SMTP too.
 */
class SqlTablesIT {
    private static final String DOMAIN = "sql.test";
    private static final String ANN = "ann@" + DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final String PASSWORD = "ann and bob's pass";
    /** The SASL logins, in a domain of their own: a WebAdmin domain would count as a virtual mailbox domain. */
    private static final String ANN_LOGIN = "ann@logins.test";
    private static final String BOB_LOGIN = "bob@logins.test";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    private static PostgresServer database;
    private static MariaDbServer mariadb;
    private static PosternProcess server;

    @BeforeAll
    static void start() throws Exception {
        database = PostgresServer.create();
        database.createDatabase("mail", "postfix", "db-secret");
        database.sql("mail", "CREATE TABLE domain (name text);"
            + " CREATE TABLE mailbox (address text, maildir text);"
            + " CREATE TABLE alias (address text, goto text);"
            + " CREATE TABLE login (sender text, owner text);"
            + " CREATE TABLE access (key text, action text);"
            + " INSERT INTO domain VALUES ('" + DOMAIN + "'), ('other.test');"
            + " INSERT INTO mailbox VALUES ('" + ANN + "', '" + DOMAIN + "/ann/'), ('" + BOB + "', '" + DOMAIN + "/bob/');"
            + " INSERT INTO alias VALUES ('team@" + DOMAIN + "', '" + ANN + "'), ('team@" + DOMAIN + "', '" + BOB + "');"
            + " INSERT INTO login VALUES ('" + ANN + "', '" + ANN_LOGIN + "'), ('" + BOB + "', '" + BOB_LOGIN + "');"
            + " INSERT INTO access VALUES ('blocked@" + DOMAIN + "', 'REJECT closed by the database');"
            + " GRANT SELECT ON domain, mailbox, alias, login, access TO postfix");

        mariadb = MariaDbServer.create();
        mariadb.createDatabase("mail", "postfix", "my-secret");
        mariadb.sql("mail", "CREATE TABLE access (k varchar(255), action text);"
            + " INSERT INTO access VALUES ('mysql-blocked@" + DOMAIN + "', 'REJECT closed by MariaDB')");

        server = postern.newServer().myhostname("mx." + DOMAIN).mynetworks("127.0.0.1/32")
            .parameter("virtual_mailbox_domains", "pgsql:conf/pg-domains.cf")
            .parameter("virtual_mailbox_maps", "pgsql:conf/pg-mailboxes.cf")
            .parameter("virtual_alias_maps", "pgsql:conf/pg-aliases.cf")
            .parameter("smtpd_sender_login_maps", "pgsql:conf/pg-logins.cf")
            .parameter("smtpd_sender_restrictions", "reject_sender_login_mismatch")
            .parameter("smtpd_recipient_restrictions",
                "check_recipient_access pgsql:conf/pg-access.cf, check_recipient_access mysql:conf/my-access.cf,"
                    + " check_recipient_access sqlite:conf/lite-access.cf, permit_mynetworks, reject_unauth_destination")
            .parameter("minimal_backoff_time", "2s")
            .parameter("maximal_backoff_time", "4s");
        table(server, "pg-domains.cf", "SELECT 'yes' FROM domain WHERE name = '%s'");
        table(server, "pg-mailboxes.cf", "SELECT maildir FROM mailbox WHERE address = '%s'");
        table(server, "pg-aliases.cf", "SELECT goto FROM alias WHERE address = '%s'");
        table(server, "pg-logins.cf", "SELECT owner FROM login WHERE sender = '%s'");
        table(server, "pg-access.cf", "SELECT action FROM access WHERE key = '%s'");
        server.writeConfFile("my-access.cf", "hosts = " + mariadb.host() + ":" + mariadb.port()
            + "\nuser = postfix\npassword = my-secret\ndbname = mail\nconnect_timeout = 2\n"
            + "query = SELECT action FROM access WHERE k = '%s'\n");
        Path lite = server.confDir().resolve("access.sqlite");
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + lite);
             java.sql.Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE access (k TEXT, action TEXT)");
            statement.executeUpdate("INSERT INTO access VALUES ('sqlite-blocked@" + DOMAIN + "', 'REJECT closed by SQLite')");
        }
        server.writeConfFile("lite-access.cf", "dbpath = " + lite + "\nquery = SELECT action FROM access WHERE k = '%s'\n");
        // The submission listener ships with no sender restrictions; the site checks sender logins there.
        Path smtpserver = server.distribution().resolve("conf/smtpserver.xml");
        server.writeConfFile("smtpserver.xml", Files.readString(smtpserver).replaceFirst(
            "<override>smtpd_sender_restrictions =</override>",
            "<override>smtpd_sender_restrictions = reject_sender_login_mismatch</override>"));
        server.start();
        server.webAdmin().putDomain("logins.test");
        server.webAdmin().putUser(ANN_LOGIN, PASSWORD);
        server.webAdmin().putUser(BOB_LOGIN, PASSWORD);
    }

    private static void table(PosternProcess server, String name, String query) {
        server.writeConfFile(name, String.join("\n",
            "# " + name + ", as Postfix reads it",
            "hosts = inet:" + database.host() + ":" + database.port(),
            "user = postfix",
            "password = db-secret",
            "dbname = mail",
            "query = " + query,
            "connect_timeout = 2",
            ""));
    }

    @AfterAll
    static void stopDatabases() {
        if (mariadb != null) {
            mariadb.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void mailboxesAndOneToManyAliasesComeFromTheDatabase() {
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("outsider.example");
            client.mailFrom("friend@outsider.example");
            assertThat(client.rcptTo("someone@other.test").full()).as("a virtual_mailbox_domains row without a mailbox row")
                .isEqualTo("550 5.1.1 <someone@other.test>: Recipient address rejected: User unknown in virtual mailbox table");
            assertThat(client.rcptTo("nobody@" + DOMAIN).full())
                .isEqualTo("550 5.1.1 <nobody@" + DOMAIN + ">: Recipient address rejected: User unknown in virtual mailbox table");
            assertThat(client.rcptTo("someone@nowhere.test").full()).contains("<someone@nowhere.test>: Relay access denied");
            client.rset();
            client.mailFrom("friend@outsider.example");
            assertThat(client.rcptTo("team@" + DOMAIN).full()).isEqualTo("250 2.1.5 Ok");
            assertThat(client.rcptTo(ANN).full()).isEqualTo("250 2.1.5 Ok");
            assertThat(client.data(TestMessages.withToken("friend@outsider.example", "team@" + DOMAIN, "sql-team", "hi"))
                .code()).isEqualTo(250);
            client.quit();
        }

        assertThat(awaitToken("ann", "sql-team")).as("ann once, although named twice").hasSize(1);
        assertThat(awaitToken("bob", "sql-team")).hasSize(1);
    }

    @Test
    void theAccessTableAndSenderLoginsComeFromTheDatabase() {
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("outsider.example");
            client.mailFrom("friend@outsider.example");
            assertThat(client.rcptTo("blocked@" + DOMAIN).full())
                .isEqualTo("554 5.7.1 <blocked@" + DOMAIN + ">: Recipient address rejected: closed by the database");
            assertThat(client.rcptTo("mysql-blocked@" + DOMAIN).full())
                .isEqualTo("554 5.7.1 <mysql-blocked@" + DOMAIN + ">: Recipient address rejected: closed by MariaDB");
            assertThat(client.rcptTo("sqlite-blocked@" + DOMAIN).full())
                .isEqualTo("554 5.7.1 <sqlite-blocked@" + DOMAIN + ">: Recipient address rejected: closed by SQLite");
            client.rset();
            client.mailFrom(ANN);
            assertThat(client.rcptTo(BOB).full())
                .isEqualTo("553 5.7.1 <" + ANN + ">: Sender address rejected: not logged in");
        }
        try (SmtpClient client = SmtpClient.connect(server.submissionPort())) {
            client.ehlo("laptop.example");
            client.starttls();
            client.ehlo("laptop.example");
            assertThat(client.authPlain(BOB_LOGIN, PASSWORD).code()).isEqualTo(235);
            client.mailFrom(ANN);
            assertThat(client.rcptTo("friend@outsider.example").full())
                .isEqualTo("553 5.7.1 <" + ANN + ">: Sender address rejected: not owned by user " + BOB_LOGIN);
            client.rset();
            client.mailFrom(BOB);
            assertThat(client.rcptTo("friend@outsider.example").full()).isEqualTo("250 2.1.5 Ok");
        }
    }

    @Test
    void postmapQueriesTheDatabaseWithPostfixsExitCodes() {
        ExitResult found = server.runCommand("postmap", "-q", "team@" + DOMAIN, "pgsql:conf/pg-aliases.cf");
        assertThat(found.exitCode()).as("%s", found).isZero();
        assertThat(found.stdout().strip().split(",")).containsExactlyInAnyOrder(ANN, BOB);

        ExitResult missing = server.runCommand("postmap", "-q", "x' OR 'a'='a", "pgsql:conf/pg-aliases.cf");
        assertThat(missing.exitCode()).as("%s", missing).isEqualTo(1);

        server.writeConfFile("pg-down.cf", "hosts = 127.0.0.1:1\ndbname = mail\nconnect_timeout = 1\n"
            + "query = SELECT goto FROM alias WHERE address = '%s'\n");
        ExitResult failed = server.runCommand("postmap", "-q", "team@" + DOMAIN, "pgsql:conf/pg-down.cf");
        assertThat(failed.exitCode()).as("%s", failed).isEqualTo(2);
        assertThat(failed.stderr()).contains("pgsql:conf/pg-down.cf").doesNotContain("db-secret");
    }

    @Test
    void whileTheDatabaseIsDownRcptIsDeferredAndQueuedMailWaitsForIt() {
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("outsider.example");
            client.mailFrom("friend@outsider.example");
            assertThat(client.rcptTo("team@" + DOMAIN).full()).isEqualTo("250 2.1.5 Ok");

            database.stop();
            try {
                assertThat(client.data(TestMessages.withToken("friend@outsider.example", "team@" + DOMAIN,
                    "sql-outage", "queued before the outage")).code()).as("accepted: the recipient was checked").isEqualTo(250);
                client.quit();
                try (SmtpClient other = server.connectFrom("127.0.0.2")) {
                    other.ehlo("outsider.example");
                    other.mailFrom("friend@outsider.example");
                    assertThat(other.rcptTo(ANN).full()).as("the sender's login lookup fails")
                        .isEqualTo("451 4.3.0 <friend@outsider.example>: Temporary lookup failure");
                    other.rset();
                    other.mailFrom("");
                    assertThat(other.rcptTo(ANN).full()).as("the recipient's lookups fail")
                        .isEqualTo("451 4.3.0 <" + ANN + ">: Temporary lookup failure");
                }
                server.awaitMaillogLine("the alias expansion deferred", DELIVERY,
                    line -> line.contains("status=deferred") && line.contains("team@" + DOMAIN));
                assertThat(mailbox("ann")).noneMatch(message -> message.contains("sql-outage"));
            } finally {
                database.start();
            }
        }

        assertThat(awaitToken("ann", "sql-outage")).hasSize(1);
        assertThat(awaitToken("bob", "sql-outage")).hasSize(1);
        assertThat(server.maillog()).doesNotContain("db-secret");
    }

    private static List<String> awaitToken(String user, String token) {
        Await.until(user + " gets " + token, DELIVERY, () -> mailbox(user).stream().anyMatch(m -> m.contains(token)));
        return mailbox(user).stream().filter(m -> m.contains(token)).toList();
    }

    private static List<String> mailbox(String user) {
        Path fresh = server.varDir().resolve("mail").resolve(DOMAIN).resolve(user).resolve("new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(fresh)) {
            return files.map(SqlTablesIT::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
