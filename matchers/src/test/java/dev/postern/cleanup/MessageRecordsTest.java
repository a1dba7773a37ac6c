package dev.postern.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MessageRecordsTest {
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // input (\r \n escaped as R and N) | records as content/terminator
        "aNbRNc           | a/N b/RN c/",
        "aRbN             | aRb/N",
        "RN               | /RN",
        "NN               | /N /N",
        "aR               | aR/",
        "''               | ''",
    })
    void recordsKeepTheirTerminators(String input, String expected) throws IOException {
        assertThat(describe(read(unescape(input), 1))).isEqualTo(expected);
        assertThat(describe(read(unescape(input), 4096))).isEqualTo(expected);
    }

    @Test
    void aLineLongerThanTheLimitIsCutIntoContinuedRecords() throws IOException {
        String line = "x".repeat(MessageRecords.LINE_LENGTH_LIMIT);
        List<MessageRecords.Record> records = read(line + "\r\nnext\r\n", 7);
        assertThat(records).hasSize(3);
        assertThat(records.get(0).continued()).isTrue();
        assertThat(records.get(1).content()).isEmpty();
        assertThat(records.get(1).continued()).as("the CRLF after exactly the limit ends the line").isFalse();
        assertThat(new String(records.get(2).content(), StandardCharsets.US_ASCII)).isEqualTo("next");
    }

    @Test
    void randomInputIsReproducedByteForByte() throws IOException {
        Random random = new Random(20261128);
        byte[] alphabet = {'a', '-', '\r', '\n', ' ', (byte) 0xc3};
        for (int round = 0; round < 200; round++) {
            byte[] input = new byte[random.nextInt(6000)];
            for (int i = 0; i < input.length; i++) {
                // long runs without a line break sometimes, to cross the length limit
                input[i] = random.nextInt(50) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) 'a';
            }
            ByteArrayOutputStream copy = new ByteArrayOutputStream();
            for (MessageRecords.Record record : read(input, 1 + random.nextInt(100))) {
                assertThat(record.content().length).isLessThanOrEqualTo(MessageRecords.LINE_LENGTH_LIMIT);
                copy.write(record.content());
                copy.write(record.terminator());
            }
            assertThat(copy.toByteArray()).isEqualTo(input);
            ByteArrayOutputStream unchanged = new ByteArrayOutputStream();
            ContentEdits.none().apply(new ByteArrayInputStream(input), unchanged);
            assertThat(unchanged.toByteArray()).isEqualTo(input);
        }
    }

    private static List<MessageRecords.Record> read(String input, int chunk) throws IOException {
        return read(input.getBytes(StandardCharsets.UTF_8), chunk);
    }

    /** Reads through a stream that hands out at most {@code chunk} bytes per call, to cross buffer refills. */
    private static List<MessageRecords.Record> read(byte[] input, int chunk) throws IOException {
        InputStream trickle = new ByteArrayInputStream(input) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        List<MessageRecords.Record> records = new ArrayList<>();
        try (MessageRecords reader = new MessageRecords(trickle)) {
            MessageRecords.Record record;
            while ((record = reader.next()) != null) {
                records.add(record);
            }
        }
        return records;
    }

    private static String unescape(String text) {
        return text.replace("R", "\r").replace("N", "\n");
    }

    private static String describe(List<MessageRecords.Record> records) {
        List<String> parts = new ArrayList<>();
        for (MessageRecords.Record record : records) {
            String terminator = new String(record.terminator(), StandardCharsets.US_ASCII).replace("\r", "R").replace("\n", "N");
            parts.add(new String(record.content(), StandardCharsets.US_ASCII).replace("\r", "R") + "/" + terminator);
        }
        return String.join(" ", parts);
    }
}
