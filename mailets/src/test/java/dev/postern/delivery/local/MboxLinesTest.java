package dev.postern.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MboxLinesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "From me\\r\\n|>From me\\n",
        "a\\r\\nFrom the start\\r\\nb\\r\\n|a\\n>From the start\\nb\\n",
        ">From quoted\\r\\n|>>From quoted\\n",
        ">>>From deep\\n|>>>>From deep\\n",
        "From\\r\\n|From\\n",
        "Fromage\\r\\n|Fromage\\n",
        "' From indented\\r\\n'|' From indented\\n'",
        "> From spaced\\r\\n|> From spaced\\n",
        "no newline at end|no newline at end\\n",
        "From|From\\n",
        "x\\rFrom y\\r\\n|x\\rFrom y\\n",
        "mid From line\\r\\n|mid From line\\n"})
    void quotesFromLinesAsMboxrdAndEndsLinesInLf(String input, String expected) throws Exception {
        assertThat(filter(unescape(input))).isEqualTo(unescape(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1", "2", "3", "7"})
    void theResultDoesNotDependOnHowTheBytesAreChunked(int chunk) throws Exception {
        String input = "From a\r\n>From b\r\nc From d\r\n\r\nFrom e";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MboxLines lines = new MboxLines(out);
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunk) {
            lines.write(bytes, i, Math.min(chunk, bytes.length - i));
        }
        lines.finish();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(">From a\n>>From b\nc From d\n\n>From e\n");
    }

    private static String filter(String input) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MboxLines lines = new MboxLines(out);
        for (byte b : input.getBytes(StandardCharsets.UTF_8)) {
            lines.write(b);
        }
        lines.finish();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n");
    }
}
