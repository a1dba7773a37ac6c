package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.FreePorts;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * conf/master.cf end to end, one server for the class: Debian's master.cf.dist as it is shipped, followed
 * by this test's services. Its inet smtpd services are the listeners (submission with {@code -o}, a
 * {@code host:port} listener with {@code -o}, no smtps so none on that port), and transport_maps reaches
 * two of its unix services: a pipe transport running a script of this test (argv and standard input
 * recorded) and an smtp clone whose {@code -o smtp_helo_name} the SMTP sink sees. The dist's pipe services
 * name accounts (vmail, ftn...) that need not exist: they load, as with Postfix.
 */
class MasterCfIT {
    private static final String SENDER = "alice@sender.test";
    private static final Path MASTER_CF_DIST = Path.of("/usr/share/postfix/master.cf.dist");

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();

    @TempDir
    static Path scripts;

    static SmtpSink sink;
    static PosternProcess server;
    static int reinjection;

    @BeforeAll
    static void startServer() throws IOException {
        // as root, pipe runs the script as user=nobody, who must reach it and write beside it
        Files.setPosixFilePermissions(scripts, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = scripts.resolve("record.sh");
        Files.writeString(script, "#!/bin/sh\n"
            + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + scripts + "/argv.tmp\n"
            + "cat > " + scripts + "/stdin\n"
            + "mv " + scripts + "/argv.tmp " + scripts + "/argv\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        sink = postern.newSink();
        reinjection = FreePorts.allocate();
        String ours = String.join("\n",
            "# this test's services",
            "submission inet n       -       y       -       -       smtpd",
            // the value smtpserver.xml's submission block sets too: the same in both files is no conflict
            "  -o syslog_name=postern/$service_name",
            "  -o smtpd_tls_security_level=encrypt",
            "  -o { smtpd_banner = $myhostname ESMTP submission from master.cf }",
            "127.0.0.1:" + reinjection + " inet n - n - - smtpd",
            "  -o smtpd_tls_security_level=encrypt -o { smtpd_banner = reinjection ESMTP }",
            "polite    unix  -       -       n       -       1       smtp",
            "  -o smtp_helo_name=polite.mastercf-it.test -o smtp_data_done_timeout=1200s",
            "recorder  unix  -       n       n       -       -       pipe",
            "  flags=Rq user=nobody argv=" + script + " -f ${sender} -r ${recipient} -u ${user}",
            "  -e ${extension} -n ${nexthop} { two words } ${client_address}",
            "");
        server = postern.newServer().myhostname("mx.mastercf-it.test")
            .parameter("transport_maps", "texthash:conf/transport")
            .parameter("recipient_delimiter", "+")
            .writeConfFile("transport", String.join("\n",
                "pipe.test      recorder:the-next-hop",
                "polite.test    polite:" + sink.relayhost(),
                ""))
            .writeConfFile("master.cf", Files.readString(MASTER_CF_DIST) + ours)
            .start();
    }

    @Test
    void debiansMasterCfDistLoadsAsItIsAndItsSmtpServiceIsTheMxListener() {
        try (SmtpClient smtp = server.connect()) {
            assertThat(smtp.greeting().code()).isEqualTo(220);
            smtp.ehlo("client.example");
            assertThat(smtp.mailFrom(SENDER).code()).as("no TLS required on smtp/inet").isEqualTo(250);
        }
        assertThat(refusesConnections(server.submissionsPort())).as("no smtps service in master.cf").isTrue();
    }

    @Test
    void submissionRunsWithItsMasterCfOverrides() {
        try (SmtpClient submission = SmtpClient.connect(server.submissionPort())) {
            assertThat(submission.greeting().full()).isEqualTo("220 mx.mastercf-it.test ESMTP submission from master.cf");
            submission.ehlo("client.example");
            assertThat(submission.mailFrom(SENDER).full()).as("smtpd_tls_security_level=encrypt")
                .startsWith("530 5.7.0");
        }
    }

    @Test
    void aHostPortServiceIsAListenerAtThatAddressWithItsOverrides() {
        try (SmtpClient listener = SmtpClient.connect(reinjection)) {
            assertThat(listener.greeting().full()).isEqualTo("220 reinjection ESMTP");
            listener.ehlo("client.example");
            // its James settings are the smtpserver block's, which requires no TLS: this is the -o
            assertThat(listener.mailFrom(SENDER).full()).startsWith("530 5.7.0");
        }
    }

    @Test
    void aPipeTransportNamedInTransportMapsRunsItsCommandWithTheMacrosExpanded() throws IOException {
        String queueId = TransportMapsIT.send(server, SENDER, List.of("Bob+box@pipe.test"), "mastercf-pipe");

        Path argv = scripts.resolve("argv");
        Await.until("the pipe transport ran the script", Duration.ofSeconds(60), () -> Files.exists(argv));
        assertThat(Files.readAllLines(argv)).containsExactly("-f", SENDER, "-r", "Bob+box@pipe.test", "-u", "Bob",
            "-e", "box", "-n", "the-next-hop", "two words", "127.0.0.1");
        String stdin = Files.readString(scripts.resolve("stdin"));
        assertThat(stdin).startsWith("Return-Path: <" + SENDER + ">\n").contains("mastercf-pipe").doesNotContain("\r\n");
        DeliveryLogLine piped = TransportMapsIT.awaitLine(server, "Bob+box@pipe.test");
        assertThat(piped.queueId()).isEqualTo(queueId);
        assertThat(piped.service()).isEqualTo("pipe");
        assertThat(piped.relay()).isEqualTo("recorder");
        assertThat(piped.status()).isEqualTo("sent");
        assertThat(piped.text()).isEqualTo("delivered via recorder service");
    }

    @Test
    void anSmtpServiceOfMasterCfIsATransportWithItsOwnOverrides() {
        TransportMapsIT.send(server, SENDER, List.of("carol@polite.test"), "mastercf-polite");

        SinkMessage polite = sink.awaitMessages(1, Duration.ofSeconds(60)).get(0);
        assertThat(polite.recipients()).containsExactly("carol@polite.test");
        assertThat(polite.helo()).as("the polite service's -o smtp_helo_name").isEqualTo("polite.mastercf-it.test");
        DeliveryLogLine relayed = TransportMapsIT.awaitLine(server, "carol@polite.test");
        assertThat(relayed.status()).isEqualTo("sent");
        assertThat(relayed.relay()).isEqualTo("127.0.0.1[127.0.0.1]:" + sink.port());
    }

    @Test
    void aParameterSetDifferentlyInMasterCfAndSmtpserverXmlStopsTheStartNamingBoth() {
        // the shipped smtpserver.xml sets smtpd_client_auth_rate_limit = 30 for submission
        PosternProcess conflicting = postern.newServer().writeConfFile("master.cf", String.join("\n",
            "smtp      inet  n       -       y       -       -       smtpd",
            "submission inet n       -       y       -       -       smtpd",
            "  -o smtpd_client_auth_rate_limit=5",
            ""));

        ExitResult run = conflicting.runUntilExit(PosternProcess.COMMAND_TIMEOUT);

        assertThat(run.exitCode()).as("%s", run).isNotZero();
        assertThat(run.stderrLines()).as("%s", run).anyMatch(line -> line.startsWith("postern: fatal: ")
            && line.contains("smtpd_client_auth_rate_limit") && line.contains("master.cf, line 2")
            && line.contains("smtpserver.xml: listener submission"));
        assertThat(refusesConnections(conflicting.smtpPort())).as("nothing listens").isTrue();
    }

    private static boolean refusesConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
