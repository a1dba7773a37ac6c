package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.DeliveryLogLine;
import dev.postern.app.harness.DnsmasqServer;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.testing.smtp.SinkMessage;
import dev.postern.testing.smtp.SmtpSink;

/**
 * MTA-STS and TLS reporting end to end: DNS from dnsmasq (the _mta-sts and _smtp._tls TXT records,
 * MX and A records), the policies from an HTTPS server on 127.0.77.20:443 with a certificate of the
 * test's own CA (the server resolves mta-sts.* through a hosts file given to its JVM), and two MX
 * servers on port 25: 127.0.77.21 with a certificate for mx.good.test from that CA, 127.0.77.22
 * with the same certificate, which does not name the hosts it serves there.
 * <ul>
 *   <li>good.test (enforce, mx.good.test): delivered over verified TLS;</li>
 *   <li>wrongmx.test (enforce, its MX not in the policy): deferred 4.7.5;</li>
 *   <li>badcert.test (enforce, certificate for another name): deferred 4.7.5;</li>
 *   <li>testing.test (testing, same bad certificate): delivered, the failure logged;</li>
 *   <li>the TLS reports of good.test and testing.test reach their rua mailbox with the counts.</li>
 * </ul>
 */
class MtaStsIT {
    private static final String PASSWORD = "changeit";
    private static final String SENDER = "alice@sender.test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Map<String, String> POLICIES = Map.of(
        "good.test", "version: STSv1\r\nmode: enforce\r\nmx: mx.good.test\r\nmax_age: 86400\r\n",
        "wrongmx.test", "version: STSv1\r\nmode: enforce\r\nmx: mx.wrongmx.test\r\nmax_age: 86400\r\n",
        "badcert.test", "version: STSv1\r\nmode: enforce\r\nmx: *.badcert.test\r\nmax_age: 86400\r\n",
        "testing.test", "version: STSv1\r\nmode: testing\r\nmx: mx.testing.test\r\nmax_age: 86400\r\n");

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @TempDir
    Path directory;

    private final List<AutoCloseable> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    @Test
    void enforceDeliversOnlyToPolicyHostsOverVerifiedTlsTestingLogsAndReportsReachTheRua() throws Exception {
        Authority ca = Authority.create();
        Path caPem = directory.resolve("ca.pem");
        Files.writeString(caPem, ca.pem());
        SSLContext mxTls = ca.serverContext("mx.good.test");
        SSLContext httpsTls = ca.serverContext("mta-sts.good.test", "mta-sts.wrongmx.test", "mta-sts.badcert.test",
            "mta-sts.testing.test");

        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.77.20", 443), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(httpsTls));
        List<String> fetched = new ArrayList<>();
        https.createContext("/.well-known/mta-sts.txt", exchange -> {
            String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":.*", "");
            fetched.add(host);
            byte[] body = POLICIES.getOrDefault(host.replaceFirst("^mta-sts\\.", ""), "").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        https.start();
        servers.add(() -> https.stop(0));

        SmtpSink verified = new SmtpSink("127.0.77.21", 25, "mx.good.test");
        servers.add(verified);
        verified.setStartTls(mxTls).setEhloKeywords("PIPELINING", "8BITMIME", "STARTTLS").start();
        SmtpSink mismatched = new SmtpSink("127.0.77.22", 25, "mx.badcert.test");
        servers.add(mismatched);
        mismatched.setStartTls(mxTls).setEhloKeywords("PIPELINING", "8BITMIME", "STARTTLS").start();

        DnsmasqServer dns = new DnsmasqServer(directory.resolve("dns"))
            .record("mx-host=good.test,mx.good.test,10").a("mx.good.test", "127.0.77.21")
            .record("mx-host=wrongmx.test,mx.elsewhere.test,10").a("mx.elsewhere.test", "127.0.77.21")
            .record("mx-host=badcert.test,mx.badcert.test,10").a("mx.badcert.test", "127.0.77.22")
            .record("mx-host=testing.test,mx.testing.test,10").a("mx.testing.test", "127.0.77.22")
            .record("mx-host=reports.test,mx.reports.test,10").a("mx.reports.test", "127.0.77.21")
            .record("txt-record=_mta-sts.good.test,\"v=STSv1; id=1;\"")
            .record("txt-record=_mta-sts.wrongmx.test,\"v=STSv1; id=1;\"")
            .record("txt-record=_mta-sts.badcert.test,\"v=STSv1; id=1;\"")
            .record("txt-record=_mta-sts.testing.test,\"v=STSv1; id=1;\"")
            .record("txt-record=_smtp._tls.good.test,\"v=TLSRPTv1; rua=mailto:tlsrpt@reports.test\"")
            .record("txt-record=_smtp._tls.testing.test,\"v=TLSRPTv1; rua=mailto:tlsrpt@reports.test\"")
            .start();
        servers.add(dns);

        Path hosts = directory.resolve("hosts");
        // The machine's own name too: the server's JVM resolves only from this file.
        String machine = java.net.InetAddress.getLocalHost().getHostName();
        Files.writeString(hosts, "127.0.0.1 localhost " + machine + "\n" + String.join("\n", POLICIES.keySet().stream()
            .map(domain -> "127.0.77.20 mta-sts." + domain).toList()) + "\n");
        PosternProcess server = postern.newServer().myhostname("mx.sender.test")
            // The policy host is resolved as any HTTPS client does, by the JVM: here from this file.
            .env("POSTERN_OPTS", "-Xms32m -Xmx256m -XX:+UseSerialGC -Djdk.net.hosts.file=" + hosts)
            .parameter("postern_dns_servers", dns.address())
            .parameter("postern_mta_sts", "yes")
            .parameter("smtp_tls_CAfile", caPem.toString())
            .parameter("postern_tls_reports", "yes")
            .parameter("postern_tls_report_interval", "3s")
            .parameter("postern_tls_report_organization", "sender.test")
            .parameter("postern_tls_report_contact", "postmaster@sender.test")
            .start();

        TransportMapsIT.send(server, SENDER, List.of("bob@good.test"), "sts-good");
        TransportMapsIT.send(server, SENDER, List.of("carol@wrongmx.test"), "sts-wrongmx");
        TransportMapsIT.send(server, SENDER, List.of("dave@badcert.test"), "sts-badcert");
        TransportMapsIT.send(server, SENDER, List.of("erin@testing.test"), "sts-testing");

        DeliveryLogLine bob = TransportMapsIT.awaitLine(server, "bob@good.test");
        assertThat(bob.status()).as(bob.line()).isEqualTo("sent");
        assertThat(bob.relay()).isEqualTo("mx.good.test[127.0.77.21]:25");

        DeliveryLogLine carol = TransportMapsIT.awaitLine(server, "carol@wrongmx.test");
        assertThat(carol.status()).as(carol.line()).isEqualTo("deferred");
        assertThat(carol.dsn()).isEqualTo("4.7.5");
        assertThat(carol.text()).contains("MTA-STS policy of wrongmx.test (enforce) allows none of its MX hosts")
            .contains("mx.elsewhere.test");

        DeliveryLogLine dave = TransportMapsIT.awaitLine(server, "dave@badcert.test");
        assertThat(dave.status()).as(dave.line()).isEqualTo("deferred");
        assertThat(dave.dsn()).isEqualTo("4.7.5");
        assertThat(dave.text()).contains("certificate does not name MX host mx.badcert.test");

        DeliveryLogLine erin = TransportMapsIT.awaitLine(server, "erin@testing.test");
        assertThat(erin.status()).as(erin.line()).isEqualTo("sent");
        assertThat(erin.relay()).isEqualTo("mx.testing.test[127.0.77.22]:25");
        assertThat(server.maillog()).contains("MTA-STS policy of testing.test (testing) would have refused"
            + " mx.testing.test[127.0.77.22]: certificate-host-mismatch");
        assertThat(fetched).contains("mta-sts.good.test", "mta-sts.wrongmx.test", "mta-sts.badcert.test",
            "mta-sts.testing.test");
        assertThat(server.maillog()).contains("MTA-STS policy of good.test fetched: id=1, mode=enforce, max_age=86400,"
            + " mx=mx.good.test");
        Path cached = server.varDir().resolve("mta-sts/good.test.policy");
        assertThat(cached).as("the policy cached under var/ with its id").exists();
        assertThat(Files.readString(cached)).startsWith("id: 1\n").endsWith(POLICIES.get("good.test"));
        assertThat(mismatched.messages()).extracting(SinkMessage::recipients).containsExactly(List.of("erin@testing.test"));

        JsonNode good = awaitReport(verified, "good.test");
        assertThat(good.get("organization-name").asText()).isEqualTo("sender.test");
        assertThat(good.get("contact-info").asText()).isEqualTo("postmaster@sender.test");
        JsonNode goodPolicy = good.get("policies").get(0);
        assertThat(goodPolicy.get("policy").get("policy-type").asText()).isEqualTo("sts");
        assertThat(goodPolicy.get("policy").get("policy-domain").asText()).isEqualTo("good.test");
        assertThat(goodPolicy.get("policy").get("mx-host").get(0).asText()).isEqualTo("mx.good.test");
        assertThat(goodPolicy.get("summary").get("total-successful-session-count").asLong()).isEqualTo(1);
        assertThat(goodPolicy.get("summary").get("total-failure-session-count").asLong()).isZero();

        JsonNode testing = awaitReport(verified, "testing.test");
        JsonNode testingPolicy = testing.get("policies").get(0);
        assertThat(testingPolicy.get("summary").get("total-successful-session-count").asLong()).isZero();
        assertThat(testingPolicy.get("summary").get("total-failure-session-count").asLong()).isEqualTo(1);
        JsonNode failure = testingPolicy.get("failure-details").get(0);
        assertThat(failure.get("result-type").asText()).isEqualTo("certificate-host-mismatch");
        assertThat(failure.get("receiving-mx-hostname").asText()).isEqualTo("mx.testing.test");
        assertThat(failure.get("receiving-ip").asText()).isEqualTo("127.0.77.22");
        assertThat(failure.get("failed-session-count").asLong()).isEqualTo(1);
    }

    /** The first TLS report for {@code domain} that reached tlsrpt@reports.test, its JSON. */
    private static JsonNode awaitReport(SmtpSink sink, String domain) throws Exception {
        SinkMessage mail = Await.value("a TLS report for " + domain, WAIT, () -> sink.messages().stream()
            .filter(m -> m.recipients().equals(List.of("tlsrpt@reports.test")))
            .filter(m -> m.contentAsString().contains("TLS-Report-Domain: " + domain + "\r\n"))
            .findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertThat(mail.sender()).isEqualTo("postmaster@sender.test");
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mail.content()));
        assertThat(message.getContentType()).startsWith("multipart/report").contains("tlsrpt");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("application/tlsrpt+gzip");
        try (InputStream in = new GZIPInputStream(parts.getBodyPart(1).getInputStream())) {
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            in.transferTo(json);
            return new ObjectMapper().readTree(json.toByteArray());
        }
    }

    /** The test's certificate authority, made in-process (BouncyCastle, as the server's own TlsIdentity). */
    private record Authority(KeyPair keys, X509Certificate certificate) {
        static Authority create() throws Exception {
            KeyPair keys = rsa();
            X500Name name = new X500Name("CN=Postern MTA-STS test CA");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, notBefore(),
                notAfter(), name, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            return new Authority(keys, sign(builder, keys));
        }

        /** A server key with a certificate naming {@code dnsNames}, as a server's TLS context. */
        SSLContext serverContext(String... dnsNames) throws Exception {
            KeyPair server = rsa();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate,
                BigInteger.valueOf(System.nanoTime()), notBefore(), notAfter(), new X500Name("CN=" + dnsNames[0]),
                server.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                java.util.Arrays.stream(dnsNames).map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
            X509Certificate leaf = sign(builder, keys);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", server.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {leaf, certificate});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        }

        String pem() throws Exception {
            return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        }

        private static KeyPair rsa() throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }

        private static Date notBefore() {
            return Date.from(Instant.now().minus(Duration.ofHours(1)));
        }

        private static Date notAfter() {
            return Date.from(Instant.now().plus(Duration.ofDays(2)));
        }

        private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer) throws Exception {
            return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
        }
    }
}
