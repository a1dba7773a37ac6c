package dev.postern.delivery.smtp;

import static dev.postern.delivery.smtp.Fixtures.delivery;
import static dev.postern.delivery.smtp.Fixtures.mail;
import static dev.postern.delivery.smtp.Fixtures.parameters;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.smtp.Fixtures.FakeDns;
import dev.postern.testing.dns.SignedZones;
import dev.postern.testing.dns.SignedZones.Signing;
import dev.postern.testing.dns.SignedZones.Zone;
import dev.postern.testing.smtp.SmtpSink;

/**
 * DANE (RFC 7672) end to end: zones signed by the test and served by NSD on loopback, validated
 * by the SMTP client from the test's trust anchor, TLSA records naming certificates the test made,
 * and one SMTP sink per destination (the TLSA record name carries the sink's port).
 */
class SmtpCourierDaneTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path directory;
    static SignedZones dns;
    static final List<SmtpSink> sinks = new ArrayList<>();
    static SmtpSink good;
    static SmtpSink goodDaneOnly;
    static SmtpSink wrong;
    static SmtpSink unsigned;
    static SmtpSink bogusTlsa;
    static SmtpSink bogusZone;
    static SmtpSink trustAnchor;
    static SmtpSink trustAnchorWrongName;
    static SmtpSink unusable;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates server = TestCertificates.create(directory, "server");
        Path caStore = chainSignedByCa(directory, "mx.ta.test");
        SSLContext serverTls = server.serverContext();
        SSLContext caTls = context(caStore);
        good = sink(serverTls);
        goodDaneOnly = sink(serverTls);
        wrong = sink(serverTls);
        unsigned = sink(serverTls);
        bogusTlsa = sink(serverTls);
        bogusZone = sink(serverTls);
        trustAnchor = sink(caTls);
        trustAnchorWrongName = sink(caTls);
        unusable = sink(serverTls);
        String serverKey = "3 1 1 " + spkiSha256(certificate(server.pem));
        // The digest of a key no server here has.
        String strangerKey = "3 1 1 " + sha256("another server's key".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String caCertificate = "2 0 1 " + sha256(certificate(directory.resolve("ca.pem")).getEncoded());
        String test = String.join("\n",
            "good IN MX 10 mx.good.test.", "mx.good IN A 127.0.0.1", tlsa(good, "mx.good", serverKey),
            tlsa(goodDaneOnly, "mx.good", serverKey),
            "wrong IN MX 10 mx.wrong.test.", "mx.wrong IN A 127.0.0.1", tlsa(wrong, "mx.wrong", strangerKey),
            "badtlsa IN MX 10 mx.badtlsa.test.", "mx.badtlsa IN A 127.0.0.1",
            "ta IN MX 10 mx.ta.test.", "mx.ta IN A 127.0.0.1", tlsa(trustAnchor, "mx.ta", caCertificate),
            "ta2 IN MX 10 mx.ta2.test.", "mx.ta2 IN A 127.0.0.1", tlsa(trustAnchorWrongName, "mx.ta2", caCertificate),
            "pkix IN MX 10 mx.pkix.test.", "mx.pkix IN A 127.0.0.1",
            tlsa(unusable, "mx.pkix", "1 1 1 " + spkiSha256(certificate(server.pem))));
        dns = SignedZones.start(directory.resolve("dns"), List.of(
            new Zone("test", Signing.SIGNED, test),
            // A TLSA record in an unsigned zone proves nothing: it must be ignored.
            new Zone("unsigned.test", Signing.UNSIGNED, String.join("\n",
                "@ IN MX 10 mx.unsigned.test.", "mx IN A 127.0.0.1", tlsa(unsigned, "mx", strangerKey))),
            // Only the TLSA RRset is bogus: it lives in a zone of its own whose signatures expired.
            new Zone("_tcp.mx.badtlsa.test", Signing.EXPIRED, "_" + bogusTlsa.port() + " IN TLSA " + serverKey),
            new Zone("bogus.test", Signing.EXPIRED, String.join("\n",
                "@ IN MX 10 mx.bogus.test.", "mx IN A 127.0.0.1", tlsa(bogusZone, "mx", serverKey)))));
    }

    @AfterAll
    static void stop() {
        sinks.forEach(SmtpSink::close);
        if (dns != null) {
            dns.close();
        }
    }

    private static SmtpSink sink(SSLContext tls) {
        SmtpSink sink = new SmtpSink().start();
        sink.setEhloKeywords("STARTTLS");
        sink.setStartTls(tls);
        sinks.add(sink);
        return sink;
    }

    private static String tlsa(SmtpSink sink, String host, String data) {
        return "_" + sink.port() + "._tcp." + host + " IN TLSA " + data;
    }

    private List<RecipientResult> deliver(String level, String domain, SmtpSink sink) throws Exception {
        try (SmtpCourier courier = SmtpCourier.create(parameters("smtp_tls_security_level = " + level,
            "smtp_dns_support_level = dnssec", "postern_dns_servers = " + dns.server(),
            "postern_dnssec_trust_anchor_file = " + dns.trustAnchorFile()), new FakeDns(), name -> {
                throw new IllegalArgumentException("no table " + name);
            }, Clock.systemUTC())) {
            return courier.deliver(delivery(mail("a@" + domain), "smtp:" + domain + ":" + sink.port()));
        }
    }

    /**
     * DANE by destination: main.cf's level is may, an smtp_tls_policy_maps entry makes one
     * destination dane-only. Its server is judged by its TLSA records (a mismatch defers, which
     * may would have sent), and the authenticated one is logged "Verified" in the mail log.
     */
    @Test
    void aDaneOnlyPolicyMapsEntryAppliesDaneToItsDestinationWhileTheLevelIsMay() throws Exception {
        List<String> tlsLog = new CopyOnWriteArrayList<>();
        Fixtures.MapTable policies = new Fixtures.MapTable(Map.of("good.test", "dane-only", "wrong.test", "dane-only"));
        try (SmtpCourier courier = SmtpCourier.create(parameters("smtp_tls_security_level = may",
            "smtp_tls_policy_maps = hash:/etc/postfix/tls_policy", "smtp_tls_loglevel = 1",
            "smtp_dns_support_level = dnssec", "postern_dns_servers = " + dns.server(),
            "postern_dnssec_trust_anchor_file = " + dns.trustAnchorFile()), new FakeDns(), name -> policies,
            Clock.systemUTC(), tlsLog::add)) {
            List<RecipientResult> wrongResults = courier.deliver(delivery(mail("a@wrong.test"),
                "smtp:wrong.test:" + wrong.port()));
            assertThat(wrongResults).singleElement().satisfies(r -> {
                assertThat(r.status()).as(r.text()).isEqualTo(Status.DEFERRED);
                assertThat(r.dsn()).isEqualTo("4.7.5");
                assertThat(r.text()).startsWith("Server certificate not verified: host mx.wrong.test[127.0.0.1]")
                    .contains("no TLSA record of _" + wrong.port() + "._tcp.mx.wrong.test matches");
            });
            assertThat(tlsLog).singleElement().asString().startsWith("Untrusted TLS connection established to mx.wrong.test");
            tlsLog.clear();

            List<RecipientResult> goodResults = courier.deliver(delivery(mail("a@good.test"),
                "smtp:good.test:" + goodDaneOnly.port()));
            assertThat(goodResults).singleElement().satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
            assertThat(tlsLog).singleElement().asString().startsWith("Verified TLS connection established to mx.good.test[127.0.0.1]:"
                + goodDaneOnly.port() + ": TLS");
        }
    }

    @Test
    void aMatchingDaneEeRecordDeliversOverTls() throws Exception {
        List<RecipientResult> results = deliver("dane", "good.test", good);

        assertThat(results).singleElement().satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
        good.awaitIdle();
        assertThat(good.connection(0).tls()).isTrue();
        assertThat(good.connection(0).lines()).containsSubsequence("STARTTLS", "MAIL FROM:<sender@example.org>");
        assertThat(good.messageCount()).isEqualTo(1);
    }

    @Test
    void aCertificateTheTlsaRecordsDoNotNameDefers() throws Exception {
        List<RecipientResult> results = deliver("dane", "wrong.test", wrong);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.5");
            assertThat(r.text()).contains("no TLSA record of _" + wrong.port() + "._tcp.mx.wrong.test matches the"
                + " certificate chain of mx.wrong.test[127.0.0.1]:" + wrong.port());
        });
        wrong.awaitIdle();
        assertThat(wrong.messageCount()).isZero();
        assertThat(wrong.connections()).allSatisfy(c -> assertThat(c.lines()).doesNotContain("MAIL FROM:<sender@example.org>"));
    }

    @Test
    void anUnsignedZoneFallsBackToOpportunisticTlsWhateverItsTlsaRecordsSay() throws Exception {
        List<RecipientResult> results = deliver("dane", "unsigned.test", unsigned);

        assertThat(results).singleElement().satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
        unsigned.awaitIdle();
        assertThat(unsigned.connection(0).tls()).isTrue();
        assertThat(unsigned.messageCount()).isEqualTo(1);
    }

    @Test
    void daneOnlyDefersAnUnsignedDestinationWithoutConnecting() throws Exception {
        List<RecipientResult> results = deliver("dane-only", "unsigned.test", unsigned);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.5");
            assertThat(r.text()).startsWith("TLS security level dane-only: the MX records of unsigned.test are not"
                + " DNSSEC-validated");
        });
    }

    @Test
    void daneOnlyDeliversToAServerTheTlsaRecordsAuthenticate() throws Exception {
        List<RecipientResult> results = deliver("dane-only", "good.test", goodDaneOnly);

        assertThat(results).singleElement().satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
        goodDaneOnly.awaitIdle();
        assertThat(goodDaneOnly.connection(0).tls()).isTrue();
    }

    @Test
    void aBogusTlsaRecordSetDefersWithoutConnecting() throws Exception {
        List<RecipientResult> results = deliver("dane", "badtlsa.test", bogusTlsa);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.5");
            assertThat(r.text()).startsWith("TLSA lookup error for _" + bogusTlsa.port() + "._tcp.mx.badtlsa.test: SERVFAIL");
        });
        assertThat(bogusTlsa.connections()).isEmpty();
    }

    @Test
    void aZoneWithBogusSignaturesDefersAtTheMxLookup() throws Exception {
        List<RecipientResult> results = deliver("dane", "bogus.test", bogusZone);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.4.3");
        });
        assertThat(bogusZone.connections()).isEmpty();
    }

    @Test
    void aDaneTaRecordAuthenticatesAChainToThatCaWithTheMxHostName() throws Exception {
        List<RecipientResult> results = deliver("dane", "ta.test", trustAnchor);

        assertThat(results).singleElement().satisfies(r -> assertThat(r.status()).as(r.text()).isEqualTo(Status.SENT));
        trustAnchor.awaitIdle();
        assertThat(trustAnchor.connection(0).tls()).isTrue();
    }

    @Test
    void aDaneTaRecordDefersACertificateForAnotherName() throws Exception {
        List<RecipientResult> results = deliver("dane", "ta2.test", trustAnchorWrongName);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.text()).contains("does not name [mx.ta2.test]");
        });
        assertThat(trustAnchorWrongName.messageCount()).isZero();
    }

    /** RFC 7672 3.1.3: PKIX usages are unusable for SMTP; TLSA records that are all unusable still demand TLS. */
    @Test
    void onlyUnusableTlsaRecordsMeanTlsWithoutAuthentication() throws Exception {
        unusable.setBrokenStartTls(true);
        List<RecipientResult> results = deliver("dane", "pkix.test", unusable);

        assertThat(results).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(Status.DEFERRED);
            assertThat(r.dsn()).isEqualTo("4.7.5");
        });
        assertThat(unusable.messageCount()).isZero();
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String spkiSha256(X509Certificate certificate) throws Exception {
        return sha256(certificate.getPublicKey().getEncoded());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** A PKCS12 store whose key "mx" has the chain [host certificate, test CA]; the CA as ca.pem. */
    private static Path chainSignedByCa(Path directory, String host) throws Exception {
        Path ca = directory.resolve("ca.p12");
        Path mx = directory.resolve("ta-mx.p12");
        Path csr = directory.resolve("ta-mx.csr");
        Path signed = directory.resolve("ta-mx.pem");
        Path caPem = directory.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Postern Test CA", "-ext", "bc:c",
            "-validity", "2", "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "mx", "-keyalg", "EC", "-dname", "CN=" + host, "-validity", "2",
            "-storetype", "PKCS12", "-keystore", mx.toString(), "-storepass", PASSWORD);
        keytool("-certreq", "-alias", "mx", "-keystore", mx.toString(), "-storepass", PASSWORD, "-file", csr.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-infile", csr.toString(),
            "-outfile", signed.toString(), "-ext", "SAN=dns:" + host, "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", mx.toString(),
            "-storepass", PASSWORD);
        keytool("-importcert", "-alias", "mx", "-file", signed.toString(), "-keystore", mx.toString(), "-storepass", PASSWORD);
        return mx;
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + command + ": " + output);
        }
    }

    private static SSLContext context(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }
}
