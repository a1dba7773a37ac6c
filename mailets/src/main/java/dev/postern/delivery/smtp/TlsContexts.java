package dev.postern.delivery.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The socket factories of the TLS levels: "may" and "encrypt" encrypt without authenticating the
 * server (opportunistic TLS, as Postfix does: an unverified certificate is still better than
 * plain text), "verify" and "secure" trust smtp_tls_CAfile, or the JVM's trust store when it is
 * empty.
 */
final class TlsContexts {
    private TlsContexts() {
    }

    static SSLSocketFactory forLevel(TlsLevel level, String caFile) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager[] trust = level.verifies() ? verifying(caFile) : new TrustManager[] {new AnyCertificate()};
            context.init(null, trust, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("smtp_tls_security_level " + level + ": no TLS context: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] verifying(String caFile) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile.isEmpty()) {
            factory.init((KeyStore) null);
            return factory.getTrustManagers();
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            store.load(null, null);
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("smtp_tls_CAfile: no certificate in " + caFile);
            }
            int i = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("smtp_tls_CAfile: cannot read " + caFile + ": " + e.getMessage(), e);
        }
        factory.init(store);
        return factory.getTrustManagers();
    }

    /** Accepts any server certificate: the levels that encrypt without authenticating. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
