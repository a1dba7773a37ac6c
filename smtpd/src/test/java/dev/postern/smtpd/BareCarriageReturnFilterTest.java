package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bare CR inside a DATA line becomes a space before the next filter sees the line. */
class BareCarriageReturnFilterTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        Subject: a\\rb\\r\\n     | Subject: a b\\r\\n
        \\r\\r\\n                | ' \\r\\n'
        plain line\\r\\n         | plain line\\r\\n
        # a CR with no LF after it is bare, even at the end
        no line end\\r           | 'no line end '
        """)
    void theNextFilterSeesTheLineWithoutBareCarriageReturns(String line, String passedOn) {
        List<String> seen = new ArrayList<>();
        new BareCarriageReturnFilter().onLine(FakeSmtpSession.client("192.0.2.10").session(), bytes(line),
            (session, received) -> {
                seen.add(new String(received, StandardCharsets.ISO_8859_1));
                return null;
            });

        assertThat(seen).containsExactly(new String(bytes(passedOn), StandardCharsets.ISO_8859_1));
    }

    private static byte[] bytes(String escaped) {
        return escaped.replace("\\r", "\r").replace("\\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
