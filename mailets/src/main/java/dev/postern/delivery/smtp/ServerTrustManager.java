package dev.postern.delivery.smtp;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager of the SMTP client, which only ever judges servers: asking it about a client's
 * certificate is a programming error, refused loudly rather than answered with "trusted".
 */
public abstract class ServerTrustManager extends X509ExtendedTrustManager {
    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        refuseClient();
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        refuseClient();
    }

    @Override
    public final void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        refuseClient();
    }

    private void refuseClient() throws CertificateException {
        throw new CertificateException(getClass().getSimpleName() + " authenticates servers only");
    }
}
