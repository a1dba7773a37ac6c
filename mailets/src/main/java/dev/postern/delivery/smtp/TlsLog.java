package dev.postern.delivery.smtp;

import java.security.GeneralSecurityException;
import java.util.function.Consumer;

import javax.net.ssl.SSLSession;

/**
 * The SMTP client's TLS lines in the mail log, as smtp_tls_loglevel asks: none at 0 (Postfix's
 * default); at 1 and up the summary of each handshake, {@code Verified TLS connection established
 * to mx.example.com[192.0.2.1]:25: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)}
 * (Anonymous, Untrusted, Trusted or Verified, as far as the server was authenticated); at 2 and
 * up also the server certificate's names and fingerprints, which is how an administrator finds
 * the value of a {@code fingerprint} policy's {@code match=}.
 */
final class TlsLog {
    private final int level;
    private final Consumer<String> sink;

    /** @param sink takes a line without the syslog prefix ({@code smtp[pid]: } is the mail log's) */
    TlsLog(int level, Consumer<String> sink) {
        this.level = level;
        this.sink = sink;
    }

    void established(Target target, SSLSession session, ServerCertificate.Trust trust) {
        if (level < 1) {
            return;
        }
        String suite = session.getCipherSuite();
        int bits = bits(suite);
        sink.accept(trust.word() + " TLS connection established to " + target.relay() + ": " + session.getProtocol()
            + " with cipher " + suite + " (" + bits + "/" + bits + " bits)");
    }

    void certificate(Target target, ServerCertificate certificate) {
        if (level < 2) {
            return;
        }
        String fingerprints;
        try {
            fingerprints = "cert_fingerprint=" + certificate.certificateFingerprint() + ", pkey_fingerprint="
                + certificate.publicKeyFingerprint();
        } catch (GeneralSecurityException e) {
            fingerprints = "fingerprint unavailable: " + e.getMessage();
        }
        sink.accept(target.relay() + ": subject_CN=" + certificate.commonName().orElse("") + ", issuer_CN="
            + certificate.issuerCommonName().orElse("") + ", names=" + String.join(" ", certificate.names()) + ", "
            + fingerprints);
    }

    /** The symmetric key size named in a Java suite name. */
    static int bits(String suite) {
        if (suite.contains("AES_256") || suite.contains("CHACHA20") || suite.contains("CAMELLIA_256")) {
            return 256;
        }
        if (suite.contains("AES_128") || suite.contains("CAMELLIA_128")) {
            return 128;
        }
        if (suite.contains("3DES")) {
            return 168;
        }
        return 0;
    }
}
