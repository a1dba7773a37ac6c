package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DnsmasqServer;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.app.postscreen.ProxyProtocolV2;
import dev.postern.testing.smtp.SmtpSink;

/**
 * postscreen end to end, one server for the class, enabled as in Postfix (master.cf's
 * {@code smtp inet ... postscreen} with {@code smtpd pass} behind it), DNS lists served by dnsmasq:
 * 127.0.0.3 is on both weighted lists (2 + 1, the threshold), 127.0.0.4 on one (2), 127.0.0.5 on the
 * allowlist, 127.0.0.9 on the cidr deny list; 127.0.0.2 talks before its turn; 127.0.0.6 is clean.
 * 127.0.0.1 (the harness's readiness probe) is mynetworks, which postscreen_access_list permits.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostscreenIT {
    private static final int PROXIED_SMTPD = FreePorts.allocate();
    private static final int PROXIED_POSTSCREEN = FreePorts.allocate();
    private static final int DEEP_POSTSCREEN = FreePorts.allocate();
    private static final String MASTER_CF = String.join("\n",
        "smtp      inet  n       -       y       -       1       postscreen",
        "smtpd     pass  -       -       y       -       -       smtpd",
        // behind a load balancer: a plain smtpd, and a postscreen, each reading a PROXY header first
        "127.0.0.1:" + PROXIED_SMTPD + " inet n - n - - smtpd -o smtpd_upstream_proxy_protocol=haproxy",
        "127.0.0.1:" + PROXIED_POSTSCREEN + " inet n - n - 1 postscreen -o postscreen_upstream_proxy_protocol=haproxy",
        // the deep protocol tests, on a listener of their own
        "127.0.0.1:" + DEEP_POSTSCREEN + " inet n - n - 1 postscreen -o postscreen_pipelining_enable=yes",
        "  -o postscreen_non_smtp_command_enable=yes -o postscreen_bare_newline_enable=yes",
        "");
    private static final Duration GREET_WAIT = Duration.ofSeconds(2);

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();

    @TempDir
    static Path dnsDirectory;

    static DnsmasqServer dns;
    static SmtpSink sink;
    static PosternProcess server;

    @BeforeAll
    static void startServer() {
        dns = new DnsmasqServer(dnsDirectory)
            .a("3.0.0.127.bl1.ps-it.test", "127.0.0.2")
            .a("3.0.0.127.bl2.ps-it.test", "127.0.0.2")
            .a("4.0.0.127.bl1.ps-it.test", "127.0.0.2")
            // a listing the filter leaves out: 127.0.0.6 stays clean
            .a("6.0.0.127.bl2.ps-it.test", "127.0.0.99")
            .a("5.0.0.127.wl.ps-it.test", "127.0.0.2")
            .start();
        sink = postern.newSink();
        server = postern.newServer().myhostname("mx.ps-it.test").relayhost(sink)
            .parameter("relay_domains", "ps-it.test")
            .parameter("postern_dns_servers", dns.address())
            .parameter("postscreen_greet_wait", GREET_WAIT.toSeconds() + "s")
            .parameter("postscreen_greet_action", "drop")
            .parameter("postscreen_access_list", "permit_mynetworks, cidr:conf/postscreen_access.cidr")
            .parameter("postscreen_denylist_action", "drop")
            .parameter("postscreen_dnsbl_sites",
                "bl1.ps-it.test*2, bl2.ps-it.test=127.0.0.[1..10]*1, wl.ps-it.test=127.0.0.2*-5")
            .parameter("postscreen_dnsbl_threshold", "3")
            .parameter("postscreen_dnsbl_allowlist_threshold", "-1")
            .parameter("postscreen_dnsbl_action", "drop")
            .parameter("postscreen_dnsbl_reply_map", "texthash:conf/dnsbl_reply_map")
            .writeConfFile("postscreen_access.cidr", "127.0.0.9/32  reject\n127.0.0.0/8  dunno\n")
            .writeConfFile("dnsbl_reply_map", "bl1.ps-it.test  our-list\n")
            .writeConfFile("master.cf", MASTER_CF)
            .start();
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    @Order(1)
    void aClientThatTalksBeforeItsTurnIsDropped() {
        String session = session("127.0.0.2", "EHLO bot.example\r\n");
        assertThat(session).startsWith("220-mx.ps-it.test ESMTP").contains("521 5.5.1 Protocol error");
        server.awaitMaillogLine("PREGREET", Duration.ofSeconds(10),
            line -> line.contains("postscreen[") && line.contains("PREGREET 18 after ")
                && line.contains(" from [127.0.0.2]:") && line.endsWith(": EHLO bot.example\\r\\n"));
        assertThat(server.maillog()).doesNotContain("PASS NEW [127.0.0.2]");
    }

    @Test
    @Order(2)
    void aClientOnTwoWeightedListsReachesTheThresholdAndIsRefused() {
        String session = session("127.0.0.3", null);
        assertThat(session).contains("521 5.7.1 Service unavailable; client [127.0.0.3] blocked using our-list")
            .doesNotContain("bl1.ps-it.test");
        server.awaitMaillogLine("DNSBL rank 3", Duration.ofSeconds(10),
            line -> line.contains("DNSBL rank 3 for [127.0.0.3]:"));
    }

    @Test
    @Order(3)
    void aClientOnOneListStaysBelowTheThresholdAndPasses() {
        try (SmtpClient smtp = SmtpClient.connect("127.0.0.1", server.smtpPort(), "127.0.0.4")) {
            assertThat(smtp.greeting().full()).contains("220 mx.ps-it.test");
            assertThat(smtp.ehlo("below.example").code()).isEqualTo(250);
        }
        server.awaitMaillogLine("PASS NEW 127.0.0.4", Duration.ofSeconds(10),
            line -> line.contains("PASS NEW [127.0.0.4]:"));
        assertThat(server.maillog()).doesNotContain("DNSBL rank 2 for [127.0.0.4]");
    }

    @Test
    @Order(4)
    void anAllowlistedClientSkipsThePregreetWait() {
        long start = System.nanoTime();
        try (SmtpClient smtp = SmtpClient.connect("127.0.0.1", server.smtpPort(), "127.0.0.5")) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(smtp.greeting().full()).contains("220 mx.ps-it.test");
            assertThat(took).as("greeted before the %s pregreet wait is over", GREET_WAIT).isLessThan(GREET_WAIT);
        }
        server.awaitMaillogLine("PASS NEW 127.0.0.5", Duration.ofSeconds(10),
            line -> line.contains("PASS NEW [127.0.0.5]:"));
    }

    @Test
    @Order(5)
    void aDenylistedClientIsDropped() {
        String session = session("127.0.0.9", null);
        assertThat(session).isEqualTo("521 5.3.2 Service currently unavailable\r\n");
        server.awaitMaillogLine("DENYLISTED", Duration.ofSeconds(10), line -> line.contains("DENYLISTED [127.0.0.9]:"));
    }

    @Test
    @Order(6)
    void aCleanClientPassesDeliversAndPassesFromTheCacheAfterARestart() {
        try (SmtpClient smtp = SmtpClient.connect("127.0.0.1", server.smtpPort(), "127.0.0.6")) {
            assertThat(smtp.greeting().full()).startsWith("220-mx.ps-it.test ESMTP").contains("220 mx.ps-it.test");
            assertThat(smtp.ehlo("clean.example").code()).isEqualTo(250);
            assertThat(smtp.sendMail("alice@client.example", "bob@ps-it.test", "Subject: hi\r\n\r\nthrough postscreen\r\n")
                .code()).isEqualTo(250);
        }
        server.awaitMaillogLine("PASS NEW 127.0.0.6", Duration.ofSeconds(10),
            line -> line.contains("PASS NEW [127.0.0.6]:"));
        Await.until("the message relayed", Duration.ofSeconds(30),
            () -> sink.messages().stream().anyMatch(m -> m.recipients().equals(List.of("bob@ps-it.test"))));
        // smtpd saw the client's own address through the PROXY header, not postscreen's loopback relay
        assertThat(server.maillog()).containsPattern("smtpd\\[\\d+\\]: connect from [^\\[\\s]*\\[127\\.0\\.0\\.6\\]")
            .doesNotContain("from localhost[127.0.0.6]");

        server.restart();
        long start = System.nanoTime();
        try (SmtpClient smtp = SmtpClient.connect("127.0.0.1", server.smtpPort(), "127.0.0.6")) {
            assertThat(smtp.greeting().full()).as("no teaser: straight to smtpd").startsWith("220 mx.ps-it.test");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(GREET_WAIT);
        }
        server.awaitMaillogLine("PASS OLD 127.0.0.6", Duration.ofSeconds(10),
            line -> line.contains("PASS OLD [127.0.0.6]:"));
    }

    @Test
    @Order(7)
    void aPlainListenerTakesTheClientFromProxyV1AndV2Headers() {
        String v1 = proxied(PROXIED_SMTPD, "PROXY TCP4 192.0.2.7 127.0.0.1 40123 25\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(v1).startsWith("220 mx.ps-it.test").contains("221 ");
        byte[] v2 = ProxyProtocolV2.header(new InetSocketAddress("192.0.2.8", 40124), new InetSocketAddress("127.0.0.1", 25));
        assertThat(proxied(PROXIED_SMTPD, v2)).startsWith("220 mx.ps-it.test").contains("221 ");
        server.awaitMaillogLine("v1 client", Duration.ofSeconds(10), line -> line.contains("connect from unknown[192.0.2.7]"));
        server.awaitMaillogLine("v2 client", Duration.ofSeconds(10), line -> line.contains("connect from unknown[192.0.2.8]"));
    }

    @Test
    @Order(8)
    void aMalformedProxyHeaderIsRefusedWithoutAGreeting() {
        assertThat(proxied(PROXIED_SMTPD, "PROXY NONSENSE\r\n".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(proxied(PROXIED_POSTSCREEN, "EHLO no.proxy.example\r\n".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        server.awaitMaillogLine("the malformed header", Duration.ofSeconds(10),
            line -> line.contains("postscreen[") && line.contains("warning: haproxy read: malformed PROXY header from [127.0.0.1]:"));
    }

    @Test
    @Order(9)
    void postscreenBehindALoadBalancerTestsTheClientOfTheHeader() {
        String session = proxied(PROXIED_POSTSCREEN,
            "PROXY TCP4 192.0.2.10 127.0.0.1 40125 25\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(session).startsWith("220-mx.ps-it.test").contains("220 mx.ps-it.test").contains("221 ");
        server.awaitMaillogLine("CONNECT from the header's client", Duration.ofSeconds(10),
            line -> line.contains("CONNECT from [192.0.2.10]:40125 to [127.0.0.1]:25"));
        server.awaitMaillogLine("PASS NEW", Duration.ofSeconds(10), line -> line.contains("PASS NEW [192.0.2.10]:40125"));
        server.awaitMaillogLine("smtpd's client", Duration.ofSeconds(10), line -> line.contains("connect from unknown[192.0.2.10]"));
    }

    @Test
    @Order(10)
    void aClientThatPassesTheDeepTestsIsToldToComeBackAndThenReachesSmtpd() {
        try (SmtpClient smtp = SmtpClient.connect("127.0.0.1", DEEP_POSTSCREEN, "127.0.0.20")) {
            assertThat(smtp.greeting().full()).startsWith("220-mx.ps-it.test").contains("220 mx.ps-it.test");
            assertThat(smtp.ehlo("deep.example").code()).isEqualTo(250);
            assertThat(smtp.mailFrom("alice@deep.example").code()).isEqualTo(250);
            assertThat(smtp.rcptTo("bob@ps-it.test").full()).isEqualTo("450 4.3.2 Service currently unavailable");
        }
        server.awaitMaillogLine("PASS NEW 127.0.0.20", Duration.ofSeconds(10),
            line -> line.contains("PASS NEW [127.0.0.20]:"));
        try (SmtpClient smtp = SmtpClient.connect("127.0.0.1", DEEP_POSTSCREEN, "127.0.0.20")) {
            assertThat(smtp.greeting().full()).as("straight to smtpd").startsWith("220 mx.ps-it.test");
            assertThat(smtp.ehlo("deep.example").code()).isEqualTo(250);
            assertThat(smtp.sendMail("alice@deep.example", "carol@ps-it.test", "Subject: deep\r\n\r\nagain\r\n").code())
                .isEqualTo(250);
        }
        server.awaitMaillogLine("PASS OLD 127.0.0.20", Duration.ofSeconds(10),
            line -> line.contains("PASS OLD [127.0.0.20]:"));
        Await.until("the message relayed", Duration.ofSeconds(30),
            () -> sink.messages().stream().anyMatch(m -> m.recipients().equals(List.of("carol@ps-it.test"))));
    }

    @Test
    @Order(11)
    void aPipeliningBotIsEnforcedAndAWebClientDropped() {
        String bot = deepSession("127.0.0.21", "EHLO bot.example\r\nMAIL FROM:<a@bot.example>\r\nRCPT TO:<b@ps-it.test>\r\nQUIT\r\n");
        assertThat(bot).contains("550 5.5.1 Protocol error").contains("221 2.0.0 Bye");
        server.awaitMaillogLine("COMMAND PIPELINING", Duration.ofSeconds(10),
            line -> line.contains("COMMAND PIPELINING from [127.0.0.21]:") && line.contains(" after EHLO: MAIL FROM:"));
        String web = deepSession("127.0.0.22", "GET / HTTP/1.0\r\n");
        assertThat(web).endsWith("521 5.5.1 Protocol error\r\n");
        server.awaitMaillogLine("NON-SMTP COMMAND", Duration.ofSeconds(10),
            line -> line.contains("NON-SMTP COMMAND from [127.0.0.22]:") && line.endsWith("after CONNECT: GET / HTTP/1.0"));
        assertThat(server.maillog()).doesNotContain("PASS NEW [127.0.0.21]").doesNotContain("PASS NEW [127.0.0.22]");
    }

    /** Waits for the whole greeting on the deep-test listener, sends {@code commands} at once, and reads until hang-up. */
    private static String deepSession(String from, String commands) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", DEEP_POSTSCREEN), 5000);
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            boolean sent = false;
            while ((n = in.read(buffer)) > 0) {
                received.write(buffer, 0, n);
                if (!sent && received.toString(StandardCharsets.US_ASCII).matches("(?s).*(^|\n)220 [^\n]*\n")) {
                    socket.getOutputStream().write(commands.getBytes(StandardCharsets.US_ASCII));
                    sent = true;
                }
            }
            return received.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code header}, then (if greeted) QUIT; returns everything the server sent until it hung up. */
    private static String proxied(int port, byte[] header) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(header);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            boolean quitSent = false;
            while ((n = in.read(buffer)) > 0) {
                received.write(buffer, 0, n);
                String text = received.toString(StandardCharsets.US_ASCII);
                if (!quitSent && text.matches("(?s).*(^|\n)220 [^\n]*\n")) {
                    socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    quitSent = true;
                }
            }
            return received.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects from {@code from}, sends {@code pregreet} at once (if any), and returns all the server sent until it hung up. */
    private static String session(String from, String pregreet) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", server.smtpPort()), 5000);
            socket.setSoTimeout(20_000);
            if (pregreet != null) {
                socket.getOutputStream().write(pregreet.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) > 0) {
                received.write(buffer, 0, n);
            }
            return received.toString(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
