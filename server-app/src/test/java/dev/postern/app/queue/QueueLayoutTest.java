package dev.postern.app.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.queue.api.MailQueueName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueueLayoutTest {
    @ParameterizedTest
    @CsvSource({
        "spool, spool",
        "outgoing, outgoing",
        "relay-denied_2.x, relay-denied_2.x",
        ".hidden, %2Ehidden",
        "../etc, %2E.%2Fetc",
        "a b/c:d%, a%20b%2Fc%3Ad%25",
        "é, %C3%A9",
    })
    void encodesQueueNamesIntoOneSafePathSegment(String name, String segment) {
        assertThat(QueueLayout.encode(MailQueueName.of(name))).isEqualTo(segment);
        assertThat(QueueLayout.decode(segment)).contains(MailQueueName.of(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%zz", "%4", "a%2fb", ".x", "%61"})
    void ignoresDirectoriesItDidNotName(String segment) {
        assertThat(QueueLayout.decode(segment)).isEmpty();
    }
}
