package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.DnsmasqServer;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;

/**
 * The DNS-based restrictions end to end, against a real DNS server (dnsmasq) on 127.0.0.1:
 * DNS lists, unknown sender domains (NXDOMAIN, null MX), the client's forward-confirmed name
 * (127.0.0.2 confirms, 127.0.0.3's PTR name does not map back, 127.0.0.4 has no PTR), the HELO
 * name, and a DNS server that does not answer: DNS lists are skipped with a warning, the
 * other checks defer, and nothing is accepted because DNS failed.
 *
 * <p>Each recipient selects one restriction through an access table, so that one server
 * shows them all; the recipients exist, so a restriction that passes ends in {@code 250}.
 */
class DnsRestrictionsIT {
    private static final String H = "mx.dns-it.test";
    private static final String RBL_REPLY = "554 5.7.1 Service unavailable; Client host [127.0.0.2] blocked using"
        + " rbl.dns-it.test; Listed: see https://rbl.dns-it.test/q?127.0.0.2";
    private static final String RECIPIENT_ACCESS = String.join("\n",
        "rbl@" + H + "       reject_rbl_client rbl.dns-it.test",
        "rblhit@" + H + "    reject_rbl_client rbl.dns-it.test=127.0.0.[1;2]",
        "rblmiss@" + H + "   reject_rbl_client rbl.dns-it.test=127.0.0.[3..9]",
        "rhsbl@" + H + "     reject_rhsbl_sender dbl.dns-it.test",
        "sender@" + H + "    reject_unknown_sender_domain",
        "client@" + H + "    reject_unknown_client_hostname",
        "reverse@" + H + "   reject_unknown_reverse_client_hostname",
        "helo@" + H + "      reject_unknown_helo_hostname",
        "mx@" + H + "        mxcheck", "");
    private static final List<String> USERS = List.of("rbl", "rblhit", "rblmiss", "rhsbl", "sender", "client", "reverse", "helo",
        "mx");

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @TempDir
    Path dnsDirectory;

    private DnsmasqServer dns;

    @AfterEach
    void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    private DnsmasqServer startDns() {
        dns = new DnsmasqServer(dnsDirectory)
            // 127.0.0.2 <-> client.dns-it.test: the PTR name maps back to the address
            .record("host-record=client.dns-it.test,127.0.0.2")
            // 127.0.0.3 -> forged.dns-it.test, which is 127.0.0.99: not confirmed
            .record("ptr-record=3.0.0.127.in-addr.arpa,forged.dns-it.test")
            .a("forged.dns-it.test", "127.0.0.99")
            .record("mx-host=sender.dns-it.test,mx.sender.dns-it.test,10")
            .a("mx.sender.dns-it.test", "127.0.0.50")
            .record("dns-rr=v6only.dns-it.test,28,00000000000000000000000000000001")
            .nullMx("nullmx.dns-it.test")
            .a("2.0.0.127.rbl.dns-it.test", "127.0.0.2")
            .record("txt-record=2.0.0.127.rbl.dns-it.test,\"Listed: see https://rbl.dns-it.test/q?127.0.0.2\"")
            .a("spammer.dns-it.test.dbl.dns-it.test", "127.0.1.2")
            .record("txt-record=spammer.dns-it.test.dbl.dns-it.test,\"spam domain\"")
            .a("spammer.dns-it.test", "127.0.0.60")
            // permit_mx_backup: this server (127.0.0.1) is backup.dns-it.test's second MX, primaryus's first
            .record("mx-host=backup.dns-it.test,primary.dns-it.test,10")
            .record("mx-host=backup.dns-it.test,here.dns-it.test,20")
            .record("mx-host=primaryus.dns-it.test,here.dns-it.test,10")
            .record("mx-host=primaryus.dns-it.test,primary.dns-it.test,20")
            .a("primary.dns-it.test", "127.0.0.70")
            .a("here.dns-it.test", "127.0.0.1")
            .start();
        return dns;
    }

    private PosternProcess server(String dnsServers) throws Exception {
        PosternProcess server = postern.newServer().myhostname(H).mynetworks("127.0.0.1/32")
            .parameter("postern_dns_servers", dnsServers)
            .parameter("smtpd_relay_restrictions", "permit_mynetworks, permit_mx_backup, defer_unauth_destination")
            .parameter("smtpd_recipient_restrictions", "check_recipient_access texthash:conf/recipient_access")
            .writeConfFile("recipient_access", RECIPIENT_ACCESS)
            .writeConfFile("mx_access", "mx.sender.dns-it.test  REJECT bad MX host\n127.0.0.60  REJECT bad MX address\n");
        // A table inside a restriction class: access-table results may not name tables themselves.
        server.appendMainCf("smtpd_restriction_classes = mxcheck", "mxcheck = check_sender_mx_access texthash:conf/mx_access");
        return server;
    }

