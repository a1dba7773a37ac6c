package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Per-listener overrides, Postern's master.cf {@code -o name=value}. */
class MainCfOverridesTest {
    private static final String WHERE = "smtpserver.xml: listener submission";

    @Test
    void anOverrideWinsOverMainCfAndTheEnvironmentAndIsSeenThroughReferences() throws Exception {
        MainCf cf = MainCf.parse("main.cf", List.of(
            "mynetworks = 10.0.0.0/8",
            "smtpd_recipient_restrictions = permit_mynetworks, reject",
            "relay_domains = $mydestination"), Map.of("POSTERN_mynetworks", "192.168.0.0/16"));

        MainCf listener = cf.withOverrides(Map.of("mynetworks", "127.0.0.1/32", "mydestination", "a.example"), WHERE);

        assertThat(listener.get("mynetworks")).isEqualTo("127.0.0.1/32");
        assertThat(listener.origin("mynetworks")).isEqualTo(WHERE);
        assertThat(listener.get("relay_domains")).isEqualTo("a.example");
        assertThat(listener.get("smtpd_recipient_restrictions")).isEqualTo("permit_mynetworks, reject");
        assertThat(cf.get("mynetworks")).as("the base is unchanged").isEqualTo("192.168.0.0/16");
    }

    @Test
    void overrideValuesAreExpanded() throws Exception {
        MainCf cf = MainCf.parse("main.cf", List.of("myhostname = mx.example"), Map.of());

        assertThat(cf.withOverrides(Map.of("smtpd_banner", "$myhostname submission"), WHERE).get("smtpd_banner"))
            .isEqualTo("mx.example submission");
    }

    @Test
    void anUnknownNameOrABadValueNamesTheListener() throws Exception {
        MainCf cf = MainCf.defaults();

        assertThatThrownBy(() -> cf.withOverrides(Map.of("smtpd_tls_securty_level", "may"), WHERE))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith(WHERE + ": unknown parameter \"smtpd_tls_securty_level\"");
        assertThatThrownBy(() -> cf.withOverrides(Map.of("message_size_limit", "big"), WHERE))
            .isInstanceOf(ConfigException.class)
            .hasMessageStartingWith(WHERE + ": message_size_limit");
    }

    @Test
    void anOverrideMayDeclareAndDefineARestrictionClass() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("strict", "reject");
        overrides.put("smtpd_restriction_classes", "strict");

        MainCf listener = MainCf.defaults().withOverrides(overrides, WHERE);

        assertThat(listener.get("strict")).isEqualTo("reject");
    }
}
