package dev.postern.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;

class ServerCertificateTest {
    /** A server without a certificate (anonymous cipher suites): enough for may and encrypt, never for more. */
    @Test
    void anAnonymousServerIsRefusedFromFingerprintUp() {
        ServerCertificate none = new ServerCertificate(new X509Certificate[0], "sha256");
        X509TrustManager unused = null;
        for (TlsLevel level : List.of(TlsLevel.MAY, TlsLevel.ENCRYPT, TlsLevel.DANE)) {
            assertThat(none.judge(TlsPolicy.of(level), unused, "mx.example.com", "example.com", "mx[192.0.2.1]"))
                .isEqualTo(new ServerCertificate.Verdict(ServerCertificate.Trust.ANONYMOUS, Optional.empty()));
        }
        for (TlsLevel level : List.of(TlsLevel.FINGERPRINT, TlsLevel.VERIFY, TlsLevel.SECURE)) {
            assertThat(none.judge(TlsPolicy.of(level), unused, "mx.example.com", "example.com", "mx[192.0.2.1]").failure())
                .contains("Server certificate not verified: host mx[192.0.2.1] sent no certificate");
        }
    }

    @Test
    void strategiesBecomeNames() {
        assertThat(ServerCertificate.patterns(List.of("hostname", "nexthop", "dot-nexthop", "MX.Example.net", ".example.org"),
            "mx1.example.com", "example.com"))
            .containsExactly("mx1.example.com", "example.com", ".example.com", "mx.example.net", ".example.org");
    }

    @Test
    void anExactPatternTakesTheSameNameOrAOneLabelWildcard() {
        assertThat(ServerCertificate.matches("mx.example.com", "mx.example.com")).isTrue();
        assertThat(ServerCertificate.matches("MX.example.com", "mx.example.com")).isTrue();
        assertThat(ServerCertificate.matches("*.example.com", "mx.example.com")).isTrue();
        assertThat(ServerCertificate.matches("*.example.com", "a.mx.example.com")).isFalse();
        assertThat(ServerCertificate.matches("*.example.com", "example.com")).isFalse();
        assertThat(ServerCertificate.matches("mx.example.com", "example.com")).isFalse();
    }

    @Test
    void aDotPatternTakesAnySubdomainButNotTheDomain() {
        assertThat(ServerCertificate.matches("mx.example.com", ".example.com")).isTrue();
        assertThat(ServerCertificate.matches("a.b.example.com", ".example.com")).isTrue();
        assertThat(ServerCertificate.matches("*.example.com", ".example.com")).isTrue();
        assertThat(ServerCertificate.matches("example.com", ".example.com")).isFalse();
        assertThat(ServerCertificate.matches("badexample.com", ".example.com")).isFalse();
    }

    @Test
    void digestsHavePostfixsNames() {
        assertThat(ServerCertificate.javaDigest("SHA256")).isEqualTo("SHA-256");
        assertThat(ServerCertificate.javaDigest("md5")).isEqualTo("MD5");
        assertThatThrownBy(() -> ServerCertificate.javaDigest("sha3")).hasMessageContaining("smtp_tls_fingerprint_digest");
    }

    @Test
    void protocolListsInPostfixsSyntax() {
        assertThat(TlsProtocols.parse("p", ">=TLSv1.2")).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(TlsProtocols.parse("p", "!SSLv2, !SSLv3 !TLSv1")).containsExactly("TLSv1.1", "TLSv1.2", "TLSv1.3");
        assertThat(TlsProtocols.parse("p", "TLSv1.2:TLSv1.3")).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(TlsProtocols.parse("p", ">=TLSv1 <=TLSv1.2 !TLSv1.1")).isEqualTo(Set.of("TLSv1", "TLSv1.2"));
        assertThat(TlsProtocols.enabled("p", ">=TLSv1.3", new String[] {"TLSv1.3", "TLSv1.2"})).containsExactly("TLSv1.3");
    }

    @Test
    void exclusionsTakeOpensslPartsAndJavaNames() {
        String[] suites = {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_GCM_SHA384"};
        assertThat(TlsCiphers.enabled(List.of("AES256", "CHACHA20"), suites))
            .containsExactly("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        assertThat(TlsCiphers.enabled(List.of("SHA1", "kRSA"), suites))
            .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");
        assertThat(TlsCiphers.enabled(List.of("tls_aes_128_gcm_sha256"), suites)).doesNotContain("TLS_AES_128_GCM_SHA256");
    }
}