    private static void addUsers(PosternProcess server) {
        for (String user : USERS) {
            server.webAdmin().putUser(user + "@" + H, "secret");
        }
    }

    @Test
    void dnsListsAnswerWithPostfixReplies() throws Exception {
        PosternProcess server = server(startDns().address()).start();
        addUsers(server);

        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "rbl@" + H)).isEqualTo(RBL_REPLY);
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "rblhit@" + H))
            .as("an A record the filter accepts").isEqualTo(RBL_REPLY);
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "rblmiss@" + H))
            .as("an A record outside the filter").isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.3", "client.dns-it.test", "alice@sender.dns-it.test", "rbl@" + H))
            .as("an address the list does not name").isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@spammer.dns-it.test", "rhsbl@" + H))
            .isEqualTo("554 5.7.1 Service unavailable; Sender address [alice@spammer.dns-it.test] blocked using"
                + " dbl.dns-it.test; spam domain");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "rhsbl@" + H))
            .isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "mx@" + H))
            .as("check_sender_mx_access: the MX host's name")
            .isEqualTo("554 5.7.1 <alice@sender.dns-it.test>: Sender address rejected: bad MX host");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@spammer.dns-it.test", "mx@" + H))
            .as("check_sender_mx_access: no MX, so the domain's own address")
            .isEqualTo("554 5.7.1 <alice@spammer.dns-it.test>: Sender address rejected: bad MX address");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@v6only.dns-it.test", "mx@" + H))
            .isEqualTo("250 2.1.5 Ok");
        server.awaitMaillogLine("the RBL reject line", Duration.ofSeconds(10), line -> line.endsWith(
            "NOQUEUE: reject: RCPT from client.dns-it.test[127.0.0.2]: " + RBL_REPLY
                + "; from=<alice@sender.dns-it.test> to=<rbl@" + H + "> proto=ESMTP helo=<client.dns-it.test>"));
    }

    @Test
    void namesThatMustExist() throws Exception {
        PosternProcess server = server(startDns().address()).start();
        addUsers(server);

        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@nx.dns-it.test", "sender@" + H))
            .isEqualTo("450 4.1.8 <u@nx.dns-it.test>: Sender address rejected: Domain not found");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@nullmx.dns-it.test", "sender@" + H))
            .isEqualTo("550 5.7.27 <u@nullmx.dns-it.test>: Sender address rejected: Domain nullmx.dns-it.test does not"
                + " accept mail (nullMX)");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@sender.dns-it.test", "sender@" + H))
            .as("a domain with an MX").isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@v6only.dns-it.test", "sender@" + H))
            .as("a domain with only an AAAA record").isEqualTo("250 2.1.5 Ok");

        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@sender.dns-it.test", "client@" + H))
            .as("127.0.0.2's name maps back to it").isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.3", "client.dns-it.test", "u@sender.dns-it.test", "client@" + H))
            .isEqualTo("450 4.7.25 Client host rejected: cannot find your hostname, [127.0.0.3]");
        assertThat(rcpt(server, "127.0.0.3", "client.dns-it.test", "u@sender.dns-it.test", "reverse@" + H))
            .as("127.0.0.3 has a PTR name, unconfirmed").isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.4", "client.dns-it.test", "u@sender.dns-it.test", "reverse@" + H))
            .isEqualTo("450 4.7.1 Client host rejected: cannot find your reverse hostname, [127.0.0.4]");

        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@sender.dns-it.test", "helo@" + H))
            .isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.2", "nx.dns-it.test", "u@sender.dns-it.test", "helo@" + H))
            .isEqualTo("450 4.7.1 <nx.dns-it.test>: Helo command rejected: Host not found");

        server.awaitMaillogLine("127.0.0.2 named", Duration.ofSeconds(10),
            line -> line.endsWith("connect from client.dns-it.test[127.0.0.2]"));
        server.awaitMaillogLine("the warning about 127.0.0.3's name", Duration.ofSeconds(10),
            line -> line.endsWith("warning: hostname forged.dns-it.test does not resolve to address 127.0.0.3"));
        server.awaitMaillogLine("127.0.0.3 unknown", Duration.ofSeconds(10),
            line -> line.endsWith("connect from unknown[127.0.0.3]"));
    }

    @Test
    void permitMxBackupRelaysOnlyForDomainsWhoseBackupMxThisServerIs() throws Exception {
        PosternProcess server = server(startDns().address()).start();

        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@sender.dns-it.test", "u@backup.dns-it.test"))
            .as("this server is the second MX").isEqualTo("250 2.1.5 Ok");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@sender.dns-it.test", "u@primaryus.dns-it.test"))
            .as("this server is the primary MX").isEqualTo("454 4.7.1 <u@primaryus.dns-it.test>: Relay access denied");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@sender.dns-it.test", "u@sender.dns-it.test"))
            .as("not an MX at all").isEqualTo("454 4.7.1 <u@sender.dns-it.test>: Relay access denied");
    }

    @Test
    void aDnsServerThatDoesNotAnswerNeverLetsMailThrough() throws Exception {
        // Nothing listens on this port: every query fails at once (port unreachable).
        PosternProcess server = server("127.0.0.1:" + FreePorts.allocate())
            .parameter("unknown_client_reject_code", "550")
            .parameter("unknown_address_reject_code", "550")
            .parameter("unknown_hostname_reject_code", "550")
            .start();
        addUsers(server);

        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "rbl@" + H))
            .as("a DNS list that cannot be asked is skipped").isEqualTo("250 2.1.5 Ok");
        server.awaitMaillogLine("the RBL warning", Duration.ofSeconds(10),
            line -> line.contains("warning: 2.0.0.127.rbl.dns-it.test: RBL lookup error: "));
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "sender@" + H))
            .as("a temporary failure defers, whatever unknown_address_reject_code says")
            .isEqualTo("450 4.1.8 <alice@sender.dns-it.test>: Sender address rejected: Domain not found");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "client@" + H))
            .as("a temporary failure is 450 whatever unknown_client_reject_code says")
            .isEqualTo("450 4.7.25 Client host rejected: cannot find your hostname, [127.0.0.2]");
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "alice@sender.dns-it.test", "helo@" + H))
            .isEqualTo("450 4.7.1 <client.dns-it.test>: Helo command rejected: Host not found");
        server.awaitMaillogLine("the client without a name", Duration.ofSeconds(10),
            line -> line.endsWith("connect from unknown[127.0.0.2]"));
    }

    @Test
    void theDnsServerStoppingDefersTheChecksThatNeedIt() throws Exception {
        PosternProcess server = server(startDns().address()).parameter("unknown_address_reject_code", "550").start();
        addUsers(server);
        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@nx.dns-it.test", "sender@" + H))
            .as("NXDOMAIN: unknown_address_reject_code").isEqualTo("550 5.1.8 <u@nx.dns-it.test>: Sender address rejected: Domain not found");

        dns.stop();

        assertThat(rcpt(server, "127.0.0.2", "client.dns-it.test", "u@other.dns-it.test", "sender@" + H))
            .as("no answer: deferred, not rejected")
            .isEqualTo("450 4.1.8 <u@other.dns-it.test>: Sender address rejected: Domain not found");
        assertThat(rcpt(server, "127.0.0.4", "client.dns-it.test", "u@sender.dns-it.test", "rbl@" + H))
            .as("the list is skipped, with a warning").isEqualTo("250 2.1.5 Ok");
        server.awaitMaillogLine("the RBL warning", Duration.ofSeconds(10),
            line -> line.contains("warning: 4.0.0.127.rbl.dns-it.test: RBL lookup error: "));
    }

    @Test
    void aBadDnsServerValueIsAStartupErrorNamingTheParameter() {
        PosternProcess server = postern.newServer();
        int line = server.appendMainCf("postern_dns_servers = 127.0.0.1:5353, dns.example");

        ExitResult result = server.runUntilExit(Duration.ofSeconds(60));

        assertThat(result.exitCode()).as("%s", result).isNotZero();
        assertThat(result.stderrLines()).as("stderr of %s", result).anyMatch(l -> l.contains("main.cf:" + line
            + ": postern_dns_servers: bad DNS server \"dns.example\": \"dns.example\" is not an IP address"));
    }

    private static String rcpt(PosternProcess server, String from, String helo, String sender, String recipient) {
        try (SmtpClient client = server.connectFrom(from)) {
            client.ehlo(helo);
            client.mailFrom(sender);
            String reply = client.rcptTo(recipient).full();
            client.quit();
            return reply;
        }
    }
}
