package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReloadScopeTest {
    private static MainCf mainCf(String... lines) throws ConfigException {
        return MainCf.parse("main.cf", List.of(lines), Map.of());
    }

    @Test
    void changedNamesTheParametersWhoseEffectiveValueDiffers() throws Exception {
        MainCf before = mainCf("myhostname = mx.example.com", "relayhost = [a.example]", "mydomain = example.com");
        MainCf after = mainCf("myhostname = mx.example.com", "relayhost = [b.example]",
            "smtpd_recipient_restrictions = reject_unauth_destination", "mydomain = example.com");

        assertThat(ReloadScope.changed(before, after)).containsExactly("relayhost", "smtpd_recipient_restrictions");
        assertThat(ReloadScope.changed(before, before)).isEmpty();
    }

    @Test
    void aChangeThroughExpansionCountsForTheParameterThatUsesIt() throws Exception {
        MainCf before = mainCf("mydomain = example.com", "myhostname = mx.$mydomain");
        MainCf after = mainCf("mydomain = example.org", "myhostname = mx.$mydomain");

        assertThat(ReloadScope.changed(before, after)).contains("mydomain", "myhostname", "myorigin", "mydestination");
    }

    @Test
    void restrictionClassesAreComparedToo() throws Exception {
        MainCf before = mainCf("smtpd_restriction_classes = strict", "strict = reject");
        MainCf after = mainCf("smtpd_restriction_classes = strict", "strict = permit");

        assertThat(ReloadScope.changed(before, after)).containsExactly("strict");
    }

    @Test
    void listenersTlsAndIdentityNeedARestartRestrictionsAndRoutingDoNot() {
        assertThat(ReloadScope.needingRestart(List.of("postern_smtpd_listen", "relayhost", "smtpd_tls_cert_file",
            "smtpd_recipient_restrictions", "transport_maps", "myhostname", "header_checks", "smtpd_recipient_limit")))
            .containsExactly("postern_smtpd_listen", "smtpd_tls_cert_file", "myhostname");
    }
}
