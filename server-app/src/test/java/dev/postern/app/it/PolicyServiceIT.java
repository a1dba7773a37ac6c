package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DnsmasqServer;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PolicydSpf;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.PostgreyServer;
import dev.postern.app.harness.RecordingPolicyServer;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * check_policy_service end to end: Debian's postgrey greylists a first attempt with its own
 * reply and accepts the retry after its delay (its X-Greylist header is prepended to the
 * relayed message); Debian's policyd-spf, reading SPF records from the test's dnsmasq, refuses a
 * sender whose domain excludes the client with its 550 and prepends its Received-SPF header to
 * mail from a domain that permits it; a policy server that is down gets the default action,
 * 451 4.3.5, with Postfix's warning naming the server. One server; each recipient selects its
 * policy through a restriction class.
 */
class PolicyServiceIT {
    private static final String HOST = "mx.policy-it.test";
    private static final Duration DELAY = Duration.ofSeconds(2);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();

    @TempDir
    static Path directory;
    private static PostgreyServer postgrey;
    private static DnsmasqServer dns;
    private static PolicydSpf spf;
    private static RecordingPolicyServer recorder;
    private static SmtpSink sink;
    private static PosternProcess server;
    private static int downPort;

    @BeforeAll
    static void start() throws IOException {
        // postgrey runs as nobody (when the tests run as root) and must reach its folder.
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        postgrey = new PostgreyServer(directory.resolve("postgrey"), DELAY).start();
        dns = new DnsmasqServer(directory.resolve("dns"))
            .record("txt-record=pass.spf-it.test,\"v=spf1 ip4:127.0.0.1 -all\"")
            .record("txt-record=fail.spf-it.test,\"v=spf1 ip4:192.0.2.1 -all\"")
            .start();
        spf = new PolicydSpf(directory.resolve("spf"), dns.address());
        recorder = new RecordingPolicyServer();
        downPort = FreePorts.allocate();
        sink = postern.newSink();
        server = postern.newServer().myhostname(HOST).mynetworks("127.0.0.0/8").relayhost(sink)
            .parameter("smtpd_recipient_restrictions", "check_recipient_access texthash:conf/policies, permit")
            .parameter("smtpd_policy_service_retry_delay", "1s")
            // mynetworks is empty on the submission listener: only its (authenticated) clients are asked at DATA
            .parameter("smtpd_data_restrictions", "permit_mynetworks, check_policy_service " + recorder.address())
            .writeConfFile("policies", String.join("\n",
                "greylisted@remote.example   greylist",
                "down@remote.example         down",
                "lenient@remote.example      lenient",
                "spf@remote.example          spf",
                "recorded@remote.example     recorded", ""));
        server.appendMainCf("smtpd_restriction_classes = greylist, down, lenient, spf, recorded",
            "recorded = check_policy_service " + recorder.address(),
            "greylist = check_policy_service " + postgrey.address(),
            "spf = check_policy_service " + spf.address(),
            "down = check_policy_service inet:127.0.0.1:" + downPort,
            "lenient = check_policy_service { inet:127.0.0.1:" + downPort + ", try_limit=1, default_action=DUNNO }");
        server.start();
    }

