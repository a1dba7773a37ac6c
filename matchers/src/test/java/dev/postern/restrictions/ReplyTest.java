package dev.postern.restrictions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyTest {

    @ParameterizedTest(name = "[{index}] {0} {1} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        554 | 5.7.1 | <x>: Recipient address rejected: Access denied | 554 5.7.1 <x>: Recipient address rejected: Access denied
        504 | 4.5.2 | t | 504 5.5.2 t
        450 | 5.1.1 | t | 450 4.1.1 t
        421 | 4.7.0 | t | 421 4.7.0 t
        599 | 5.0.0 | t | 599 5.0.0 t
        250 | 2.0.0 | t | 450 4.7.1 Service unavailable
        399 | 4.7.1 | t | 450 4.7.1 Service unavailable
        600 | 5.7.1 | t | 450 4.7.1 Service unavailable
        554 | 5.7   | t | 450 4.7.1 Service unavailable
        554 | 3.7.1 | t | 450 4.7.1 Service unavailable
        554 | 5.1234.1 | t | 450 4.7.1 Service unavailable
        554 | x.7.1 | t | 450 4.7.1 Service unavailable
        554 | 5.123.456 | t | 554 5.123.456 t
        """)
    void fixUps(int code, String dsn, String text, String expected) {
        assertThat(Reply.of(code, dsn, text).line()).isEqualTo(expected);
    }

    /** The hand-written check against the regular expression it replaced, on random near-DSNs. */
    @Test
    void dsnCheckIsTheRegularExpression() {
        Pattern dsn = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");
        String alphabet = "012345789..x \u0663";
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(10);
            for (int j = 0; j < length; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = text.toString();
            assertThat(Reply.isValidDsn(candidate)).as(candidate).isEqualTo(dsn.matcher(candidate).matches());
        }
    }

    @Test
    void textIsPrintableAndCut() {
        assertThat(Reply.of(550, "5.7.1", "a\r\nb\tc").line()).isEqualTo("550 5.7.1 a  b c");
        Reply longReply = Reply.of(550, "5.7.1", "x".repeat(1000));
        assertThat(longReply.line()).hasSize(510).startsWith("550 5.7.1 xxx");
    }

    @ParameterizedTest(name = "[{index}] {0} {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        554 | 5.7.1 | 454 4.7.1
        504 | 5.5.2 | 404 4.5.2
        450 | 4.7.1 | 450 4.7.1
        421 | 4.7.0 | 421 4.7.0
        """)
    void softBounce(int code, String dsn, String expected) {
        assertThat(Reply.of(code, dsn, "t").softBounced().line()).isEqualTo(expected + " t");
    }

    @ParameterizedTest(name = "[{index}] {0} as {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
        5.1.1 | SENDER      | 5.1.7
        5.1.4 | SENDER      | 5.1.7
        5.1.6 | SENDER      | 5.1.7
        4.1.2 | SENDER      | 4.1.8
        5.1.3 | SENDER      | 5.1.7
        4.1.5 | SENDER      | 4.1.0
        5.1.7 | SENDER      | 5.1.7
        5.1.8 | SENDER      | 5.1.8
        5.7.1 | SENDER      | 5.7.1
        5.1.7 | RECIPIENT   | 5.1.3
        4.1.8 | RECIPIENT   | 4.1.2
        5.1.1 | RECIPIENT   | 5.1.1
        5.1.6 | RECIPIENT   | 5.1.6
        5.1.1 | CLIENT      | 5.0.0
        4.1.8 | HELO        | 4.0.0
        5.1.1 | DATA        | 5.0.0
        5.1.1 | END_OF_DATA | 5.0.0
        5.7.1 | CLIENT      | 5.7.1
        5.5.2 | HELO        | 5.5.2
        5.10.1 | CLIENT     | 5.10.1
        """)
    void dsnFixByClass(String dsn, Stage replyClass, String expected) {
        assertThat(Reply.fixDsn(dsn, replyClass)).isEqualTo(expected);
        assertThat(new Reply(550, dsn, "t").withDsnFixedFor(replyClass).dsn()).isEqualTo(expected);
    }
}
