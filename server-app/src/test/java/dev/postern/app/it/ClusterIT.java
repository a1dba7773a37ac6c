package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.db.PostgresServer;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Two Postern nodes on one PostgreSQL (issue 18's cluster): the SASL users and the WebAdmin domains
 * in the database ({@code postern_users_database}, {@code postern_domains_database}), a
 * {@code pgsql:} virtual alias table, each node with its own queue. A user added on node A
 * authenticates on node B; a domain added on A is listed by B; an alias row inserted in SQL is used
 * by both at once; node A killed with mail queued while B goes on, and a node started on A's
 * {@code var/} delivers A's mail, once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    private static final String H = "mx.cluster-it.test";
    private static final String CAROL = "carol@" + H;
    private static final String PASSWORD = "shared secret";
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    private static PostgresServer database;
    private static SmtpSink sink;
    /** Node A's next hop, down until A's queue is to be delivered. */
    private static SmtpSink downstreamOfA;
    private static PosternProcess nodeA;
    private static PosternProcess nodeB;

    @BeforeAll
    static void startDatabaseAndNodes() {
        database = PostgresServer.create();
        database.createDatabase("postern", "postern", "db secret");
        database.sql("postern", "CREATE TABLE virtual_aliases (address VARCHAR(320) PRIMARY KEY, goto TEXT NOT NULL);"
            + " GRANT SELECT ON virtual_aliases TO postern");
        sink = postern.newSink();
        downstreamOfA = postern.newSink();
        downstreamOfA.stop();
        nodeA = node(downstreamOfA.port()).start();
        nodeB = node(sink.port()).start();
    }

    private static PosternProcess node(int relayPort) {
        String connection = "hosts = " + database.host() + ":" + database.port() + "\nuser = postern\n"
            + "password = db secret\ndbname = postern\n";
        PosternProcess node = postern.newServer().myhostname(H).relayhost(relayPort).mynetworks("127.0.0.0/8");
        node.parameter("postern_users_database", "pgsql:" + node.confDir().resolve("database.cf"))
            .parameter("postern_domains_database", "pgsql:" + node.confDir().resolve("database.cf"))
            .parameter("virtual_alias_domains", "alias.cluster-it.test")
            .parameter("virtual_alias_maps", "pgsql:" + node.confDir().resolve("virtual.cf"))
            .parameter("minimal_backoff_time", "2s")
            .parameter("maximal_backoff_time", "4s");
        node.writeConfFile("database.cf", connection);
        node.writeConfFile("virtual.cf", connection + "query = SELECT goto FROM virtual_aliases WHERE address = '%s'\n");
        for (String file : List.of("database.cf", "virtual.cf")) {
            ownerOnly(node.confDir().resolve(file));
        }
        return node;
    }

    /** The files hold the database password: Postern warns when others can read them. */
    private static void ownerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stopDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    @Order(1)
    void aUserAddedOnOneNodeAuthenticatesOnTheOther() {
        nodeA.webAdmin().putUser(CAROL, PASSWORD);

        assertThat(database.sql("postern", "SELECT name FROM postern_users").strip()).isEqualTo(CAROL);
        try (SmtpClient client = SmtpClient.connect(nodeB.submissionPort())) {
            client.ehlo("laptop.example");
            assertThat(client.starttls().code()).isEqualTo(220);
            client.ehlo("laptop.example");
            assertThat(client.authPlain(CAROL, "wrong").code()).isEqualTo(535);
            assertThat(client.authPlain(CAROL, PASSWORD).full()).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    @Order(2)
    void aDomainAddedOnOneNodeIsEveryNodes() {
        assertThat(nodeA.runCommand("domain", "add", "shared.cluster-it.test").exitCode()).isZero();

        assertThat(nodeB.runCommand("domain", "list").stdoutLines()).contains("shared.cluster-it.test");
        try (SmtpClient client = SmtpClient.connect(nodeB.smtpPort())) {
            client.ehlo("client.example");
            client.mailFrom("someone@remote.example");
            assertThat(client.rcptTo("nobody@shared.cluster-it.test").full())
                .as("a local domain of node B now: its unknown users are refused as local ones")
                .startsWith("550 5.1.1 <nobody@shared.cluster-it.test>: Recipient address rejected: User unknown");
        }
    }

    @Test
    @Order(3)
    void anAliasRowInsertedInSqlIsUsedByBothNodesAtOnce() {
        database.sql("postern", "INSERT INTO virtual_aliases VALUES ('team@alias.cluster-it.test',"
            + " 'x@remote.example,y@remote.example')");

        send(nodeA, "team@alias.cluster-it.test", "via-a");
        send(nodeB, "team@alias.cluster-it.test", "via-b");

        assertThat(Await.value("node B's expansion at the sink", DELIVERY, () -> recipientsOf("via-b"),
            list -> list.size() == 2)).containsExactlyInAnyOrder("x@remote.example", "y@remote.example");
        // node A's next hop is down: its expansion waits in A's queue (delivered in the next test)
        for (String expanded : List.of("x@remote.example", "y@remote.example")) {
            nodeA.awaitMaillogLine("node A's deferral of " + expanded, DELIVERY, line -> line.contains("to=<" + expanded
                + ">, orig_to=<team@alias.cluster-it.test>") && line.contains("status=deferred"));
        }
    }

    @Test
    @Order(4)
    void aLostNodesQueueIsDeliveredByTheNodeStartedOnItsVar() {
        send(nodeA, "queued@remote.example", "queued-on-a");
        nodeA.awaitMaillogLine("A's deferral", DELIVERY, line -> line.contains("to=<queued@remote.example>")
            && line.contains("status=deferred"));

        nodeA.kill();
        send(nodeB, "meanwhile@remote.example", "while-a-is-down");
        Await.value("B's mail while A is down", DELIVERY, () -> recipientsOf("while-a-is-down"), list -> list.size() == 1);

        // the new node: A's home (its var/ with the queue), with a next hop that is up
        nodeA.relayhost(sink.port());
        nodeA.start();
        assertThat(Await.value("A's queued mail, delivered by the new node", DELIVERY, () -> recipientsOf("queued-on-a"),
            list -> !list.isEmpty())).containsExactly("queued@remote.example");
        assertThat(Await.value("A's alias expansion too", DELIVERY, () -> recipientsOf("via-a"), list -> list.size() == 2))
            .containsExactlyInAnyOrder("x@remote.example", "y@remote.example");
        Await.holdsFor("each delivered once", Duration.ofSeconds(3),
            () -> recipientsOf("queued-on-a").size() == 1 && recipientsOf("via-a").size() == 2);
    }

    private static void send(PosternProcess node, String recipient, String token) {
        try (SmtpClient client = SmtpClient.connect(node.smtpPort())) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("sender@client.example").code()).isEqualTo(250);
            assertThat(client.rcptTo(recipient).code()).as("RCPT %s on %s", recipient, node.name()).isEqualTo(250);
            assertThat(client.data("Subject: " + token + "\r\n\r\n" + token + "\r\n").code()).isEqualTo(250);
        }
    }

    private static List<String> recipientsOf(String token) {
        return sink.messages().stream().filter(m -> m.body().contains(token))
            .flatMap((SinkMessage m) -> m.recipients().stream()).toList();
    }
}
