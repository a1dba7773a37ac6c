package dev.postern.delivery.smtp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import dev.postern.address.HostSyntax;

/**
 * The SMTP client's TLS material, read once when the courier is built: one socket factory (with
 * the client certificate of smtp_tls_cert_file/smtp_tls_key_file or smtp_tls_chain_files) whose
 * handshake accepts any server certificate, the trust manager of smtp_tls_CAfile and
 * smtp_tls_CApath (the JVM's trust store when both are empty) that {@link ServerCertificate}
 * judges the chain with after the handshake, and the per-policy protocols, ciphers and SNI name.
 */
final class TlsContexts {
    private static final Pattern PEM = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private final SSLSocketFactory factory;
    private final SSLParameters jvmDefaults;
    private final X509TrustManager authorities;

    private TlsContexts(SSLSocketFactory factory, SSLParameters jvmDefaults, X509TrustManager authorities) {
        this.factory = factory;
        this.jvmDefaults = jvmDefaults;
        this.authorities = authorities;
    }

    /** @throws IllegalArgumentException naming the parameter whose file is missing or unusable */
    static TlsContexts from(TlsSettings settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(clientKeys(settings), new TrustManager[] {new AnyCertificate()}, null);
            return new TlsContexts(context.getSocketFactory(), context.getDefaultSSLParameters(),
                authorities(settings.caFile(), settings.caPath()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SMTP client TLS: no TLS context: " + e.getMessage(), e);
        }
    }

    SSLSocketFactory socketFactory() {
        return factory;
    }

    /**
     * The trust anchors a server of {@code target} is judged by under {@code policy}: the CAs of
     * smtp_tls_CAfile and smtp_tls_CApath. A DANE-authenticated connection is judged by its
     * TLSA records instead ({@link SmtpClientSession.Tls#trustManager}).
     */
    X509TrustManager trustManager(TlsPolicy policy, Target target) {
        return authorities;
    }

    /**
     * The protocols, cipher suites and SNI name for one handshake under {@code policy}.
     *
     * @throws IllegalArgumentException when the policy leaves no protocol or no cipher suite
     */
    SSLParameters parameters(TlsPolicy policy, Target target) {
        SSLParameters parameters = copy(jvmDefaults);
        String[] protocols = TlsProtocols.enabled("protocols", policy.protocols(), jvmDefaults.getProtocols());
        if (protocols.length == 0) {
            throw new IllegalArgumentException("TLS protocols \"" + policy.protocols() + "\" leave no protocol this"
                + " Java enables (" + String.join(", ", jvmDefaults.getProtocols()) + ")");
        }
        String[] suites = TlsCiphers.enabled(policy.exclude(), jvmDefaults.getCipherSuites());
        if (suites.length == 0) {
            throw new IllegalArgumentException("TLS cipher exclusions " + policy.exclude() + " leave no cipher suite");
        }
        parameters.setProtocols(protocols);
        parameters.setCipherSuites(suites);
        Optional<String> sni = policy.sniName(target).filter(name -> !HostSyntax.isValidHostAddress(name));
        sni.ifPresent(name -> parameters.setServerNames(List.of(new SNIHostName(name))));
        return parameters;
    }

    private static SSLParameters copy(SSLParameters original) {
        SSLParameters copy = new SSLParameters(original.getCipherSuites(), original.getProtocols());
        copy.setEndpointIdentificationAlgorithm(null);
        return copy;
    }

    private static X509TrustManager authorities(String caFile, String caPath) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile.isEmpty() && caPath.isEmpty()) {
            factory.init((KeyStore) null);
            return x509(factory.getTrustManagers());
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make an empty key store", e);
        }
        int count = 0;
        if (!caFile.isEmpty()) {
            List<X509Certificate> certificates = certificates("smtp_tls_CAfile", Path.of(caFile));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("smtp_tls_CAfile: no certificate in " + caFile);
            }
            for (X509Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + count++, certificate);
            }
        }
        if (!caPath.isEmpty()) {
            for (Path file : directory("smtp_tls_CApath", Path.of(caPath))) {
                for (X509Certificate certificate : certificates("smtp_tls_CApath", file)) {
                    store.setCertificateEntry("ca-" + count++, certificate);
                }
            }
        }
        factory.init(store);
        return x509(factory.getTrustManagers());
    }

    /** The regular files of a CA directory (c_rehash's links and the certificates they point to). */
    private static List<Path> directory(String parameter, Path path) {
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException(parameter + ": " + path + " is not a directory");
        }
        try (Stream<Path> files = Files.list(path)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JVM has no X.509 trust manager");
    }

    /** The PEM certificates of a file; a file without any (a CApath's stray file) gives none. */
    private static List<X509Certificate> certificates(String parameter, Path file) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Pem block : pem(parameter, file)) {
                if (block.type().equals("CERTIFICATE") || block.type().equals("TRUSTED CERTIFICATE")) {
                    for (Certificate c : factory.generateCertificates(new ByteArrayInputStream(block.der()))) {
                        certificates.add((X509Certificate) c);
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(parameter + ": " + file + ": bad certificate: " + e.getMessage(), e);
        }
        return certificates;
    }

    private record Pem(String type, byte[] der) {
    }

    private static List<Pem> pem(String parameter, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        List<Pem> blocks = new ArrayList<>();
        Matcher matcher = PEM.matcher(text);
        while (matcher.find()) {
            blocks.add(new Pem(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
        }
        return blocks;
    }

    /**
     * The client certificate and key: smtp_tls_chain_files (each file a key and its chain), or
     * smtp_tls_cert_file (the chain) with smtp_tls_key_file; none when all are empty.
     */
    private static KeyManager[] clientKeys(TlsSettings settings) throws GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        String keyParameter;
        if (!settings.chainFiles().isEmpty()) {
            keyParameter = "smtp_tls_chain_files";
            for (String file : settings.chainFiles()) {
                chain.addAll(certificates(keyParameter, Path.of(file)));
                key = key != null ? key : privateKey(keyParameter, Path.of(file)).orElse(null);
            }
        } else if (!settings.certFile().isEmpty()) {
            chain.addAll(certificates("smtp_tls_cert_file", Path.of(settings.certFile())));
            keyParameter = "smtp_tls_key_file";
            String keyFile = settings.keyFile().isEmpty() ? settings.certFile() : settings.keyFile();
            key = privateKey(keyParameter, Path.of(keyFile)).orElse(null);
        } else {
            return null;
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(keyParameter.replace("key_file", "cert_file") + ": no PEM certificate");
        }
        if (key == null) {
            throw new IllegalArgumentException(keyParameter + ": no PEM private key (PRIVATE KEY or RSA PRIVATE KEY)");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make an empty key store", e);
        }
        store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, NO_PASSWORD);
        return keys.getKeyManagers();
    }

    /** An unencrypted PKCS#8 key ({@code PRIVATE KEY}: RSA, EC, Ed25519) or a PKCS#1 RSA key. */
    private static Optional<PrivateKey> privateKey(String parameter, Path file) {
        for (Pem block : pem(parameter, file)) {
            byte[] pkcs8 = switch (block.type()) {
                case "PRIVATE KEY" -> block.der();
                case "RSA PRIVATE KEY" -> rsaPkcs8(block.der());
                default -> null;
            };
            if (pkcs8 == null) {
                continue;
            }
            for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                try {
                    return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
                } catch (GeneralSecurityException e) {
                    // Try the next algorithm.
                }
            }
            throw new IllegalArgumentException(parameter + ": " + file + ": unreadable private key (an encrypted"
                + " key needs decrypting first: openssl pkey -in KEY -out KEY.pem)");
        }
        return Optional.empty();
    }

    /** Wraps a PKCS#1 RSAPrivateKey in PKCS#8's PrivateKeyInfo, which Java reads. */
    private static byte[] rsaPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
            0x01, 0x05, 0x00};
        byte[] octets = der(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(algorithm);
        body.writeBytes(octets);
        return der(0x30, body.toByteArray());
    }

    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write((length >> 8) & 0xff);
            out.write(length & 0xff);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    /**
     * The handshake's trust manager: accepts any chain, so that the session is set up and its
     * certificate judged afterwards by the policy ({@link ServerCertificate}); no mail is sent
     * before that judgement.
     */
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
