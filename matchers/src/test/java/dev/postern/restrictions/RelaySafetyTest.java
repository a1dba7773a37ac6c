package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.config;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelaySafetyTest {
    private static final RestrictionConfig CONFIG = config();

    private static void check(String relay, String recipient) {
        RelaySafety.check(CONFIG.parse("smtpd_relay_restrictions", relay == null ? "" : relay),
            CONFIG.parse("smtpd_recipient_restrictions", recipient == null ? "" : recipient));
    }

    @ParameterizedTest(name = "[{index}] relay = {0}; recipient = {1}")
    @CsvSource(delimiter = '|', textBlock = """
        permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination |
        | permit_mynetworks, reject_unauth_destination
        permit_mynetworks, reject |
        | check_recipient_access test:access, defer
        defer_if_permit | permit
        """)
    void aListThatCanRefuseRelayIsAccepted(String relay, String recipient) {
        assertThatCode(() -> check(relay, recipient)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "[{index}] relay = {0}; recipient = {1}")
    @CsvSource(delimiter = '|', textBlock = """
        |
        permit_mynetworks | permit_sasl_authenticated
        permit_mynetworks, check_recipient_access test:access |
        permit_auth_destination | reject_non_fqdn_recipient
        """)
    void listsThatCannotRefuseRelayStopTheStart(String relay, String recipient) {
        assertThatThrownBy(() -> check(relay, recipient))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("smtpd_relay_restrictions and smtpd_recipient_restrictions: neither has"
                + " reject_unauth_destination, defer_unauth_destination, reject, defer or defer_if_permit;");
    }
}