    @AfterAll
    static void stop() {
        if (postgrey != null) {
            postgrey.close();
        }
        if (spf != null) {
            spf.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @Test
    void theRequestSaysWhatTheSessionKnowsAndOneInstancePerMessage() {
        int before = recorder.requests().size();
        int clientPort;
        try (SmtpClient client = server.connect()) {
            clientPort = client.localAddress().getPort();
            client.ehlo("client.policy-it.test");
            assertThat(client.mailFrom("carol@client.policy-it.test", "SIZE=1234").code()).isEqualTo(250);
            assertThat(client.rcptTo("recorded@remote.example").code()).isEqualTo(250);
            assertThat(client.rcptTo("recorded@remote.example").code()).isEqualTo(250);
            client.rset();
            assertThat(client.mailFrom("carol@client.policy-it.test").code()).isEqualTo(250);
            assertThat(client.rcptTo("recorded@remote.example").code()).isEqualTo(250);
            client.quit();
        }
        List<Map<String, String>> requests = recorder.requests().subList(before, before + 3);
        assertThat(requests.get(0)).containsEntry("request", "smtpd_access_policy").containsEntry("protocol_state", "RCPT")
            .containsEntry("protocol_name", "ESMTP").containsEntry("helo_name", "client.policy-it.test")
            .containsEntry("sender", "carol@client.policy-it.test").containsEntry("recipient", "recorded@remote.example")
            .containsEntry("recipient_count", "0").containsEntry("client_address", "127.0.0.1")
            .containsEntry("client_port", Integer.toString(clientPort)).containsEntry("server_address", "127.0.0.1")
            .containsEntry("server_port", Integer.toString(server.smtpPort())).containsEntry("size", "1234")
            .containsEntry("etrn_domain", "").containsEntry("policy_context", "")
            .containsKeys("client_name", "reverse_client_name", "queue_id", "sasl_username", "encryption_protocol",
                "compatibility_level", "mail_version");
        assertThat(requests.get(0).get("instance")).as("one message, one instance").isNotEmpty()
            .isEqualTo(requests.get(1).get("instance")).isNotEqualTo(requests.get(2).get("instance"));
    }

    @Test
    void anAuthenticatedSubmissionSendsTheMechanismTheLoginAndTheMailFromAuthAddress() {
        String carol = "carol@" + HOST;
        server.webAdmin().putUser(carol, "carol's secret");
        int before = recorder.requests().size();
        try (SmtpClient client = SmtpClient.connect(server.submissionPort())) {
            client.ehlo("laptop.policy-it.test");
            assertThat(client.starttls().code()).isEqualTo(220);
            client.ehlo("laptop.policy-it.test");
            assertThat(client.authLogin(carol, "carol's secret").code()).isEqualTo(235);
            assertThat(client.mailFrom(carol, "AUTH=" + carol).code()).isEqualTo(250);
            assertThat(client.rcptTo("friend@remote.example").code()).isEqualTo(250);
            assertThat(client.data("Subject: submitted\r\n\r\nhello\r\n").code()).isEqualTo(250);
            client.quit();
        }
        assertThat(recorder.requests()).hasSize(before + 1);
        assertThat(recorder.requests().get(before)).containsEntry("protocol_state", "DATA")
            .containsEntry("sasl_method", "LOGIN").containsEntry("sasl_username", carol)
            .containsEntry("sasl_sender", carol).containsEntry("recipient_count", "1")
            .containsEntry("server_port", Integer.toString(server.submissionPort()));
        assertThat(recorder.requests().get(before).get("encryption_protocol")).startsWith("TLSv1");
    }

    /**
     * What one policy call costs a RCPT: 200 RCPT TO through a policy server that answers at once
     * against 200 without one, on one connection each. Printed for the record; only sanity is checked.
     */
    @Test
    void costOfOnePolicyCall() {
        long withPolicy = rcptNanos("recorded@remote.example", 200);
        long without = rcptNanos("plain@remote.example", 200);
        double perCall = (withPolicy - without) / 200.0 / 1_000_000.0;
        System.out.printf("PolicyServiceIT: 200 RCPT with a policy call %.1f ms, without %.1f ms: %.3f ms per call%n",
            withPolicy / 1e6, without / 1e6, perCall);
        assertThat(withPolicy).isPositive();
    }

    private static long rcptNanos(String recipient, int count) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.policy-it.test");
            client.mailFrom("dave@client.policy-it.test");
            client.rcptTo(recipient); // warm the connection to the policy server
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                assertThat(client.rcptTo(recipient).code()).isEqualTo(250);
            }
            long took = System.nanoTime() - start;
            client.quit();
            return took;
        }
    }

    @Test
    void policydSpfRefusesAnSpfFailAndPrependsReceivedSpfToAPass() {
        assertThat(rcpt("alice@fail.spf-it.test", "spf@remote.example")).as("policyd-spf: %s", spf.stderr())
            .isEqualTo("550 5.7.23 <spf@remote.example>: Recipient address rejected: Message rejected due to: SPF fail"
                + " - not authorized. Please see http://www.openspf.net/Why?s=mfrom;id=alice@fail.spf-it.test;ip=127.0.0.1;"
                + "r=remote.example");

        try (SmtpClient client = server.connect()) {
            client.ehlo("client.policy-it.test");
            assertThat(client.mailFrom("bob@pass.spf-it.test").code()).isEqualTo(250);
            assertThat(client.rcptTo("spf@remote.example").full()).as("policyd-spf: %s", spf.stderr())
                .isEqualTo("250 2.1.5 Ok");
            assertThat(client.data("Subject: spf pass\r\n\r\npermitted by SPF\r\n").code()).isEqualTo(250);
            client.quit();
        }
        SinkMessage relayed = relayedFrom("bob@pass.spf-it.test");
        assertThat(relayed.headers()).anyMatch(h -> h.startsWith("Received-SPF: Pass (mailfrom) identity=mailfrom;"
            + " client-ip=127.0.0.1; helo=client.policy-it.test; envelope-from=bob@pass.spf-it.test;"));
    }

    @Test
    void postgreyGreylistsTheFirstAttemptAndAcceptsTheRetryAfterItsDelay() {
        String first = rcpt("alice@client.policy-it.test", "greylisted@remote.example");
        assertThat(first).isEqualTo("450 4.2.0 <greylisted@remote.example>: Recipient address rejected: Greylisted,"
            + " see http://postgrey.schweikert.ch/help/remote.example.html");
        server.awaitMaillogLine("the greylisting reject", Duration.ofSeconds(10), line -> line.contains(
            "NOQUEUE: reject: RCPT from ") && line.contains("[127.0.0.1]: " + first + "; from=<alice@client.policy-it.test>"
                + " to=<greylisted@remote.example> proto=ESMTP helo=<client.policy-it.test>"));
        assertThat(rcpt("alice@client.policy-it.test", "greylisted@remote.example"))
            .as("an early retry").startsWith("450 4.2.0 <greylisted@remote.example>: Recipient address rejected: Greylisted");

        sleep(DELAY.plusMillis(500));
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.policy-it.test");
            assertThat(client.mailFrom("alice@client.policy-it.test").code()).isEqualTo(250);
            assertThat(client.rcptTo("greylisted@remote.example").full()).isEqualTo("250 2.1.5 Ok");
            assertThat(client.data("Subject: greylisted\r\n\r\nafter the delay\r\n").code()).isEqualTo(250);
            client.quit();
        }
        SinkMessage relayed = relayedFrom("alice@client.policy-it.test");
        assertThat(relayed.headers()).as("postgrey's PREPEND action")
            .anyMatch(h -> h.startsWith("X-Greylist: delayed ") && h.contains("by postgrey-"));
        assertThat(postgrey.output()).contains("action=greylist, reason=new", "action=pass, reason=triplet found");
    }

    @Test
    void aPolicyServerThatIsDownGetsTheDefaultAction() {
        assertThat(rcpt("bob@client.policy-it.test", "down@remote.example"))
            .isEqualTo("451 4.3.5 <down@remote.example>: Recipient address rejected: Server configuration problem");
        server.awaitMaillogLine("the warning naming the server", Duration.ofSeconds(10), line -> line.contains(
            "warning: problem talking to server 127.0.0.1:" + downPort + ": Connection refused"));

        assertThat(rcpt("bob@client.policy-it.test", "lenient@remote.example"))
            .as("default_action=DUNNO for this use").isEqualTo("250 2.1.5 Ok");
    }

    private static String rcpt(String sender, String recipient) {
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.policy-it.test");
            client.mailFrom(sender);
            String reply = client.rcptTo(recipient).full();
            client.quit();
            return reply;
        }
    }

    private static SinkMessage relayedFrom(String sender) {
        return Await.value("the relayed message from " + sender, Duration.ofSeconds(60),
            () -> sink.messages().stream().filter(m -> m.sender().equals(sender)).findFirst(), Optional::isPresent).get();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
