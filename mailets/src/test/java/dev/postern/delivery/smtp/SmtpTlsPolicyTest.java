package dev.postern.delivery.smtp;

import static dev.postern.delivery.smtp.Fixtures.delivery;
import static dev.postern.delivery.smtp.Fixtures.mail;
import static dev.postern.delivery.smtp.Fixtures.parameters;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.smtp.Fixtures.FakeDns;
import dev.postern.delivery.smtp.Fixtures.MapTable;
import dev.postern.dns.DnsType;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.testing.smtp.SmtpSink;

/**
 * The TLS security levels and smtp_tls_policy_maps end to end: the real SMTP client against a
 * loopback SmtpSink that answers STARTTLS with certificates of a CA this test makes.
 */
class SmtpTlsPolicyTest {
    @TempDir
    static Path files;
    static TestPki ca;
    static TestPki otherCa;
    static TestPki.Issued mxCertificate;
    static TestPki.Issued strangerCertificate;
    static TestPki.Issued clientCertificate;

    private final List<AutoCloseable> closeable = new ArrayList<>();
    private final List<String> tlsLog = new CopyOnWriteArrayList<>();
    private SmtpSink mx;
    private FakeDns dns;

    @BeforeAll
    static void makeCertificates() throws Exception {
        ca = TestPki.create(files, "test-ca");
        otherCa = TestPki.create(files, "other-ca");
        mxCertificate = ca.issue("mx.example.test", "mx.example.test", "mail.example.test");
        strangerCertificate = otherCa.issue("mx.example.test", "mx.example.test");
        clientCertificate = ca.issue("client.test");
    }

