package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.testing.dns.SignedZones;
import dev.postern.testing.dns.SignedZones.Signing;
import dev.postern.testing.dns.SignedZones.Zone;
import dev.postern.testing.smtp.SmtpSink;

/**
 * DANE in the packaged server: {@code smtp_tls_security_level = dane} with
 * {@code smtp_dns_support_level = dnssec}, a zone the test signs served by NSD, the test's DS as
 * {@code postern_dnssec_trust_anchor_file}. A destination whose TLSA record names the sink's key
 * gets the mail over TLS and the log says "Verified TLS connection established"; one whose TLSA
 * record names another key is deferred, and its sink never sees the mail.
 */
class DaneIT {
    private static final String SENDER = "alice@sender.test";
    private static final String PASSWORD = "changeit";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @TempDir
    Path directory;

    private SignedZones dns;

    @AfterEach
    void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void aMatchingTlsaRecordDeliversVerifiedAndAMismatchDefers() throws Exception {
        SSLContext tls = serverContext();
        SmtpSink good = postern.newSink().setEhloKeywords("STARTTLS").setStartTls(tls);
        SmtpSink wrong = postern.newSink().setEhloKeywords("STARTTLS").setStartTls(tls);
        String key = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate().getPublicKey().getEncoded()));
        dns = SignedZones.start(directory.resolve("dns"), List.of(new Zone("test", Signing.SIGNED, String.join("\n",
            "good IN MX 10 mx.good.test.", "mx.good IN A 127.0.0.1",
            "_" + good.port() + "._tcp.mx.good IN TLSA 3 1 1 " + key,
            "wrong IN MX 10 mx.wrong.test.", "mx.wrong IN A 127.0.0.1",
            "_" + wrong.port() + "._tcp.mx.wrong IN TLSA 3 1 1 " + "0a".repeat(32)))));
        PosternProcess server = postern.newServer().myhostname("mx.dane-it.test")
            .parameter("postern_dns_servers", dns.server())
            .parameter("smtp_dns_support_level", "dnssec")
            .parameter("postern_dnssec_trust_anchor_file", dns.trustAnchorFile().toString())
            .parameter("smtp_tls_security_level", "dane")
            .parameter("smtp_tls_loglevel", "1")
            .parameter("transport_maps", "texthash:conf/transport")
            .writeConfFile("transport", String.join("\n",
                "good.test   smtp:good.test:" + good.port(),
                "wrong.test  smtp:wrong.test:" + wrong.port(),
                ""))
            .start();

        TransportMapsIT.send(server, SENDER, List.of("bob@good.test", "carol@wrong.test"), "dane-1");

        DeliveryLogLine bob = TransportMapsIT.awaitLine(server, "bob@good.test");
        assertThat(bob.status()).as(bob.line()).isEqualTo("sent");
        assertThat(good.connection(0).tls()).isTrue();
        assertThat(good.messageCount()).isEqualTo(1);
        // In the mail log, as the smtp client's other TLS lines (smtp_tls_loglevel = 1).
        server.awaitMaillogLine("the DANE-verified handshake line", Duration.ofSeconds(30), line -> line.contains("postern/smtp[")
            && line.contains(": Verified TLS connection established to mx.good.test[127.0.0.1]:" + good.port() + ": TLS"));

        DeliveryLogLine carol = TransportMapsIT.awaitLine(server, "carol@wrong.test");
        assertThat(carol.status()).as(carol.line()).isEqualTo("deferred");
        assertThat(carol.dsn()).isEqualTo("4.7.5");
        assertThat(carol.text()).contains("no TLSA record of _" + wrong.port() + "._tcp.mx.wrong.test matches");
        Await.holdsFor("nothing reaches the server the TLSA record does not name", Duration.ofSeconds(2),
            () -> wrong.messageCount() == 0);
    }

    private SSLContext serverContext() throws Exception {
        Path store = directory.resolve("mx.p12");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "mx", "-keyalg", "EC", "-dname", "CN=mx.good.test", "-validity", "2",
            "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        KeyStore keys = keyStore();
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    private X509Certificate certificate() throws Exception {
        return (X509Certificate) keyStore().getCertificate("mx");
    }

    private KeyStore keyStore() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(directory.resolve("mx.p12"))) {
            keys.load(in, PASSWORD.toCharArray());
        }
        return keys;
    }
}
