package dev.postern.tables.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TcpTableEncodingTest {
    @Test
    void encodesPercentWhiteSpaceAndNonPrintingBytes() {
        assertThat(TcpTableEncoding.encode("a b%c\nd\te")).isEqualTo("a%20b%25c%0Ad%09e");
        assertThat(TcpTableEncoding.encode("user@example.com")).isEqualTo("user@example.com");
        assertThat(TcpTableEncoding.encode("é")).isEqualTo("%C3%A9");
    }

    @Test
    void decodesEitherCaseAndKeepsAStrayPercent() {
        assertThat(TcpTableEncoding.decode("a%20b%2fc%2Fd")).isEqualTo("a b/c/d");
        assertThat(TcpTableEncoding.decode("100% sure%")).isEqualTo("100% sure%");
        assertThat(TcpTableEncoding.decode(TcpTableEncoding.encode("x y\r\n%é"))).isEqualTo("x y\r\n%é");
    }
}
