package dev.postern.delivery.smtp.dane;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsaRecordTest {
    @Test
    void parsesThePresentationForm() {
        assertThat(TlsaRecord.parse("3 1 1 " + "0a".repeat(32))).hasValueSatisfying(r -> {
            assertThat(r.usage()).isEqualTo(3);
            assertThat(r.selector()).isEqualTo(1);
            assertThat(r.matchingType()).isEqualTo(1);
            assertThat(r.data()).hasSize(32);
        });
        assertThat(TlsaRecord.parse("3 1 1")).isEmpty();
        assertThat(TlsaRecord.parse("3 1 1 xyz")).isEmpty();
    }

    /** RFC 7672 3.1.3: only DANE-TA and DANE-EE, with known selectors and matching types, of the digest's length. */
    @Test
    void onlyDaneUsagesWithKnownParametersAreUsable() {
        String sha256 = "0a".repeat(32);
        assertThat(TlsaRecord.parse("3 1 1 " + sha256).orElseThrow().usable()).isTrue();
        assertThat(TlsaRecord.parse("2 0 1 " + sha256).orElseThrow().usable()).isTrue();
        assertThat(TlsaRecord.parse("3 0 2 " + "0a".repeat(64)).orElseThrow().usable()).isTrue();
        assertThat(TlsaRecord.parse("3 1 0 0a0b").orElseThrow().usable()).isTrue();
        assertThat(TlsaRecord.parse("1 1 1 " + sha256).orElseThrow().usable()).as("PKIX-EE").isFalse();
        assertThat(TlsaRecord.parse("0 0 1 " + sha256).orElseThrow().usable()).as("PKIX-TA").isFalse();
        assertThat(TlsaRecord.parse("3 2 1 " + sha256).orElseThrow().usable()).as("selector 2").isFalse();
        assertThat(TlsaRecord.parse("3 1 3 " + sha256).orElseThrow().usable()).as("matching type 3").isFalse();
        assertThat(TlsaRecord.parse("3 1 2 " + sha256).orElseThrow().usable()).as("SHA-512 of 32 bytes").isFalse();
    }

    @Test
    void matchesTheCertificateOrItsKeyByEachMatchingType(@TempDir Path directory) throws Exception {
        X509Certificate certificate = selfSigned(directory);
        byte[] spki = certificate.getPublicKey().getEncoded();
        byte[] whole = certificate.getEncoded();
        HexFormat hex = HexFormat.of();
        assertThat(record("3 1 0 " + hex.formatHex(spki)).matches(certificate)).isTrue();
        assertThat(record("3 1 1 " + hex.formatHex(MessageDigest.getInstance("SHA-256").digest(spki))).matches(certificate)).isTrue();
        assertThat(record("3 1 2 " + hex.formatHex(MessageDigest.getInstance("SHA-512").digest(spki))).matches(certificate)).isTrue();
        assertThat(record("3 0 0 " + hex.formatHex(whole)).matches(certificate)).isTrue();
        assertThat(record("3 0 1 " + hex.formatHex(MessageDigest.getInstance("SHA-256").digest(whole))).matches(certificate)).isTrue();
        assertThat(record("3 0 1 " + hex.formatHex(MessageDigest.getInstance("SHA-256").digest(spki))).matches(certificate))
            .as("the key's digest is not the certificate's").isFalse();
        assertThat(record("3 1 1 " + "0a".repeat(32)).matches(certificate)).isFalse();
    }

    private static TlsaRecord record(String text) {
        return TlsaRecord.parse(text).orElseThrow();
    }

    private static X509Certificate selfSigned(Path directory) throws Exception {
        Path store = directory.resolve("k.p12");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-alias", "k", "-keyalg", "EC", "-dname", "CN=mx.example", "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", "changeit").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        return (X509Certificate) keys.getCertificate("k");
    }

    /** RFC 7672 3.2.3: a wildcard stands for the whole leftmost label of the reference name, and only that. */
    @Test
    void namesMatchExactlyOrByALeftmostWildcard() {
        assertThat(DaneTrustManager.matches("mx.example.com", "mx.example.com")).isTrue();
        assertThat(DaneTrustManager.matches("mx.example.com.", "mx.example.com")).isTrue();
        assertThat(DaneTrustManager.matches("*.example.com", "mx.example.com")).isTrue();
        assertThat(DaneTrustManager.matches("*.example.com", "a.mx.example.com")).isFalse();
        assertThat(DaneTrustManager.matches("*.example.com", "example.com")).isFalse();
        assertThat(DaneTrustManager.matches("mx.example.org", "mx.example.com")).isFalse();
    }
}
