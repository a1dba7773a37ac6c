package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParametersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "myhostnme, myhostname",
            "relay_host, relayhost",
            "mydomian, mydomain",
            "MYORIGIN, ''",
            "message_size_limits, message_size_limit",
            "postern_smtp_listen, postern_smtpd_listen",
            "totally_unrelated, ''"})
    void suggestsTheClosestName(String typo, String suggestion) {
        assertThat(Parameters.suggest(typo)).isEqualTo(
                suggestion.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(suggestion));
    }

    @Test
    void theTableHasTheNamesTheDesignPromises() {
        assertThat(Parameters.names()).contains(
                "access_map_defer_code", "access_map_reject_code", "allow_min_user", "allow_percent_hack",
                "allow_untrusted_routing", "append_at_myorigin", "append_dot_mydomain", "body_checks",
                "body_checks_size_limit", "compatibility_level", "defer_code", "header_checks", "header_size_limit",
                "inet_interfaces", "invalid_hostname_reject_code", "mail_name", "mail_version",
                "message_size_limit", "mime_header_checks", "multi_recipient_bounce_reject_code", "mydestination",
                "mydomain", "myhostname", "mynetworks", "myorigin", "nested_header_checks", "non_fqdn_reject_code",
                "parent_domain_matches_subdomains", "plaintext_reject_code", "postern_smtpd_listen",
                "postern_submission_listen", "postern_submissions_listen", "postern_webadmin_listen",
                "proxy_interfaces", "queue_minfree", "recipient_delimiter", "reject_code", "relay_domains",
                "relay_domains_reject_code", "relayhost", "resolve_dequoted_address", "resolve_null_domain",
                "resolve_numeric_domain", "smtpd_banner", "smtpd_client_restrictions", "smtpd_helo_restrictions",
                "smtpd_recipient_restrictions", "smtpd_relay_restrictions", "smtpd_restriction_classes",
                "smtpd_sender_restrictions", "soft_bounce", "smtpd_tls_security_level", "smtpd_tls_cert_file",
                "smtpd_tls_key_file", "smtpd_sasl_auth_enable", "smtpd_tls_auth_only", "smtpd_tls_wrappermode",
                "smtpd_sender_login_maps", "smtpd_client_auth_rate_limit", "smtpd_data_restrictions",
                "smtpd_end_of_data_restrictions", "smtpd_delay_reject", "swap_bangpath", "syslog_name",
                "virtual_alias_domains", "virtual_alias_maps", "virtual_mailbox_domains", "virtual_mailbox_maps");
        assertThat(Parameters.names()).contains("default_rbl_reply", "maps_rbl_reject_code", "postern_dns_servers",
                "rbl_reply_maps", "reject_tempfail_action", "unknown_address_reject_code", "unknown_address_tempfail_action",
                "unknown_client_reject_code", "unknown_helo_hostname_tempfail_action", "unknown_hostname_reject_code");
    }

    @Test
    void typesMatchTheValues() {
        assertThat(Parameters.get("message_size_limit").type()).isEqualTo(ParameterType.SIZE);
        assertThat(Parameters.get("queue_minfree").type()).isEqualTo(ParameterType.SIZE);
        assertThat(Parameters.get("mydestination").type()).isEqualTo(ParameterType.LIST);
        assertThat(Parameters.get("mynetworks").type()).isEqualTo(ParameterType.LIST);
        assertThat(Parameters.get("relay_domains").type()).isEqualTo(ParameterType.LIST);
        assertThat(Parameters.get("relayhost").type()).isEqualTo(ParameterType.STRING);
        for (String name : List.of("postern_smtpd_listen", "postern_submission_listen",
                "postern_submissions_listen", "postern_webadmin_listen")) {
            assertThat(Parameters.get(name).type()).isEqualTo(ParameterType.LISTEN_ADDRESS);
        }
        assertThat(Parameters.get("postern_dns_servers").type()).isEqualTo(ParameterType.DNS_SERVERS);
        assertThat(Parameters.get("default_rbl_reply").type()).isEqualTo(ParameterType.RAW);
    }

    @Test
    void everyRowIsDescribedAndEveryDefaultLoads() {
        assertThat(Parameters.all()).allSatisfy(row -> assertThat(row.description()).isNotBlank());
        assertThat(MainCf.defaults().names()).isEqualTo(Parameters.names());
    }

    @Test
    void literalAndDerivedDefaults() {
        assertThat(Parameters.get("mydestination").defaultValue())
                .isEqualTo(DefaultValue.of("$myhostname, localhost.$mydomain, localhost"));
        assertThat(Parameters.get("myhostname").defaultValue()).isInstanceOf(DefaultValue.Derived.class);
        assertThat(Parameters.get("mydomain").defaultValue()).isInstanceOf(DefaultValue.Derived.class);
    }

    @Test
    void unknownNames() {
        assertThat(Parameters.find("nosuch")).isEmpty();
        assertThat(Parameters.isKnown("relayhost")).isTrue();
        assertThatThrownBy(() -> Parameters.get("relayhots"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown parameter \"relayhots\" (did you mean \"relayhost\"?)");
    }

    @Test
    void rowsMustHaveLowerCaseNamesForEnvironmentOverrides() {
        assertThatThrownBy(() -> new Parameter("Relayhost", ParameterType.STRING, DefaultValue.of(""), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Parameters.isKnown("smtp_tls_CAfile")).isTrue();
    }

    @Test
    void timeValuesTakePostfixUnits() {
        assertThat(ParameterType.toDuration("t", "300s")).isEqualTo(java.time.Duration.ofSeconds(300));
        assertThat(ParameterType.toDuration("t", "300")).isEqualTo(java.time.Duration.ofSeconds(300));
        assertThat(ParameterType.toDuration("t", "5d")).isEqualTo(java.time.Duration.ofDays(5));
        assertThat(ParameterType.toDuration("t", "2m")).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(ParameterType.toDuration("t", "1w")).isEqualTo(java.time.Duration.ofDays(7));
        assertThat(ParameterType.toDuration("t", "0h")).isZero();
        assertThatThrownBy(() -> ParameterType.toDuration("maximal_backoff_time", "4000 s"))
                .hasMessageContaining("maximal_backoff_time: bad time value \"4000 s\"");
        assertThatThrownBy(() -> ParameterType.toDuration("t", "-1s")).isInstanceOf(IllegalArgumentException.class);
    }
}
