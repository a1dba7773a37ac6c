package dev.postern.delivery.smtp.sts;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

import dev.postern.delivery.smtp.ServerTrustManager;

import dev.postern.delivery.smtp.tlsrpt.ResultType;

/**
 * Judges an MX host's certificate as RFC 8461 §4.2 asks: a chain to a trusted authority, valid
 * now, with a DNS subject alternative name matching the MX host name (a wildcard standing for the
 * left-most label only). Each verdict goes to a listener (for the TLS report); in enforce mode a
 * failure also fails the handshake, in testing mode the certificate is accepted anyway.
 */
final class StsTrustManager extends ServerTrustManager {
    /** The judgement of one certificate: empty failure means verified. */
    record Verdict(Optional<ResultType> failure, String detail) {
        static final Verdict VERIFIED = new Verdict(Optional.empty(), "verified");
    }

    private static final int DNS_NAME = 2;

    private final X509TrustManager pkix;
    private final boolean enforce;
    private final BiConsumer<String, Verdict> verdicts;

    /** @param verdicts told the MX host name and the verdict of each handshake */
    StsTrustManager(X509TrustManager pkix, boolean enforce, BiConsumer<String, Verdict> verdicts) {
        this.pkix = pkix;
        this.enforce = enforce;
        this.verdicts = verdicts;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        String host = socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
            ? ssl.getHandshakeSession().getPeerHost() : null;
        check(chain, authType, host);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, engine == null ? null : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null);
    }

    private void check(X509Certificate[] chain, String authType, String host) throws CertificateException {
        Verdict verdict = judge(chain, authType, host);
        verdicts.accept(host == null ? "" : host.toLowerCase(Locale.ROOT), verdict);
        if (enforce && verdict.failure().isPresent()) {
            throw new CertificateException("MTA-STS: " + verdict.detail());
        }
    }

    /**
     * This judge for the server {@code host}, as the SMTP client's post-handshake trust manager
     * (ServerCertificate calls the two-argument check, which has no socket to name the host).
     */
    X509TrustManager boundTo(String host) {
        StsTrustManager judge = this;
        return new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                judge.check(chain, authType, host);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                judge.checkClientTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return judge.getAcceptedIssuers();
            }
        };
    }

    Verdict judge(X509Certificate[] chain, String authType, String host) {
        if (chain == null || chain.length == 0) {
            return new Verdict(Optional.of(ResultType.VALIDATION_FAILURE), "no certificate");
        }
        try {
            chain[0].checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return new Verdict(Optional.of(ResultType.CERTIFICATE_EXPIRED), "certificate of " + host + " expired or not yet valid: "
                + e.getMessage());
        }
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            return new Verdict(Optional.of(ResultType.CERTIFICATE_NOT_TRUSTED), "certificate of " + host + " not trusted: "
                + e.getMessage());
        }
        if (host == null || !matchesHost(chain[0], host)) {
            return new Verdict(Optional.of(ResultType.CERTIFICATE_HOST_MISMATCH), "certificate does not name MX host " + host);
        }
        return Verdict.VERIFIED;
    }

    /** Whether a DNS subject alternative name of the certificate names {@code host}. */
    static boolean matchesHost(X509Certificate certificate, String host) {
        try {
            if (certificate.getSubjectAlternativeNames() == null) {
                return false;
            }
            for (List<?> name : certificate.getSubjectAlternativeNames()) {
                if (name.size() == 2 && Integer.valueOf(DNS_NAME).equals(name.get(0)) && name.get(1) instanceof String dns
                    && namesHost(dns, host)) {
                    return true;
                }
            }
            return false;
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /** A DNS name of a certificate against a host name; {@code *.} stands for exactly one left-most label. */
    static boolean namesHost(String dnsName, String host) {
        try {
            return new MxPattern(dnsName).matches(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }
}
