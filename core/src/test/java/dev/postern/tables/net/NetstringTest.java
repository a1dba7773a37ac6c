package dev.postern.tables.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class NetstringTest {
    private static String decode(String wire, int limit) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8));
        return Netstring.decode(in::read, limit);
    }

    @Test
    void encodesTheLengthInBytes() {
        assertThat(new String(Netstring.encode("virtual user@example.com"), StandardCharsets.UTF_8))
            .isEqualTo("24:virtual user@example.com,");
        assertThat(new String(Netstring.encode(""), StandardCharsets.UTF_8)).isEqualTo("0:,");
        assertThat(Netstring.encode("é")).hasSize(5); // "2:" + two bytes + ","
    }

    @Test
    void decodesWhatItEncodes() throws IOException {
        assertThat(decode("12:hello world!,", 100)).isEqualTo("hello world!");
        assertThat(decode("0:,", 100)).isEmpty();
        assertThat(decode(new String(Netstring.encode("OK a,b:c"), StandardCharsets.UTF_8), 100)).isEqualTo("OK a,b:c");
    }

    @Test
    void rejectsMalformedAndOversizedNetstrings() {
        assertThatThrownBy(() -> decode("5:hello;", 100)).hasMessageContaining("missing comma");
        assertThatThrownBy(() -> decode("x:a,", 100)).hasMessageContaining("bad length");
        assertThatThrownBy(() -> decode(":a,", 100)).hasMessageContaining("missing length");
        assertThatThrownBy(() -> decode("101:", 100)).hasMessageContaining("exceeds the limit of 100");
        assertThatThrownBy(() -> decode("99999999999:", 100)).hasMessageContaining("bad length");
        assertThatThrownBy(() -> decode("5:hel", 100)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> decode("", 100)).isInstanceOf(EOFException.class).hasMessageContaining("closed");
    }
}
