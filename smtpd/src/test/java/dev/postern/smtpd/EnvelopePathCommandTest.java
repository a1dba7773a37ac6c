package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.junit.jupiter.api.Test;

class EnvelopePathCommandTest {
    /** Records what James was given and answers as told. */
    private static final class RecordingJames {
        final List<String> arguments = new ArrayList<>();
        Response answer;
        MailAddress stored;
        boolean forgotten;

        EnvelopePathCommand.JamesHandler handler() {
            return new EnvelopePathCommand.JamesHandler(argument -> {
                arguments.add(argument);
                return answer;
            }, () -> Optional.ofNullable(stored), () -> forgotten = true);
        }
    }

    @Test
    void jamesReadsTheArgumentRebuiltFromTheReadingNeverTheClientsText() throws Exception {
        RecordingJames james = new RecordingJames();
        james.stored = new MailAddress("postmaster@mx.example.com");
        Response response = EnvelopePathCommand.RCPT.filter(
            Optional.of(CommandArguments.read("TO: <postmaster>   NOTIFY=NEVER", "TO", true)), "mx.example.com", james.handler());
        assertThat(response).isNull();
        assertThat(james.arguments).containsExactly("TO:<postmaster@mx.example.com> NOTIFY=NEVER");
    }

    @Test
    void aPathThatCannotBeReadGetsPostfixsSyntaxErrorAndJamesSeesNoArgument() {
        RecordingJames james = new RecordingJames();
        james.answer = new SMTPResponse("501", "5.5.4 Usage: RCPT TO:<recipient>");
        Response response = EnvelopePathCommand.RCPT.filter(
            Optional.of(CommandArguments.read("TO:<v\\>@evil.example>", "TO", true)), "mx.example.com", james.handler());
        assertThat(response.getRetCode()).isEqualTo("501");
        assertThat(response.getLines()).containsExactly("501 5.1.3 Bad recipient address syntax");
        assertThat(james.arguments).containsOnlyNulls();
    }

    @Test
    void aSequenceErrorComesBeforeTheSyntaxError() {
        RecordingJames james = new RecordingJames();
        james.answer = new SMTPResponse("503", "5.5.1 Error: need MAIL command");
        Response response = EnvelopePathCommand.RCPT.filter(
            Optional.of(CommandArguments.read("TO:<v\\>@evil.example>", "TO", true)), "mx.example.com", james.handler());
        assertThat(response.getRetCode()).isEqualTo("503");
    }

    @Test
    void anAddressJamesReadOtherwiseIsTakenBackAndRefused() throws Exception {
        RecordingJames james = new RecordingJames();
        james.stored = new MailAddress("v@evil.example");
        Response response = EnvelopePathCommand.RCPT.filter(
            Optional.of(CommandArguments.read("TO:<v@mx.example.com>", "TO", true)), "mx.example.com", james.handler());
        assertThat(response.getLines()).containsExactly("501 5.1.3 Bad recipient address syntax");
        assertThat(james.forgotten).isTrue();
    }

    @Test
    void theNullPathIsASenderButNoRecipient() {
        RecordingJames james = new RecordingJames();
        assertThat(EnvelopePathCommand.MAIL.filter(Optional.of(CommandArguments.read("FROM:<> SIZE=10", "FROM", true)),
            "mx.example.com", james.handler())).isNull();
        assertThat(james.arguments).containsExactly("FROM:<> SIZE=10");
        Response recipient = EnvelopePathCommand.RCPT.filter(Optional.of(CommandArguments.read("TO:<>", "TO", true)),
            "mx.example.com", new RecordingJames().handler());
        assertThat(recipient.getLines()).containsExactly("501 5.1.3 Bad recipient address syntax");
    }
}
