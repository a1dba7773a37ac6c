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

import dev.postern.config.MainCf;

class MainCfConfigurationProviderTest {
    private static final Path SMTPSERVER_XML = Path.of("../conf/smtpserver.xml");

    private HierarchicalConfiguration<ImmutableNode> smtpserver(List<String> mainCfLines, String xml) throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", mainCfLines, Map.of());
        MainCfConfigurationProvider provider = new MainCfConfigurationProvider((component, level) -> {
            try (InputStream in = new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return FileConfigurationProvider.getConfig(in);
            } catch (java.io.IOException e) {
                throw new ConfigurationException(e);
            }
        }, mainCf);
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
