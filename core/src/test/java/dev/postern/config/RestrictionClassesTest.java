package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** smtpd_restriction_classes: Postfix's one kind of user-defined parameter. */
class RestrictionClassesTest {
    @Test
    void aDeclaredClassIsAParameterWithItsRestrictionList() throws Exception {
        MainCf cf = MainCf.parse("main.cf", List.of(
            "smtpd_restriction_classes = strict, lenient",
            "strict = reject_non_fqdn_sender,",
            "    reject",
            "lenient = permit",
            "smtpd_recipient_restrictions = check_recipient_access inline:{a@b=strict}"), Map.of());

        assertThat(cf.get("strict")).isEqualTo("reject_non_fqdn_sender, reject");
        assertThat(cf.list("lenient")).containsExactly("permit");
        assertThat(cf.explicitNames()).contains("strict", "lenient");
    }

    @Test
    void anUndeclaredUnusedNameIsAnUnusedParameterAtItsLine() throws Exception {
        MainCf cf = MainCf.parse("main.cf", List.of(
            "smtpd_restriction_classes = strict",
            "strict = reject",
            "strikt = reject"), Map.of());

        assertThat(cf.warnings()).containsExactly("main.cf, line 3: unused parameter: strikt=reject");
    }

    @Test
    void aDeclaredClassNeedsADefinition() {
        assertThatThrownBy(() -> MainCf.parse("main.cf", List.of("smtpd_restriction_classes = strict"), Map.of()))
            .hasMessage("main.cf:1: smtpd_restriction_classes: class \"strict\" has no definition"
                + " (add a line: strict = restriction list)");
    }

    @Test
    void aClassCannotReuseAParameterName() {
        assertThatThrownBy(() -> MainCf.parse("main.cf", List.of("smtpd_restriction_classes = relayhost"), Map.of()))
            .hasMessage("main.cf:1: smtpd_restriction_classes: \"relayhost\" is a parameter name, not a new restriction class");
    }
}
