package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.restrictions.Reply;

class HeloNameCheckTest {
    @ParameterizedTest
    @ValueSource(strings = {"x.example\rFrom: \"Your Bank\" <security@bank.example>", "x.example\nFrom: a@b.example",
        "nul\u0000.example", "tab\t.example", "del\u007f.example", "esc\u001b[2J.example", "c1\u0085.example", "\r"})
    void aNameWithAControlCharacterIsRefusedWithItsControlsShownAsQuestionMarks(String name) {
        Reply reply = HeloNameCheck.refusal(name).orElseThrow();

        assertThat(reply.code()).isEqualTo(501);
        assertThat(reply.dsn()).isEqualTo("5.5.2");
        assertThat(reply.text()).isEqualTo("<" + name.replaceAll("\\p{Cntrl}|\u0085", "?") + ">: Helo command rejected: Invalid name");
        assertThat(reply.text().chars()).noneMatch(Character::isISOControl);
    }

    @ParameterizedTest
    @ValueSource(strings = {"client.example", "[192.0.2.1]", "localhost", "not a hostname but printable", "ünïcode.example"})
    void aPrintableNameIsLeftToTheRestrictions(String name) {
        assertThat(HeloNameCheck.refusal(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {600, 5000})
    void theReplyStaysOneLegalLineWhateverTheNamesLength(int length) {
        Reply reply = HeloNameCheck.refusal("a".repeat(length) + "\r").orElseThrow();

        assertThat(("501 5.5.2 " + reply.text()).length()).isLessThanOrEqualTo(510);
    }

    @org.junit.jupiter.api.Test
    void noNameIsLeftToJamesWhichAsksForOne() {
        assertThat(HeloNameCheck.refusal(null)).isEmpty();
    }
}
