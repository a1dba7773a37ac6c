package dev.postern.tables.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

class KeyExpansionTest {
    private static Optional<String> key(String template, String key) {
        return KeyExpansion.parse(template).expandKey(key, UnaryOperator.identity());
    }

    @Test
    void expandsTheKeyItsPartsAndDomainLabels() {
        assertThat(key("(mail=%s)", "user@mail.example.com")).contains("(mail=user@mail.example.com)");
        assertThat(key("uid=%u,dc=%2,dc=%1 %d %%", "user@mail.example.com"))
            .contains("uid=user,dc=example,dc=com mail.example.com %");
        assertThat(key("%S %U %D", "user@example.com")).contains("user@example.com user example.com");
        assertThat(key("(uid=%u)", "postmaster")).contains("(uid=postmaster)");
    }

    @Test
    void skipsTheQueryWhenAnExpansionCannotBeMade() {
        assertThat(key("(d=%d)", "postmaster")).isEmpty();
        assertThat(key("(u=%u)", "@example.com")).isEmpty();
        assertThat(key("(x=%3)", "user@example.com")).isEmpty();
        assertThat(key("(x=%1)", "unqualified")).isEmpty();
    }

    @Test
    void resultFormatTakesTheValueInLowerCaseAndTheKeyInUpperCase() {
        KeyExpansion format = KeyExpansion.parse("%u+%U@%d (%S, %1)");
        assertThat(format.expandResult("box@mail.example.org", "alias@example.com"))
            .contains("box+alias@mail.example.org (alias@example.com, com)");
        assertThat(KeyExpansion.parse("smtp:[%d]").expandResult("no-domain", "k@example.com")).isEmpty();
    }

    @Test
    void rejectsUnknownExpansions() {
        assertThatThrownBy(() -> KeyExpansion.parse("(mail=%x)")).hasMessageContaining("\"%x\"");
        assertThatThrownBy(() -> KeyExpansion.parse("(mail=%")).hasMessageContaining("at the end");
    }

    @Test
    void theKeyIsEscapedSoItCannotAddFilterSyntax() {
        String hostile = "*)(|(uid=*))\\\0x";
        Optional<String> filter = KeyExpansion.parse("(mail=%s)").expandKey(hostile, LdapEscaping::filterValue);
        assertThat(filter).contains("(mail=\\2a\\29\\28|\\28uid=\\2a\\29\\29\\5c\\00x)");
        assertThat(filter.get().chars().filter(c -> c == '(').count()).isEqualTo(1);
        // the %-sequences of the template stay unescaped; only what comes from the key is escaped
        assertThat(KeyExpansion.parse("(&(a=%u)(b=*))").expandKey("x*@d", LdapEscaping::filterValue))
            .contains("(&(a=x\\2a)(b=*))");
    }

    @Test
    void aKeyInTheSearchBaseIsEscapedAsADnValue() {
        assertThat(KeyExpansion.parse("ou=%d,dc=example").expandKey("u@a,ou=admins", LdapEscaping::dnValue))
            .contains("ou=a\\,ou\\=admins,dc=example");
    }
}
