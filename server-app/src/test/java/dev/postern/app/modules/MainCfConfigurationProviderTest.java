package dev.postern.app.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.PosternHome;
import dev.postern.config.MainCf;

class MainCfConfigurationProviderTest {
    private static final Path SMTPSERVER_XML = Path.of("../conf/smtpserver.xml");

    @TempDir
    Path home;

    private HierarchicalConfiguration<ImmutableNode> smtpserver(List<String> mainCfLines, String xml) throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", mainCfLines, Map.of());
        MainCfConfigurationProvider provider = new MainCfConfigurationProvider((component, level) -> {
            try (InputStream in = new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return FileConfigurationProvider.getConfig(in);
            } catch (java.io.IOException e) {
                throw new ConfigurationException(e);
            }
        }, mainCf, PosternHome.of(home));
        return provider.getConfiguration("smtpserver");
    }

    @Test
    void listenerSettingsComeFromMainCf() throws Exception {
        HierarchicalConfiguration<ImmutableNode> config = smtpserver(List.of(
            "myhostname = mx.example.com",
            "postern_smtpd_listen = 127.0.0.1:2500",
            "message_size_limit = 2048000",
            "mynetworks = 192.0.2.0/24, [::1]/128"), Files.readString(SMTPSERVER_XML));

        assertThat(config.getString("smtpserver(0).bind")).isEqualTo("127.0.0.1:2500");
        assertThat(config.getString("smtpserver(0).helloName")).isEqualTo("mx.example.com");
        assertThat(config.getString("smtpserver(0).smtpGreeting")).isEqualTo("mx.example.com ESMTP Postern");
        assertThat(config.getString("smtpserver(0).maxmessagesize")).isEqualTo("2000");
        assertThat(config.getString("smtpserver(0).authorizedAddresses")).isEqualTo("192.0.2.0/24, 0:0:0:0:0:0:0:1/128");
    }

    @Test
    void theShippedSubmissionListenersGetTlsAndAuthFromTheirOverrides() throws Exception {
        HierarchicalConfiguration<ImmutableNode> config = smtpserver(List.of("myhostname = mx.example.com"),
            Files.readString(SMTPSERVER_XML));

        assertThat(config.getString("smtpserver(0).jmxName")).isEqualTo("smtpserver");
        assertThat(config.getBoolean("smtpserver(0).tls[@startTLS]")).as("MX: STARTTLS at level may").isTrue();
        assertThat(config.getString("smtpserver(0).auth.announce")).isEqualTo("never");
        assertThat(config.getString("smtpserver(1).jmxName")).isEqualTo("submission");
        assertThat(config.getBoolean("smtpserver(1).tls[@startTLS]")).isTrue();
        assertThat(config.getString("smtpserver(1).auth.announce")).isEqualTo("always");
        assertThat(config.getBoolean("smtpserver(1).auth.requireSSL")).isTrue();
        assertThat(config.getString("smtpserver(1).authorizedAddresses")).as("submission's own empty mynetworks").isNull();
        assertThat(config.getString("smtpserver(2).jmxName")).isEqualTo("submissions");
        assertThat(config.getBoolean("smtpserver(2).tls[@socketTLS]")).isTrue();
        assertThat(config.getBoolean("smtpserver(2).tls[@startTLS]")).isFalse();
        assertThat(config.getString("smtpserver(2).tls.certificates")).isEqualTo("file://" + home.resolve("var/tls/postern-cert.pem"));
        assertThat(home.resolve("var/tls/postern-key.pem")).isRegularFile();
    }

    @Test
    void everyTlsListenerOffersForwardSecretSuitesOnly() throws Exception {
        HierarchicalConfiguration<ImmutableNode> config = smtpserver(List.of("myhostname = mx.example.com"),
            Files.readString(SMTPSERVER_XML));

        for (int listener = 0; listener < 3; listener++) {
            assertThat(config.getStringArray("smtpserver(" + listener + ").tls.supportedCipherSuites.cipherSuite"))
                .as("listener " + config.getString("smtpserver(" + listener + ").jmxName"))
                .contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256")
                .noneMatch(suite -> suite.startsWith("TLS_RSA_"));
        }
    }

    @Test
    void tlsLevelNoneTurnsStartTlsOff() throws Exception {
        HierarchicalConfiguration<ImmutableNode> config = smtpserver(List.of("smtpd_tls_security_level = none"),
            Files.readString(SMTPSERVER_XML));

        assertThat(config.getBoolean("smtpserver(0).tls[@startTLS]", false)).isFalse();
        assertThat(config.getBoolean("smtpserver(1).tls[@startTLS]")).as("the submission override says encrypt").isTrue();
    }

    @Test
    void overridesApplyToTheirListenerOnly() throws Exception {
        MainCfConfigurationProvider provider = new MainCfConfigurationProvider((component, level) -> {
            try (InputStream in = Files.newInputStream(SMTPSERVER_XML)) {
                return FileConfigurationProvider.getConfig(in);
            } catch (java.io.IOException e) {
                throw new ConfigurationException(e);
            }
        }, MainCf.parse("main.cf", List.of("mynetworks = 10.0.0.0/8", "postern_submissions_listen ="), Map.of()),
            PosternHome.of(home));

        dev.postern.config.SmtpdListeners listeners = provider.listeners();

        assertThat(listeners.all()).extracting(dev.postern.config.SmtpdListeners.Listener::name)
            .containsExactly("smtpserver", "submission");
        assertThat(listeners.atPort(2525).orElseThrow().mainCf().get("mynetworks")).isEqualTo("10.0.0.0/8");
        assertThat(listeners.atPort(2587).orElseThrow().mainCf().get("mynetworks")).isEmpty();
        assertThat(listeners.atPort(2587).orElseThrow().mainCf().get("smtpd_relay_restrictions"))
            .isEqualTo("permit_sasl_authenticated, reject");
        assertThat(listeners.atPort(2587).orElseThrow().mainCf().get("syslog_name")).isEqualTo("postern/submission");
    }

    @Test
    void anOverrideWithoutAnEqualsSignIsAnError() {
        assertThatThrownBy(() -> smtpserver(List.of(),
            "<smtpservers><smtpserver><jmxName>submission</jmxName><override>smtpd_tls_auth_only</override></smtpserver></smtpservers>"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessage("smtpserver.xml: listener submission: <override>smtpd_tls_auth_only</override>: expected name = value,"
                + " as master.cf's -o name=value");
    }

    @Test
    void anEmptyListenAddressDisablesTheListener() throws Exception {
        HierarchicalConfiguration<ImmutableNode> config = smtpserver(List.of("postern_smtpd_listen ="),
            Files.readString(SMTPSERVER_XML));

        assertThat(config.getBoolean("smtpserver(0)[@enabled]")).isFalse();
    }

    @Test
    void anUnknownListenerNameIsAnError() {
        assertThatThrownBy(() -> smtpserver(List.of(),
            "<smtpservers><smtpserver><jmxName>mx2</jmxName></smtpserver></smtpservers>"))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("smtpserver.xml: listener 1 has jmxName \"mx2\"");
    }

    @Test
    void ipv6ListenAddressesAreRefusedNamingTheParameter() {
        assertThatThrownBy(() -> smtpserver(List.of("postern_smtpd_listen = [::1]:2525"), Files.readString(SMTPSERVER_XML)))
            .hasMessageStartingWith("postern_smtpd_listen: IPv6 listen addresses are not supported");
    }
}
