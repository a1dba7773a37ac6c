package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.address.AddressClassifier;

/** Startup errors: each names the parameter and the offending word. */
class RestrictionParsingTest {
    private static final RestrictionConfig CONFIG = config();

    @ParameterizedTest(name = "[{index}] {0} = {1}")
    @CsvSource(delimiter = '|', textBlock = """
        smtpd_recipient_restrictions | permit_mynetworks, bogus | smtpd_recipient_restrictions: unknown restriction "bogus"
        smtpd_recipient_restrictions | permit_mynetworks 10.0.0.0/8 | smtpd_recipient_restrictions: unknown restriction "10.0.0.0/8"
        smtpd_recipient_restrictions | Strict | smtpd_recipient_restrictions: unknown restriction "Strict"
        smtpd_client_restrictions | check_client_access | smtpd_client_restrictions: check_client_access needs a type:name table argument
        smtpd_client_restrictions | check_client_access, permit | smtpd_client_restrictions: check_client_access needs a type:name table argument, not "permit"
        smtpd_sender_restrictions | reject_sender_login_mismatch | smtpd_sender_restrictions: reject_sender_login_mismatch: smtpd_sender_login_maps is empty: the *_sender_login_mismatch restrictions need it (address -> login names)
        smtpd_client_restrictions | check_client_access test:nosuch | smtpd_client_restrictions: check_client_access test:nosuch: unsupported table test:nosuch
        smtpd_client_restrictions | permit_mynetworks test:nosuch | smtpd_client_restrictions: table test:nosuch: unsupported table test:nosuch
        smtpd_data_restrictions | test:access | smtpd_data_restrictions: bare table "test:access": in this list a table has no default kind; write check_client_access, check_helo_access, check_sender_access or check_recipient_access before it
        smtpd_end_of_data_restrictions | check_sender_access test:access, test:access | smtpd_end_of_data_restrictions: bare table "test:access": in this list a table has no default kind; write check_client_access, check_helo_access, check_sender_access or check_recipient_access before it
        smtpd_client_restrictions | reject_rbl_client | smtpd_client_restrictions: reject_rbl_client needs a DNS list domain argument
        smtpd_client_restrictions | reject_rbl_client, permit | smtpd_client_restrictions: reject_rbl_client needs a DNS list domain argument, not "permit"
        smtpd_client_restrictions | reject_rbl_client test:access | smtpd_client_restrictions: reject_rbl_client needs a DNS list domain argument, not "test:access"
        smtpd_client_restrictions | reject_rbl_client zen.example=127.0.0 | smtpd_client_restrictions: reject_rbl_client zen.example=127.0.0: bad reply filter: "127.0.0" does not have 4 octets
        smtpd_client_restrictions | reject_rbl_client zen.example=127.0.0.[2..300] | smtpd_client_restrictions: reject_rbl_client zen.example=127.0.0.[2..300]: bad reply filter: bad octet "300"
        smtpd_client_restrictions | reject_rbl_client zen.example=127.0.0.[2 | smtpd_client_restrictions: reject_rbl_client zen.example=127.0.0.[2: bad reply filter: missing "]" in "127.0.0.[2"
        smtpd_client_restrictions | reject_rbl_client bad_domain! | smtpd_client_restrictions: reject_rbl_client bad_domain!: "bad_domain!" is not a DNS domain
        smtpd_sender_restrictions | REJECT_RHSBL_SENDER | smtpd_sender_restrictions: REJECT_RHSBL_SENDER needs a DNS list domain argument
        smtpd_client_restrictions | check_reverse_client_mx_access test:access | smtpd_client_restrictions: unknown restriction "check_reverse_client_mx_access"
        smtpd_client_restrictions | check_reverse_client_hostname_access | smtpd_client_restrictions: check_reverse_client_hostname_access needs a type:name table argument
        smtpd_sender_restrictions | check_sender_ns_access | smtpd_sender_restrictions: check_sender_ns_access needs a type:name table argument
        smtpd_client_restrictions | reject_maps_rbl | smtpd_client_restrictions: reject_maps_rbl is not implemented yet (deprecated by Postfix: use reject_rbl_client with a domain)
        smtpd_recipient_restrictions | reject_unlisted_recipient | smtpd_recipient_restrictions: reject_unlisted_recipient needs the server's users store: it works in the SMTP listeners' restriction lists
        """)
    void badListsFailAtStartup(String parameter, String value, String message) {
        assertThatThrownBy(() -> CONFIG.parse(parameter, value))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(message);
    }

