package dev.postern.delivery.smtp.sts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities MTA-STS trusts, for the policy server and the MX hosts alike:
 * those of smtp_tls_CAfile, or the JVM's trust store when it is empty (the WebPKI, as RFC 8461
 * §4.2 asks).
 */
public final class StsTrust {
    private final X509TrustManager pkix;

    private StsTrust(X509TrustManager pkix) {
        this.pkix = pkix;
    }

    /** @throws IllegalArgumentException naming smtp_tls_CAfile when it cannot be read */
    public static StsTrust fromCaFile(String caFile) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(caFile.isEmpty() ? null : store(caFile));
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return new StsTrust(x509);
                }
            }
            throw new IllegalStateException("no X.509 trust manager in " + factory.getAlgorithm());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("smtp_tls_CAfile: " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore store(String caFile) throws GeneralSecurityException {
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
        return store;
    }

    /** Checks a chain against the trusted authorities (not the host name). */
    X509TrustManager pkix() {
        return pkix;
    }

    /** A context verifying servers against these authorities, for the policy fetch. */
    SSLContext httpsContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {pkix}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS context: " + e.getMessage(), e);
        }
    }
}
