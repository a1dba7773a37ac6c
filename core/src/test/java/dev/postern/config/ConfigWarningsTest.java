package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConfigWarningsTest {
    @Test
    void relayDomainsWithoutRelayRecipientMapsWarnOfBackscatter() throws Exception {
        List<String> warnings = ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example",
            "relay_domains = relayed.example, hash:conf/relay_domains"));

        assertThat(warnings).singleElement().asString()
            .startsWith("relay_domains is set (relayed.example, hash:conf/relay_domains) but relay_recipient_maps is empty:")
            .contains("backscatter")
            .endsWith("in relay_recipient_maps");
    }

    @Test
    void relayRecipientMapsSilenceTheWarning() throws Exception {
        assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example", "relay_domains = relayed.example",
            "relay_recipient_maps = texthash:conf/relay_recipients"))).isEmpty();
    }

    @Test
    void noRelayDomainsNoWarning() throws Exception {
        assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example"))).isEmpty();
    }

    @Test
    void relayDomainsThatAreAlsoLocalDoNotCount() throws Exception {
        // Postfix's old default, relay_domains = $mydestination: those domains are of the local class.
        assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example", "relay_domains = $mydestination")))
            .isEmpty();
        assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example",
            "relay_domains = $mydestination, relayed.example"))).singleElement().asString()
            .startsWith("relay_domains is set (relayed.example) but");
    }

    @Test
    void daneSaysItRunsAsMayWithoutDnssec() throws Exception {
        assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example", "smtp_tls_security_level = dane")))
            .singleElement().asString()
            .startsWith("smtp_tls_security_level = dane needs smtp_dns_support_level = dnssec")
            .contains("opportunistic TLS (as level may)");
    }

    @Test
    void theDaneLevelsWithDnssecWarnOfNothing() throws Exception {
        for (String level : List.of("dane", "dane-only")) {
            assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example", "smtp_tls_security_level = " + level,
                "smtp_dns_support_level = dnssec"))).as(level).isEmpty();
        }
    }

    @Test
    void onlyTheLevelThatDefersEverythingSaysSo() throws Exception {
        assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example", "smtp_tls_security_level = dane-only")))
            .singleElement().asString().startsWith("smtp_tls_security_level = dane-only needs smtp_dns_support_level = dnssec")
            .contains("deferred");
        assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example", "smtp_tls_security_level = fingerprint")))
            .as("fingerprint is implemented").isEmpty();
        assertThat(ConfigWarnings.of(TestConfigs.parse("myhostname = mx.example", "smtp_tls_security_level = verify")))
            .isEmpty();
    }
}
