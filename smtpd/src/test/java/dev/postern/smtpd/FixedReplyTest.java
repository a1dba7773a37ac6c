package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.postern.restrictions.Reply;

/** smtpd's own replies, held to Postfix's wording in {@code postfix-smtpd-replies.txt}. */
class FixedReplyTest {
    private static final String TABLE = "/postfix-smtpd-replies.txt";

    /** entry | line | where Postfix writes it */
    static List<String[]> rows() throws IOException {
        try (InputStream in = FixedReplyTest.class.getResourceAsStream(TABLE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> Arrays.stream(line.split("\\|")).map(String::trim).toArray(String[]::new))
                .toList();
        }
    }

    static Stream<Arguments> postfixReplies() throws IOException {
        return rows().stream().map(row -> Arguments.of(row[0], row[1]));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("postfixReplies")
    void eachReplyIsWordedAsPostfixWordsIt(String entry, String postfixLine) {
        FixedReply reply = FixedReply.valueOf(entry);
        String line = reply.dsn().isEmpty() ? reply.code() + " " + reply.text()
            : reply.code() + " " + reply.dsn() + " " + reply.text();
        assertThat(line).isEqualTo(postfixLine);
    }

    @Test
    void theTableHasEveryReplyOnce() throws IOException {
        assertThat(rows().stream().map(row -> row[0]).toList())
            .containsExactlyInAnyOrderElementsOf(Arrays.stream(FixedReply.values()).map(Enum::name).toList());
    }

    @Test
    void valuesAreFilledInInOrderAndTakenLiterally() {
        assertThat(FixedReply.TOO_MANY_CONNECTIONS.line("mx.example.com", "192.0.2.1"))
            .isEqualTo("421 4.7.0 mx.example.com Error: too many connections from 192.0.2.1");
        assertThat(FixedReply.RELAY_ACCESS_DENIED.line("a$1\\b@example.com"))
            .isEqualTo("554 5.7.1 <a$1\\b@example.com>: Relay access denied");
        assertThat(FixedReply.START_DATA.line()).isEqualTo("354 End data with <CR><LF>.<CR><LF>");
    }

    @Test
    void aReplyMadeWithTheWrongNumberOfValuesIsABug() {
        assertThatThrownBy(() -> FixedReply.QUEUED.line())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("QUEUED takes 1 values, not 0");
    }

    @Test
    void theHookResultRefusesTemporarilyOrPermanentlyByTheCode() {
        assertThat(FixedReply.TOO_MANY_RECIPIENTS.hookResult().getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(FixedReply.BAD_RECIPIENT_SYNTAX.hookResult().getResult()).isEqualTo(HookReturnCode.deny());
        assertThat(FixedReply.QUEUED.hookResult("4ABC").getResult()).isEqualTo(HookReturnCode.ok());
        assertThat(FixedReply.QUEUED.hookResult("4ABC").getSmtpDescription()).isEqualTo("2.0.0 Ok: queued as 4ABC");
    }

    @Test
    void theRestrictionEnginesReplyKeepsCodeStatusAndText() {
        assertThat(FixedReply.TEMPORARY_LOOKUP_FAILURE.reply("DATA"))
            .isEqualTo(new Reply(451, "4.3.0", "<DATA>: Temporary lookup failure"));
    }
}
