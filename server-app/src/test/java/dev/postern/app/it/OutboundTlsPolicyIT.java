package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.testing.smtp.SmtpSink;

/**
 * smtp_tls_policy_maps in the running server: a texthash policy table in conf/ pins two next hops
 * (loopback sinks answering STARTTLS with a self-signed certificate this test makes) by
 * certificate fingerprint. The listed fingerprint delivers and logs Postfix's "Verified TLS
 * connection established" line (smtp_tls_loglevel = 1); a wrong one keeps the mail deferred with
 * 4.7.5 and the sink never sees MAIL FROM. The main.cf level (may) would have sent both.
 */
class OutboundTlsPolicyIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void thePolicyTablePinsEachNextHopByFingerprint() throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        X509Certificate certificate = selfSigned(key);
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        String notListed = HexFormat.ofDelimiter(":").withUpperCase()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3}));
        SmtpSink pinned = tlsSink(key, certificate);
        SmtpSink wrong = tlsSink(key, certificate);
        PosternProcess server = postern.newServer().myhostname("mx.tls-policy-it.test")
            .parameter("smtp_tls_security_level", "may")
            .parameter("smtp_tls_loglevel", "1")
            .parameter("transport_maps", "texthash:conf/transport")
            .parameter("smtp_tls_policy_maps", "texthash:conf/tls_policy")
            .writeConfFile("transport", "pinned.test smtp:" + pinned.relayhost() + "\nwrong.test smtp:" + wrong.relayhost() + "\n")
            .writeConfFile("tls_policy", pinned.relayhost() + " fingerprint match=" + fingerprint + "\n"
                + wrong.relayhost() + " fingerprint match=" + notListed + "\n")
            .start();

        TransportMapsIT.send(server, "alice@sender.test", List.of("bob@pinned.test", "carol@wrong.test"), "tls-1");

        assertThat(pinned.awaitMessages(1, WAIT).get(0).recipients()).containsExactly("bob@pinned.test");
        server.awaitMaillogLine("the handshake line of the pinned next hop", WAIT, line -> line.contains("postern/smtp[")
            && line.contains(": Verified TLS connection established to 127.0.0.1[127.0.0.1]:" + pinned.port() + ": TLSv1.3 with cipher TLS_"));
        DeliveryLogLine deferred = TransportMapsIT.awaitLine(server, "carol@wrong.test");
        assertThat(deferred.status()).as(deferred.line()).isEqualTo("deferred");
        assertThat(deferred.dsn()).as(deferred.line()).isEqualTo("4.7.5");
        assertThat(deferred.line()).contains("Server certificate not verified: host 127.0.0.1[127.0.0.1]: sha256 fingerprint "
            + fingerprint);
        Await.holdsFor("nothing is sent to the server whose fingerprint is not listed", Duration.ofSeconds(1),
            () -> wrong.messageCount() == 0);
        assertThat(wrong.connections()).allSatisfy(c -> assertThat(c.lines()).noneMatch(l -> l.startsWith("MAIL")));
    }

    private SmtpSink tlsSink(KeyPair key, X509Certificate certificate) throws Exception {
        char[] password = "changeit".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("mx", key.getPrivate(), password, new X509Certificate[] {certificate});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return postern.newSink().setEhloKeywords("STARTTLS").setStartTls(context);
    }

    private static X509Certificate selfSigned(KeyPair key) throws Exception {
        X500Name name = new X500Name("CN=mx.pinned.test");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(2))), name, key.getPublic());
        return new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
    }
}
