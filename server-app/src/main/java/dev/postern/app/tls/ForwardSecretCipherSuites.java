package dev.postern.app.tls;

import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;

/**
 * The cipher suites the SMTP listeners offer: only those with forward secrecy, TLS 1.3's and the
 * (EC)DHE key exchanges of TLS 1.2. A static-RSA suite ({@code TLS_RSA_WITH_...}, OpenSSL's
 * {@code AES128-SHA256}) lets whoever gets the server key later decrypt every recorded session; the
 * JVM still enables them by default. The signalling suite {@code TLS_EMPTY_RENEGOTIATION_INFO_SCSV}
 * is kept for clients that send it instead of the renegotiation_info extension.
 */
public final class ForwardSecretCipherSuites {
    private static final String RENEGOTIATION_SCSV = "TLS_EMPTY_RENEGOTIATION_INFO_SCSV";

    private ForwardSecretCipherSuites() {
    }

    /** The JVM's default suites that have forward secrecy, in the JVM's order of preference. */
    public static List<String> jvmDefaults() {
        try {
            return of(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }

    static List<String> of(String[] suites) {
        return Arrays.stream(suites).filter(ForwardSecretCipherSuites::isForwardSecret).toList();
    }

    static boolean isForwardSecret(String suite) {
        if (suite.contains("_anon_") || suite.contains("_NULL_")) {
            return false;
        }
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_") // TLS 1.3: always ephemeral
            || suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_")
            || suite.equals(RENEGOTIATION_SCSV);
    }
}
