package dev.postern.delivery.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MxPatternTest {
    @Test
    void aHostNameMatchesItselfInAnyCaseWithOrWithoutTheFinalDot() {
        MxPattern pattern = new MxPattern("mail.example.com");
        assertThat(pattern.matches("mail.example.com")).isTrue();
        assertThat(pattern.matches("Mail.Example.COM.")).isTrue();
        assertThat(pattern.matches("xmail.example.com")).isFalse();
        assertThat(pattern.matches("a.mail.example.com")).isFalse();
    }

    @Test
    void aWildcardStandsForExactlyOneLeftMostLabel() {
        MxPattern pattern = new MxPattern("*.example.net");
        assertThat(pattern.matches("mx1.example.net")).isTrue();
        assertThat(pattern.matches("MX2.EXAMPLE.NET.")).isTrue();
        assertThat(pattern.matches("example.net")).isFalse();
        assertThat(pattern.matches("a.b.example.net")).isFalse();
        assertThat(pattern.matches("mx1.otherexample.net")).isFalse();
        assertThat(pattern.matches(".example.net")).isFalse();
    }

    @Test
    void aWildcardAnywhereElseIsRefused() {
        assertThatThrownBy(() -> new MxPattern("mx.*.example.net")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("mx.*.example.net");
        assertThatThrownBy(() -> new MxPattern("*")).isInstanceOf(IllegalArgumentException.class);
    }
}