    @BeforeEach
    void startServer() throws Exception {
        mx = track(new SmtpSink().start());
        mx.setEhloKeywords("STARTTLS");
        mx.setStartTls(mxCertificate.serverContext());
        dns = new FakeDns();
        dns.with("mx.example.test", DnsType.A, "127.0.0.1").with("wrong.example.test", DnsType.A, "127.0.0.1")
            .with("example.test", DnsType.MX, "mx.example.test").with("customer.test", DnsType.MX, "mx.example.test");
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeable) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeable.add(0, c);
        return c;
    }

    private SmtpCourier courier(Map<String, String> policies, String... mainCf) throws Exception {
        MapTable table = new MapTable(policies);
        List<String> lines = new ArrayList<>(List.of(mainCf));
        if (!policies.isEmpty()) {
            lines.add("smtp_tls_policy_maps = hash:/etc/postfix/tls_policy");
        }
        return track(SmtpCourier.create(parameters(lines.toArray(new String[0])), dns, name -> table,
            Clock.systemUTC(), tlsLog::add));
    }

    private SmtpCourier courier(String... mainCf) throws Exception {
        return courier(Map.of(), mainCf);
    }

    private RecipientResult send(SmtpCourier courier, String nexthop) throws Exception {
        List<RecipientResult> results = courier.deliver(delivery(mail("a@example.com"), "smtp:" + nexthop));
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private String hop(String host) {
        return "[" + host + "]:" + mx.port();
    }

    private void assertDeferred(RecipientResult result, String dsn, String textStart) {
        assertThat(result.status()).as("%s", result).isEqualTo(Status.DEFERRED);
        assertThat(result.dsn()).as("%s", result).isEqualTo(dsn);
        assertThat(result.text()).startsWith(textStart);
    }

    private void assertNoMailSent() throws Exception {
        mx.awaitIdle();
        assertThat(mx.connections()).allSatisfy(c -> assertThat(c.lines()).noneMatch(l -> l.startsWith("MAIL")));
    }

    // --- verify -------------------------------------------------------------------------------

    @Test
    void verifyDeliversWithTheRightCaAndNameAndLogsVerified() throws Exception {
        RecipientResult result = send(courier("smtp_tls_security_level = verify", "smtp_tls_CAfile = " + ca.caPem,
            "smtp_tls_loglevel = 1"), hop("mx.example.test"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
        assertThat(tlsLog).singleElement().asString().matches("Verified TLS connection established to "
            + "mx\\.example\\.test\\[127\\.0\\.0\\.1\\]:" + mx.port() + ": TLSv1\\.3 with cipher TLS_[A-Z0-9_]+ \\((128|256)/(128|256) bits\\)");
        mx.awaitIdle();
        assertThat(mx.connection(0).tls()).isTrue();
    }

    @Test
    void verifyDefersWhenNoCertificateNameIsTheHostName() throws Exception {
        RecipientResult result = send(courier("smtp_tls_security_level = verify", "smtp_tls_CAfile = " + ca.caPem,
            "smtp_tls_loglevel = 1"), hop("wrong.example.test"));

        assertDeferred(result, "4.7.5", "Server certificate not verified: host wrong.example.test[127.0.0.1]: certificate"
            + " names [mx.example.test, mail.example.test] match none of [wrong.example.test]");
        assertThat(tlsLog).singleElement().asString().startsWith("Trusted TLS connection established to wrong.example.test");
        assertNoMailSent();
    }

    @Test
    void verifyDefersWhenTheChainIsNotTrusted() throws Exception {
        mx.setStartTls(strangerCertificate.serverContext());
        RecipientResult result = send(courier("smtp_tls_security_level = verify", "smtp_tls_CAfile = " + ca.caPem,
            "smtp_tls_loglevel = 1"), hop("mx.example.test"));

        assertDeferred(result, "4.7.5", "Server certificate not trusted: host mx.example.test[127.0.0.1]: ");
        assertThat(tlsLog).singleElement().asString().startsWith("Untrusted TLS connection established to mx.example.test");
        assertNoMailSent();
    }

    @Test
    void verifyMatchesTheMxHostNameByDefault() throws Exception {
        RecipientResult result = send(courier("smtp_tls_security_level = verify", "smtp_tls_CAfile = " + ca.caPem),
            "customer.test:" + mx.port());

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
    }

    @Test
    void smtpTlsCApathIsADirectoryOfTrustedAuthorities() throws Exception {
        Path directory = Files.createDirectories(files.resolve("capath"));
        Files.copy(ca.caPem, directory.resolve("test-ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(directory.resolve("README"), "not a certificate\n");

        RecipientResult result = send(courier("smtp_tls_security_level = verify", "smtp_tls_CApath = " + directory),
            hop("mx.example.test"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
    }

    // --- secure -------------------------------------------------------------------------------

    @Test
    void secureMatchesTheNextHopDomainAndItsSubdomainsByDefault() throws Exception {
        RecipientResult sameDomain = send(courier("smtp_tls_security_level = secure", "smtp_tls_CAfile = " + ca.caPem),
            "example.test:" + mx.port());
        assertThat(sameDomain.status()).as("%s", sameDomain).isEqualTo(Status.SENT);

        // The MX host is in another domain: an unsigned MX record must not make it acceptable.
        RecipientResult otherDomain = send(courier("smtp_tls_security_level = secure", "smtp_tls_CAfile = " + ca.caPem),
            "customer.test:" + mx.port());
        assertDeferred(otherDomain, "4.7.5", "Server certificate not verified: host mx.example.test[127.0.0.1]: "
            + "certificate names [mx.example.test, mail.example.test] match none of [customer.test, .customer.test]");
    }

    @Test
    void secureWithMatchInThePolicyTable() throws Exception {
        RecipientResult listed = send(courier(Map.of("customer.test", "secure match=.example.test"),
            "smtp_tls_CAfile = " + ca.caPem), "customer.test:" + mx.port());
        assertThat(listed.status()).as("%s", listed).isEqualTo(Status.SENT);

        RecipientResult exact = send(courier(Map.of(hop("mx.example.test"), "secure match=mail.example.test:nexthop"),
            "smtp_tls_CAfile = " + ca.caPem), hop("mx.example.test"));
        assertThat(exact.status()).as("%s", exact).isEqualTo(Status.SENT);

        RecipientResult notListed = send(courier(Map.of("customer.test", "secure match=mx.other.test:.other.test"),
            "smtp_tls_CAfile = " + ca.caPem), "customer.test:" + mx.port());
        assertDeferred(notListed, "4.7.5", "Server certificate not verified: host mx.example.test[127.0.0.1]: certificate"
            + " names [mx.example.test, mail.example.test] match none of [mx.other.test, .other.test]");
    }

    // --- fingerprint --------------------------------------------------------------------------

    @Test
    void fingerprintDeliversWhenTheCertificateFingerprintIsListed() throws Exception {
        String fingerprint = mxCertificate.certificateFingerprint("SHA-256");
        // No CA is configured: fingerprint does not depend on one.
        RecipientResult result = send(courier("smtp_tls_security_level = fingerprint",
            "smtp_tls_fingerprint_cert_match = " + fingerprint, "smtp_tls_loglevel = 2"), hop("127.0.0.1"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
        assertThat(tlsLog).hasSize(2);
        assertThat(tlsLog.get(0)).startsWith("127.0.0.1[127.0.0.1]:" + mx.port() + ": subject_CN=mx.example.test,"
            + " issuer_CN=test-ca,").contains("cert_fingerprint=" + fingerprint);
        assertThat(tlsLog.get(1)).startsWith("Verified TLS connection established to 127.0.0.1[127.0.0.1]:" + mx.port());
    }

    @Test
    void fingerprintInThePolicyTableTakesABarSeparatedListOfCertificateOrPublicKeyDigests() throws Exception {
        String wrong = strangerCertificate.certificateFingerprint("MD5");
        String publicKey = mxCertificate.publicKeyFingerprint("MD5").toLowerCase(java.util.Locale.ROOT);
        RecipientResult result = send(courier(Map.of(hop("127.0.0.1"), "fingerprint match=" + wrong + "|" + publicKey),
            "smtp_tls_fingerprint_digest = md5"), hop("127.0.0.1"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
    }

    @Test
    void fingerprintDefersWithAWrongDigest() throws Exception {
        String wrong = strangerCertificate.certificateFingerprint("SHA-256");
        RecipientResult result = send(courier(Map.of(hop("127.0.0.1"), "fingerprint match=" + wrong)), hop("127.0.0.1"));

        assertDeferred(result, "4.7.5", "Server certificate not verified: host 127.0.0.1[127.0.0.1]: sha256 fingerprint "
            + mxCertificate.certificateFingerprint("SHA-256") + " (public key "
            + mxCertificate.publicKeyFingerprint("SHA-256") + ") is not listed");
        assertNoMailSent();
    }

    // --- encrypt, may, none and the policy table over main.cf ----------------------------------

    @Test
    void aPolicyEntryRequiringEncryptionDefersAtAServerWithoutStarttls() throws Exception {
        mx.setEhloKeywords("PIPELINING");
        RecipientResult result = send(courier(Map.of(hop("127.0.0.1"), "encrypt"), "smtp_tls_security_level = may"),
            hop("127.0.0.1"));

        assertDeferred(result, "4.7.4", "TLS is required, but was not offered by host 127.0.0.1[127.0.0.1]");
        assertNoMailSent();
    }

    @Test
    void aPolicyEntryOverridesTheDefaultLevelBothWays() throws Exception {
        RecipientResult plain = send(courier(Map.of(hop("127.0.0.1"), "none"), "smtp_tls_security_level = encrypt"),
            hop("127.0.0.1"));
        assertThat(plain.status()).as("%s", plain).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).lines()).doesNotContain("STARTTLS");

        RecipientResult verified = send(courier(Map.of("example.test", "verify"), "smtp_tls_CAfile = " + ca.caPem,
            "smtp_tls_loglevel = 1"), "example.test:" + mx.port());
        assertThat(verified.status()).as("%s", verified).isEqualTo(Status.SENT);
        assertThat(tlsLog).singleElement().asString().startsWith("Verified TLS connection established to mx.example.test");
    }

    @Test
    void aParentDomainEntryCoversSubdomainsOnly() throws Exception {
        dns.with("sub.customer.test", DnsType.MX, "wrong.example.test");
        Map<String, String> policies = Map.of(".customer.test", "verify");
        RecipientResult sub = send(courier(policies, "smtp_tls_CAfile = " + ca.caPem), "sub.customer.test:" + mx.port());
        assertDeferred(sub, "4.7.5", "Server certificate not verified: host wrong.example.test[127.0.0.1]");

        RecipientResult parent = send(courier(policies, "smtp_tls_CAfile = " + ca.caPem), "customer.test:" + mx.port());
        assertThat(parent.status()).as("%s", parent).isEqualTo(Status.SENT);
    }

    @Test
    void mayLogsAnUntrustedConnectionAndDelivers() throws Exception {
        mx.setStartTls(strangerCertificate.serverContext());
        RecipientResult result = send(courier("smtp_tls_security_level = may", "smtp_tls_CAfile = " + ca.caPem,
            "smtp_tls_loglevel = 1"), hop("127.0.0.1"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
        assertThat(tlsLog).singleElement().asString().startsWith("Untrusted TLS connection established to 127.0.0.1[127.0.0.1]:"
            + mx.port() + ": TLSv1.3 with cipher ");
    }

    @Test
    void loglevelZeroLogsNothing() throws Exception {
        RecipientResult result = send(courier("smtp_tls_security_level = verify", "smtp_tls_CAfile = " + ca.caPem),
            hop("mx.example.test"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
        assertThat(tlsLog).isEmpty();
    }

    @Test
    void aDaneEntryParsesAndIsOpportunisticWithoutTlsaRecords() throws Exception {
        RecipientResult result = send(courier(Map.of(hop("127.0.0.1"), "dane"), "smtp_tls_loglevel = 1"), hop("127.0.0.1"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
        assertThat(tlsLog).singleElement().asString().contains(" TLS connection established to 127.0.0.1[127.0.0.1]");
    }

    // --- protocols, ciphers, exclusions -------------------------------------------------------

    @Test
    void protocolsAndExcludeOfThePolicyEntryAreUsed() throws Exception {
        send(courier(Map.of(hop("127.0.0.1"), "encrypt protocols=<=TLSv1.2"), "smtp_tls_loglevel = 1"), hop("127.0.0.1"));
        assertThat(tlsLog).singleElement().asString().contains(": TLSv1.2 with cipher ");
        tlsLog.clear();

        send(courier(Map.of(hop("127.0.0.1"), "encrypt protocols=>=TLSv1.3 exclude=AES256:CHACHA20"),
            "smtp_tls_loglevel = 1"), hop("127.0.0.1"));
        assertThat(tlsLog).singleElement().asString().endsWith(": TLSv1.3 with cipher TLS_AES_128_GCM_SHA256 (128/128 bits)");
    }

    @Test
    void mandatoryProtocolsApplyAtRequiredLevelsOnly() throws Exception {
        send(courier("smtp_tls_security_level = encrypt", "smtp_tls_mandatory_protocols = !TLSv1.3",
            "smtp_tls_loglevel = 1"), hop("127.0.0.1"));
        assertThat(tlsLog).singleElement().asString().contains(": TLSv1.2 with cipher ");
        tlsLog.clear();

        send(courier("smtp_tls_security_level = may", "smtp_tls_mandatory_protocols = !TLSv1.3",
            "smtp_tls_loglevel = 1"), hop("127.0.0.1"));
        assertThat(tlsLog).singleElement().asString().contains(": TLSv1.3 with cipher ");
    }

    // --- client certificates ------------------------------------------------------------------

    @Test
    void sendsTheClientCertificateOfCertFileAndKeyFile() throws Exception {
        mx.setTlsWantsClientCertificate(true);
        RecipientResult result = send(courier("smtp_tls_security_level = encrypt",
            "smtp_tls_cert_file = " + clientCertificate.certPem(), "smtp_tls_key_file = " + clientCertificate.pkcs1Key()),
            hop("127.0.0.1"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).tlsClientSubject()).contains("CN=client.test");
    }

    @Test
    void sendsTheClientCertificateOfChainFiles() throws Exception {
        mx.setTlsWantsClientCertificate(true);
        RecipientResult result = send(courier("smtp_tls_security_level = encrypt",
            "smtp_tls_chain_files = " + clientCertificate.chainPem()), hop("127.0.0.1"));

        assertThat(result.status()).as("%s", result).isEqualTo(Status.SENT);
        mx.awaitIdle();
        assertThat(mx.connection(0).tlsClientSubject()).contains("CN=client.test");
    }

    @Test
    void withoutAClientCertificateNoneIsSent() throws Exception {
        mx.setTlsWantsClientCertificate(true);
        send(courier("smtp_tls_security_level = encrypt"), hop("127.0.0.1"));

        mx.awaitIdle();
        assertThat(mx.connection(0).tlsClientSubject()).isEqualTo(Optional.empty());
    }

    // --- table trouble --------------------------------------------------------------------------

    @Test
    void anInvalidPolicyEntryDefersNamingTheEntry() throws Exception {
        RecipientResult result = send(courier(Map.of(hop("127.0.0.1"), "verify mtach=hostname")), hop("127.0.0.1"));

        assertDeferred(result, "4.7.5", "invalid TLS policy for " + hop("127.0.0.1") + ": smtp_tls_policy_maps: test:map: \""
            + hop("127.0.0.1") + "\": unknown attribute \"mtach\"");
        assertThat(mx.connections()).isEmpty();
    }

    @Test
    void aFailingPolicyTableDefers() throws Exception {
        LookupTable failing = new LookupTable() {
            @Override
            public Optional<String> lookup(String key) throws LookupException {
                throw new LookupException("connection refused");
            }

            @Override
            public String name() {
                return "test:failing";
            }

            @Override
            public boolean isPattern() {
                return false;
            }
        };
        SmtpCourier courier = track(SmtpCourier.create(parameters("smtp_tls_policy_maps = test:failing"), dns,
            name -> failing, Clock.systemUTC(), tlsLog::add));

        RecipientResult result = send(courier, hop("127.0.0.1"));

        assertDeferred(result, "4.3.0", "smtp_tls_policy_maps: test:failing: lookup of \"" + hop("127.0.0.1") + "\" failed");
        assertThat(mx.connections()).isEmpty();
    }
}
