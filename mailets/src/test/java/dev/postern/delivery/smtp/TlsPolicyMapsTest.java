package dev.postern.delivery.smtp;

import static dev.postern.delivery.smtp.Fixtures.parameters;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.postern.delivery.smtp.Fixtures.MapTable;
import dev.postern.tables.TableSearch;

class TlsPolicyMapsTest {
    @Test
    void aBracketedHopIsLookedUpAsWritten() {
        assertThat(TlsPolicyMaps.keys(NextHop.parse("[mail.example.com]:587", 25))).containsExactly("[mail.example.com]:587");
        assertThat(TlsPolicyMaps.keys(NextHop.parse("[Mail.Example.com]", 25))).containsExactly("[mail.example.com]");
    }

    @Test
    void aDomainIsLookedUpThenItsParentsInDotForm() {
        assertThat(TlsPolicyMaps.keys(NextHop.parse("mx.sub.example.com", 25)))
            .containsExactly("mx.sub.example.com", ".sub.example.com", ".example.com", ".com");
        assertThat(TlsPolicyMaps.keys(NextHop.parse("example.com:2525", 25)))
            .containsExactly("example.com:2525", "example.com", ".com");
    }

    @Test
    void theFirstKeyFoundWinsAndNoEntryMeansMainCf() throws Exception {
        TlsSettings settings = TlsSettings.from(parameters("smtp_tls_security_level = may"));
        MapTable table = new MapTable(Map.of(".example.com", "encrypt", "secure.example.com", "secure match=nexthop"));
        TlsPolicyMaps maps = new TlsPolicyMaps(new TableSearch("smtp_tls_policy_maps", List.of(table)), settings);

        assertThat(maps.effectivePolicy(NextHop.parse("secure.example.com", 25)).level()).isEqualTo(TlsLevel.SECURE);
        assertThat(maps.effectivePolicy(NextHop.parse("secure.example.com", 25)).match()).containsExactly("nexthop");
        assertThat(maps.effectivePolicy(NextHop.parse("other.example.com", 25)).level()).isEqualTo(TlsLevel.ENCRYPT);
        assertThat(maps.effectivePolicy(NextHop.parse("example.com", 25)).level()).isEqualTo(TlsLevel.MAY);
        assertThat(maps.effectivePolicy(NextHop.parse("[other.example.com]", 25)).level()).as("a bracketed hop has no parents")
            .isEqualTo(TlsLevel.MAY);
    }
}
