package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;

/**
 * Issue 14 item 8: the listeners offer forward-secret suites only. A client that can do nothing but
 * static RSA key exchange gets no handshake (OpenSSL's {@code AES128-SHA256} after STARTTLS on the MX
 * listener, Java's {@code TLS_RSA_WITH_AES_128_GCM_SHA256} on the implicit-TLS listener), while ECDHE
 * and TLS 1.3 work.
 */
class TlsCipherSuitesIT {
    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void staticRsaSuitesAreRefusedAndForwardSecretOnesWork() throws Exception {
        PosternProcess server = postern.newServer().myhostname("mx.tls-it.test").start();

        String rsa = sClient(server.smtpPort(), "-tls1_2", "-cipher", "AES128-SHA256");
        assertThat(rsa).as("openssl s_client -starttls smtp -tls1_2 -cipher AES128-SHA256")
            .doesNotContain("Cipher is AES128-SHA256").contains("handshake failure");
        assertThat(sClient(server.smtpPort(), "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"))
            .contains("Cipher is ECDHE-RSA-AES128-GCM-SHA256");

        assertThatThrownBy(() -> implicitTls(server.submissionsPort(), "TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"))
            .isInstanceOf(SSLHandshakeException.class);
        assertThat(implicitTls(server.submissionsPort(), "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
            .startsWith("220 ");
        assertThat(implicitTls(server.submissionsPort(), "TLSv1.3", "TLS_AES_128_GCM_SHA256")).startsWith("220 ");
    }

    /** What {@code openssl s_client -starttls smtp} prints, standard output and error together. */
    private static String sClient(int port, String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
            "-starttls", "smtp"));
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }

    /** Connects with TLS from the first byte offering one protocol and one suite; returns the greeting. */
    private static String implicitTls(int port, String protocol, String suite) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustEverything()}, null);
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            plain.setSoTimeout(30_000);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
                tls.setEnabledProtocols(new String[] {protocol});
                tls.setEnabledCipherSuites(new String[] {suite});
                tls.startHandshake();
                return readLine(tls.getInputStream());
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).strip();
    }

    /** The server's certificate is self-signed: what is tested is the key exchange, not the identity. */
    private static final class TrustEverything implements X509TrustManager {
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
