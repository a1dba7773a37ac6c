package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.core.NoopCmdHandler;
import org.apache.james.protocols.smtp.core.UnknownCmdHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyWordingTest {
    private final ReplyWording replyText = new ReplyWording();

    /** James's reply to an unknown command, which repeats the command line as sent. */
    private static Response jamesUnknownCommandReply(String commandLine) {
        return new SMTPResponse("500", "5.5.1 Command " + commandLine + " unrecognized.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"FROB", "NO\u0000OP", "X\rY", "\u00ff\u0007\u001b[2J", "EH\tLO"})
    void anUnknownCommandGetsPostfixsFixedReplyWithoutTheClientsBytes(String commandLine) {
        Response reply = replyText.onResponse(FakeSessions.withAttachments(), jamesUnknownCommandReply(commandLine), 0,
            new UnknownCmdHandler(null));

        assertThat(reply.getRetCode()).isEqualTo("502");
        assertThat(reply.getLines()).hasSize(1);
        assertThat(reply.getLines().get(0).toString()).isEqualTo("502 5.5.2 Error: command not recognized");
    }

    @Test
    void theUnknownCommandReplyKeepsEndingTheSessionWhenJamessDid() {
        SMTPResponse james = (SMTPResponse) jamesUnknownCommandReply("FROB");
        james.setEndSession(true);

        Response reply = replyText.onResponse(FakeSessions.withAttachments(), james, 0, new UnknownCmdHandler(null));

        assertThat(reply.isEndSession()).isTrue();
    }

    @Test
    void anotherReplyToAnUnknownCommandIsLeftAsItIs() {
        // a hook that refuses the session (421) speaks for itself
        Response refused = new SMTPResponse("421", "4.7.0 Error: too many errors");

        assertThat(replyText.onResponse(FakeSessions.withAttachments(), refused, 0, new UnknownCmdHandler(null)))
            .isSameAs(refused);
    }

    @Test
    void a500FromAKnownCommandIsNotTakenForAnUnknownOne() {
        Response syntax = new SMTPResponse("500", "5.5.2 Syntax error");

        assertThat(replyText.onResponse(FakeSessions.withAttachments(), syntax, 0, new NoopCmdHandler()))
            .isSameAs(syntax);
    }
}
