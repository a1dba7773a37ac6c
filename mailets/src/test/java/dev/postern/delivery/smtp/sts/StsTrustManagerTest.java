package dev.postern.delivery.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.delivery.smtp.tlsrpt.ResultType;

/** The certificate checks of RFC 8461 §4.2 and their RFC 8460 result types, with certificates made by keytool. */
class StsTrustManagerTest {
    @TempDir
    Path directory;

    @Test
    void aTrustedCurrentCertificateNamingTheHostVerifiesAnythingElseHasItsResultType() throws Exception {
        Path pem = certificate("good", "dns:mx1.example.com,dns:*.mx.example.com", "-validity", "2");
        X509Certificate[] chain = {read(pem)};
        StsTrust trust = StsTrust.fromCaFile(pem.toString());
        StsTrustManager judge = new StsTrustManager(trust.pkix(), true, (h, v) -> { });

        assertThat(judge.judge(chain, "RSA", "MX1.example.com").failure()).isEmpty();
        assertThat(judge.judge(chain, "RSA", "a.mx.example.com").failure()).isEmpty();
        assertThat(judge.judge(chain, "RSA", "a.b.mx.example.com").failure()).contains(ResultType.CERTIFICATE_HOST_MISMATCH);
        assertThat(judge.judge(chain, "RSA", "mx2.example.com").failure()).contains(ResultType.CERTIFICATE_HOST_MISMATCH);

        StsTrustManager jvmTrust = new StsTrustManager(StsTrust.fromCaFile("").pkix(), true, (h, v) -> { });
        assertThat(jvmTrust.judge(chain, "RSA", "mx1.example.com").failure()).contains(ResultType.CERTIFICATE_NOT_TRUSTED);

        Path old = certificate("old", "dns:mx1.example.com", "-startdate", "-10d", "-validity", "2");
        StsTrustManager oldTrust = new StsTrustManager(StsTrust.fromCaFile(old.toString()).pkix(), true, (h, v) -> { });
        assertThat(oldTrust.judge(new X509Certificate[] {read(old)}, "RSA", "mx1.example.com").failure())
            .contains(ResultType.CERTIFICATE_EXPIRED);
    }

    @Test
    void enforceFailsTheHandshakeTestingOnlyTellsTheVerdict() throws Exception {
        Path pem = certificate("good", "dns:mx1.example.com", "-validity", "2");
        X509Certificate[] chain = {read(pem)};
        List<String> verdicts = new ArrayList<>();
        StsTrust trust = StsTrust.fromCaFile(pem.toString());

        StsTrustManager enforce = new StsTrustManager(trust.pkix(), true,
            (h, v) -> verdicts.add(h + " " + v.failure().map(ResultType::keyword).orElse("ok")));
        assertThatThrownBy(() -> enforce.checkServerTrusted(chain, "RSA")).isInstanceOf(CertificateException.class)
            .hasMessageContaining("MTA-STS: certificate does not name MX host");
        StsTrustManager testing = new StsTrustManager(trust.pkix(), false,
            (h, v) -> verdicts.add(h + " " + v.failure().map(ResultType::keyword).orElse("ok")));
        testing.checkServerTrusted(chain, "RSA");

        assertThat(verdicts).containsExactly(" certificate-host-mismatch", " certificate-host-mismatch");
        assertThat(new StsTrustManager.Verdict(Optional.empty(), "verified")).isEqualTo(StsTrustManager.Verdict.VERIFIED);
    }

    private Path certificate(String name, String san, String... validity) throws Exception {
        Path store = directory.resolve(name + ".p12");
        Path pem = directory.resolve(name + ".pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> generate = new ArrayList<>(List.of(keytool, "-genkeypair", "-alias", "mx", "-keyalg", "RSA",
            "-keysize", "2048", "-dname", "CN=" + name, "-ext", "SAN=" + san, "-storetype", "PKCS12",
            "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit"));
        generate.addAll(List.of(validity));
        run(generate);
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "mx", "-keystore", store.toString(), "-storepass", "changeit",
            "-file", pem.toString()));
        return pem;
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
