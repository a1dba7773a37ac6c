package dev.postern.delivery.smtp;

import static dev.postern.delivery.smtp.Fixtures.parameters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsContextsTest {
    @TempDir
    Path files;

    private static TlsContexts contexts(String... mainCf) throws Exception {
        return TlsContexts.from(TlsSettings.from(parameters(mainCf)));
    }

    @Test
    void theHandshakeGetsThePolicysProtocolsCiphersAndSniName() throws Exception {
        TlsPolicy policy = new TlsPolicy(TlsLevel.ENCRYPT, List.of(), "smtp.example.net", "medium", ">=TLSv1.3",
            List.of("AES256"));
        SSLParameters parameters = contexts().parameters(policy, Target.tcp("mx.example.com", "192.0.2.1", 25, "example.com"));

        assertThat(parameters.getProtocols()).containsExactly("TLSv1.3");
        assertThat(parameters.getCipherSuites()).isNotEmpty().noneMatch(s -> s.contains("AES_256"));
        assertThat(parameters.getServerNames()).containsExactly(new SNIHostName("smtp.example.net"));
        assertThat(parameters.getEndpointIdentificationAlgorithm()).as("names are matched by the policy").isNull();
    }

    @Test
    void noSniNameForAnAddress() throws Exception {
        SSLParameters parameters = contexts().parameters(TlsPolicy.of(TlsLevel.MAY),
            Target.tcp("192.0.2.1", "192.0.2.1", 25, "[192.0.2.1]"));

        assertThat(parameters.getServerNames()).isNullOrEmpty();
    }

    @Test
    void aPolicyThatLeavesNoProtocolSaysSo() throws Exception {
        TlsPolicy policy = new TlsPolicy(TlsLevel.ENCRYPT, List.of(), "", "medium", "SSLv3", List.of());
        assertThatThrownBy(() -> contexts().parameters(policy, Target.tcp("mx", "192.0.2.1", 25, "mx")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("TLS protocols \"SSLv3\" leave no protocol this Java enables");
    }

    @Test
    void missingFilesNameTheParameter() throws Exception {
        assertThatThrownBy(() -> contexts("smtp_tls_cert_file = " + files.resolve("none.pem")))
            .hasMessageStartingWith("smtp_tls_cert_file: cannot read " + files.resolve("none.pem"));
        assertThatThrownBy(() -> contexts("smtp_tls_CAfile = " + files.resolve("none.pem")))
            .hasMessageStartingWith("smtp_tls_CAfile: cannot read " + files.resolve("none.pem"));
        assertThatThrownBy(() -> contexts("smtp_tls_CApath = " + files.resolve("nodir")))
            .hasMessage("smtp_tls_CApath: " + files.resolve("nodir") + " is not a directory");
    }

    @Test
    void aCertificateWithoutItsKeyIsRefused() throws Exception {
        TestPki ca = TestPki.create(files, "ca");
        TestPki.Issued client = ca.issue("client.test");
        assertThat(Files.readString(client.pkcs1Key())).as("the PKCS#1 form is what is tested")
            .startsWith("-----BEGIN RSA PRIVATE KEY-----");

        assertThatThrownBy(() -> contexts("smtp_tls_cert_file = " + client.certPem()))
            .hasMessage("smtp_tls_key_file: no PEM private key (PRIVATE KEY or RSA PRIVATE KEY)");
        Path emptyCa = Files.writeString(files.resolve("empty.pem"), "nothing\n");
        assertThatThrownBy(() -> contexts("smtp_tls_CAfile = " + emptyCa))
            .hasMessage("smtp_tls_CAfile: no certificate in " + emptyCa);
    }
}
