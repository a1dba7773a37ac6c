package dev.postern.app.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.files.PrivateFiles;

/**
 * The server's TLS key and certificate: the files main.cf names ({@code smtpd_tls_cert_file},
 * {@code smtpd_tls_key_file}; a {@code .p12}/{@code .pfx} certificate file is a PKCS#12 store
 * holding both), or else a self-signed pair for {@code myhostname} made once under
 * {@code var/tls/} and kept, so that STARTTLS works out of the box as Debian's snakeoil
 * certificate makes it work for Postfix.
 *
 * @param certificate the PEM certificate chain, or the PKCS#12 store
 * @param key         the PEM private key; null for PKCS#12
 * @param pkcs12Password the PKCS#12 password; null for PEM
 */
public record TlsIdentity(Path certificate, Path key, String pkcs12Password) {
    private static final Logger LOGGER = LoggerFactory.getLogger(TlsIdentity.class);
    static final String SELF_SIGNED_CERT = "postern-cert.pem";
    static final String SELF_SIGNED_KEY = "postern-key.pem";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    public boolean isPkcs12() {
        return key == null;
    }

    /**
     * @param home relative file names resolve against it
     * @param tlsDirectory where a self-signed pair is kept ({@code var/tls})
     * @throws ConfigException naming the parameter whose file cannot be read, or the directory
     *                         where the self-signed pair cannot be written
     */
    public static synchronized TlsIdentity of(MainCf mainCf, Path home, Path tlsDirectory) throws ConfigException {
        String certFile = mainCf.get("smtpd_tls_cert_file").trim();
        if (certFile.isEmpty()) {
            return selfSigned(mainCf.get("myhostname"), tlsDirectory);
        }
        Path certificate = readable(mainCf, "smtpd_tls_cert_file", home.resolve(certFile));
        String lower = certFile.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".p12") || lower.endsWith(".pfx")) {
            return new TlsIdentity(certificate, null, mainCf.get("postern_smtpd_tls_pkcs12_password"));
        }
        String keyFile = mainCf.get("smtpd_tls_key_file").trim();
        if (keyFile.isEmpty()) {
            throw new ConfigException(mainCf.origin("smtpd_tls_key_file") + ": smtpd_tls_key_file: empty, but smtpd_tls_cert_file is set");
        }
        Path key = readable(mainCf, "smtpd_tls_key_file", home.resolve(keyFile));
        requirePem(mainCf, "smtpd_tls_cert_file", certificate, "CERTIFICATE");
        requirePem(mainCf, "smtpd_tls_key_file", key, "PRIVATE KEY");
        return new TlsIdentity(certificate, key, null);
    }

    private static Path readable(MainCf mainCf, String parameter, Path file) throws ConfigException {
        if (!Files.isReadable(file) || !Files.isRegularFile(file)) {
            throw new ConfigException(mainCf.origin(parameter) + ": " + parameter + ": cannot read " + file);
        }
        return file;
    }

    /** A PEM file without the expected block would fail deep in the TLS library; say so at start. */
    private static void requirePem(MainCf mainCf, String parameter, Path file, String block) throws ConfigException {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            if (!text.contains("-----BEGIN ") || !text.contains(block + "-----")) {
                throw new ConfigException(mainCf.origin(parameter) + ": " + parameter + ": " + file
                    + " holds no PEM " + block + " block");
            }
        } catch (IOException e) {
            throw new ConfigException(mainCf.origin(parameter) + ": " + parameter + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static TlsIdentity selfSigned(String hostname, Path directory) throws ConfigException {
        Path certificate = directory.resolve(SELF_SIGNED_CERT);
        Path key = directory.resolve(SELF_SIGNED_KEY);
        if (Files.isRegularFile(certificate) && Files.isRegularFile(key)) {
            return new TlsIdentity(certificate, key, null);
        }
        try {
            PrivateFiles.createDirectories(directory);
            KeyPair pair = keyPair();
            X509Certificate cert = certificate(hostname, pair);
            // The key first: a certificate without its key would be taken as a complete pair next time.
            write(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            write(certificate, pem("CERTIFICATE", cert.getEncoded()));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new ConfigException(directory + ": cannot make a self-signed TLS certificate: " + e.getMessage(), e);
        }
        LOGGER.warn("TLS: no smtpd_tls_cert_file set; made a self-signed certificate for {} in {} (clients cannot"
            + " verify it: set smtpd_tls_cert_file and smtpd_tls_key_file for a real one)", hostname, directory);
        return new TlsIdentity(certificate, key, null);
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String hostname, KeyPair pair)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name name = new X500Name("CN=" + hostname);
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
            new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(VALIDITY)), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
        return new JcaX509CertificateConverter()
            .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }

    /** Both files are made 0600 from their creation: the key must never be readable by others, even briefly. */
    private static void write(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.write(Files.createFile(temporary, PrivateFiles.fileAttributes(temporary)),
            text.getBytes(StandardCharsets.US_ASCII));
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
