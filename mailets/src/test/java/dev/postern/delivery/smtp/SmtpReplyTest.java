package dev.postern.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {
    @ParameterizedTest
    @CsvSource({
        "550, '5.1.1 <a@b>: User unknown', 5.1.1",
        "550, 'no such user', 5.0.0",
        "451, '4.3.0 try later', 4.3.0",
        "451, '5.3.0 mismatched class', 4.0.0",
        "250, '2.0.0 Ok: queued as X', 2.0.0",
        "250, '2.0.0.1 not a code', 2.0.0",
    })
    void theDsnIsTheEnhancedCodeWhenItAgreesWithTheReplyCode(int code, String text, String dsn) {
        assertThat(new SmtpReply(code, List.of(text)).dsn()).isEqualTo(dsn);
    }

    @Test
    void multiLineRepliesAreShownOnOneLine() {
        assertThat(new SmtpReply(550, List.of("5.7.1 first", "5.7.1 second")).text()).isEqualTo("550 5.7.1 first 5.7.1 second");
        assertThat(new SmtpReply(250, List.of("")).text()).isEqualTo("250");
    }
}
