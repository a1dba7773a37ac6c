package dev.postern.delivery.smtp;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority of the test's own (BouncyCastle, test scope) and the certificates it
 * issues, written as PEM files: nothing from the network, nothing that outlives the test.
 */
final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();

    final Path directory;
    final String name;
    final KeyPair caKey;
    final X509Certificate caCertificate;
    final Path caPem;

    private TestPki(Path directory, String name, KeyPair caKey, X509Certificate caCertificate, Path caPem) {
        this.directory = directory;
        this.name = name;
        this.caKey = caKey;
        this.caCertificate = caCertificate;
        this.caPem = caPem;
    }

    static TestPki create(Path directory, String name) throws Exception {
        KeyPair key = rsa();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), notBefore(), notAfter(),
            subject, key.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate certificate = sign(builder, key);
        Path pem = directory.resolve(name + "-ca.pem");
        Files.writeString(pem, pem("CERTIFICATE", certificate.getEncoded()));
        return new TestPki(directory, name, key, certificate, pem);
    }

    /** A leaf certificate with the common name {@code cn} and these DNS names (none: no SAN). */
    Issued issue(String cn, String... dnsNames) throws Exception {
        KeyPair key = rsa();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + name),
            serial(), notBefore(), notAfter(), new X500Name("CN=" + cn), key.getPublic());
        if (dnsNames.length > 0) {
            List<GeneralName> names = new ArrayList<>();
            for (String dns : dnsNames) {
                names.add(new GeneralName(GeneralName.dNSName, dns));
            }
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(new GeneralName[0])));
        }
        X509Certificate certificate = sign(builder, caKey);
        String file = cn.replaceAll("[^A-Za-z0-9.-]", "_");
        Path certPem = directory.resolve(name + "-" + file + ".crt");
        Files.writeString(certPem, pem("CERTIFICATE", certificate.getEncoded()) + pem("CERTIFICATE", caCertificate.getEncoded()));
        Path pkcs1Key = directory.resolve(name + "-" + file + ".rsa.key");
        try (StringWriter text = new StringWriter(); JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(key.getPrivate());
            writer.flush();
            Files.writeString(pkcs1Key, text.toString());
        }
        Path chain = directory.resolve(name + "-" + file + ".chain.pem");
        Files.writeString(chain, pem("PRIVATE KEY", key.getPrivate().getEncoded()) + Files.readString(certPem));
        return new Issued(this, key, certificate, certPem, pkcs1Key, chain);
    }

    /** A certificate, its key and files: the certificate with the CA's (.crt), a PKCS#1 key, key and chain in one file. */
    record Issued(TestPki ca, KeyPair key, X509Certificate certificate, Path certPem, Path pkcs1Key, Path chainPem) {
        /** A server context presenting this certificate; it trusts {@code clients} for client certificates. */
        SSLContext serverContext(TestPki clients) throws Exception {
            char[] password = "changeit".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key.getPrivate(), password, new X509Certificate[] {certificate, ca.caCertificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, password);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("clients", clients.caCertificate);
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        }

        SSLContext serverContext() throws Exception {
            return serverContext(ca);
        }

        /** The certificate's fingerprint computed here, independently of the code under test. */
        String certificateFingerprint(String algorithm) throws Exception {
            return HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance(algorithm).digest(certificate.getEncoded()));
        }

        String publicKeyFingerprint(String algorithm) throws Exception {
            return HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance(algorithm).digest(key.getPublic().getEncoded()));
        }
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM);
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofDays(1)));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(Duration.ofDays(2)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }
}
