package dev.postern.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class BareCarriageReturnsTest {
    private static String replace(String line) {
        return new String(BareCarriageReturns.replace(line.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aBareCrInsideALineBecomesASpace() {
        assertThat(replace("Subject: x\rFrom: \"Your Bank\" <security@bank.example>\r\n"))
            .isEqualTo("Subject: x From: \"Your Bank\" <security@bank.example>\r\n");
    }

    @Test
    void everyBareCrIsReplacedAndTheLineEndIsKept() {
        assertThat(replace("\r.\r\r\n")).isEqualTo(" . \r\n");
        assertThat(replace("a\r\rb\n")).isEqualTo("a  b\n");
    }

    @Test
    void aCrAtTheVeryEndIsBare() {
        assertThat(replace("abc\r")).isEqualTo("abc ");
    }

    @Test
    void aLineWithoutABareCrIsReturnedItself() {
        byte[] line = "Subject: ordinary\r\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(BareCarriageReturns.replace(line)).isSameAs(line);
    }
}