    @Test
    void badClassDefinitionNamesTheClass() {
        AddressClassifier classifier = AddressClassifier.fromParameters(Fixtures.MAIN_CF::get, Set.of(), Fixtures::table, d -> false);
        assertThatThrownBy(() -> new RestrictionConfig(Fixtures.MAIN_CF::get, Map.of("broken", "permit_mynetworks, nonsense"),
                Fixtures::table, classifier))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("broken: unknown restriction \"nonsense\"");
        assertThatThrownBy(() -> new RestrictionConfig(Fixtures.MAIN_CF::get, Map.of("dnsy", "reject_rbl_client x.example"),
                Fixtures::table, classifier))
            .hasMessage("dnsy: reject_rbl_client needs DNS, and this configuration has no DNS lookup");
        assertThatThrownBy(() -> new RestrictionConfig(Fixtures.MAIN_CF::get, Map.of("dnsy", "reject_unknown_sender_domain"),
                Fixtures::table, classifier))
            .hasMessage("dnsy: reject_unknown_sender_domain needs DNS, and this configuration has no DNS lookup");
    }

    @Test
    void badParameterValuesNameTheParameter() {
        assertThatThrownBy(() -> config(Map.of("reject_code", "five")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("reject_code: ");
        assertThatThrownBy(() -> config(Map.of("soft_bounce", "maybe")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("soft_bounce: ");
        assertThatThrownBy(() -> config(Map.of("mynetworks", "not-a-network")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("mynetworks: ");
        assertThatThrownBy(() -> config(Map.of("unknown_address_tempfail_action", "maybe")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("unknown_address_tempfail_action: bad value \"maybe\" (expected defer_if_permit or defer)");
        assertThatThrownBy(() -> config(Map.of("reject_tempfail_action", "reject")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("reject_tempfail_action: bad value \"reject\" (expected defer_if_permit or defer)");
        assertThatThrownBy(() -> config(Map.of("default_rbl_reply", "$rbl_code blocked by $rbl_list")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("default_rbl_reply: bad reply template: unknown name \"$rbl_list\"");
        assertThatThrownBy(() -> config(Map.of("maps_rbl_reject_code", "x")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("maps_rbl_reject_code: ");
        assertThatThrownBy(() -> config(Map.of("rbl_reply_maps", "test:nosuch")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("rbl_reply_maps: test:nosuch: unsupported table test:nosuch");
    }

    @Test
    void listsParseAndNormalize() {
        RestrictionList list = CONFIG.parse("smtpd_relay_restrictions",
            "PERMIT_MYNETWORKS,permit_sasl_authenticated\n  check_recipient_access   test:access, strict, defer_unauth_destination");
        assertThat(list.words()).containsExactly("permit_mynetworks", "permit_sasl_authenticated",
            "check_recipient_access test:access", "strict", "defer_unauth_destination");
        assertThat(list.replyClass()).isEqualTo(Stage.RECIPIENT);
        assertThat(list.parameter()).isEqualTo("smtpd_relay_restrictions");
        assertThat(CONFIG.parse("smtpd_data_restrictions", "").isEmpty()).isTrue();
    }

    @Test
    void stageOfParameter() {
        assertThat(Stage.ofParameter("smtpd_client_restrictions")).isEqualTo(Stage.CLIENT);
        assertThat(Stage.ofParameter("smtpd_end_of_data_restrictions")).isEqualTo(Stage.END_OF_DATA);
        assertThatThrownBy(() -> Stage.ofParameter("smtpd_etrn_restrictions"))
            .hasMessageStartingWith("smtpd_etrn_restrictions: ");
        assertThat(CONFIG.parse("smtpd_etrn_restrictions", "reject", Stage.CLIENT).replyClass()).isEqualTo(Stage.CLIENT);
    }
}
