package dev.postern.cleanup;


import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.postern.restrictions.Reply;

/**
 * The header limits as the lines of one message stream through them: what is kept, shortened or
 * dropped, and the refusal a message earns.
 */
class HeaderLimiterTest {
    private static final HeaderLimits POSTFIX_DEFAULTS = new HeaderLimits(102400, 50, 10240, 262144);

    @Test
    void aNormalMessagePassesByteForByte() {
        List<String> lines = List.of("Received: from a (b [1.2.3.4])\r\n", "\tby mx; Mon, 7 Dec 2026\r\n",
            "From: Alice <alice@example.com>\r\n", "To: bob@example.com, carol@example.com\r\n",
            "..Dotted: header\r\n", "Subject: hi\r\n", "\r\n", "body\r\n", "..dotted body\r\n");
        HeaderLimiter limiter = new HeaderLimiter(POSTFIX_DEFAULTS);

        assertThat(stream(limiter, lines)).isEqualTo(String.join("", lines));
        assertThat(limiter.verdict()).isEmpty();
    }

    @Test
    void headerSizeLimitDiscardsTheExcessOfOneLogicalHeader() {
        List<String> lines = new ArrayList<>();
        lines.add("X-Long: start\r\n");
        for (int i = 0; i < 100; i++) {
            lines.add("\tcontinuation-" + "x".repeat(80) + "\r\n");
        }
        lines.add("Subject: after\r\n");
        lines.add("\r\n");
        lines.add("\t" + "y".repeat(200) + "\r\n");
        HeaderLimiter limiter = new HeaderLimiter(new HeaderLimits(1000, 50, 10240, 262144));

        String kept = stream(limiter, lines);

        String longHeader = kept.substring(0, kept.indexOf("Subject:"));
        assertThat(unfoldedLength(longHeader)).as("header_size_limit: 1000 bytes of the logical header").isEqualTo(1000);
        assertThat(longHeader).startsWith("X-Long: start\r\n\tcontinuation-").endsWith("\r\n");
        assertThat(kept).as("the next header and the body are untouched")
            .endsWith("Subject: after\r\n\r\n\t" + "y".repeat(200) + "\r\n");
        assertThat(limiter.verdict()).as("Postfix accepts the message").isEmpty();
    }

    @Test
    void oneLineOverTheHeaderSizeLimitIsCutAtTheLimit() {
        HeaderLimiter limiter = new HeaderLimiter(new HeaderLimits(100, 50, 10240, 262144));

        String kept = stream(limiter, List.of("X-Huge: " + "z".repeat(500) + "\r\n", "\t" + "more\r\n", "\r\n"));

        assertThat(kept).isEqualTo("X-Huge: " + "z".repeat(92) + "\r\n\r\n");
    }

    @Test
    void theHopcountLimitthReceivedHeaderRefusesTheMessage() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 49; i++) {
            lines.add("Received: from hop" + i + ".example\r\n");
        }
        HeaderLimiter limiter = new HeaderLimiter(POSTFIX_DEFAULTS);
        stream(limiter, lines);
        assertThat(limiter.verdict()).as("49 Received: headers are below hopcount_limit = 50").isEmpty();

        assertThat(limiter.filter(bytes("Received: from hop49.example\r\n"))).isNull();

        assertThat(limiter.verdict()).contains(HeaderLimiter.TOO_MANY_HOPS);
        assertThat(HeaderLimiter.TOO_MANY_HOPS).isEqualTo(new Reply(554, "5.4.0", "Error: too many hops"));
        assertThat(limiter.filter(bytes("Subject: x\r\n"))).as("a refused message is not stored").isNull();
        assertThat(limiter.filter(bytes("\r\n"))).isNull();
    }

    @Test
    void receivedLinesInTheBodyAreNoHops() {
        List<String> lines = new ArrayList<>(List.of("Received: from a\r\n", "\r\n"));
        for (int i = 0; i < 60; i++) {
            lines.add("Received: from quoted" + i + "\r\n");
        }
        HeaderLimiter limiter = new HeaderLimiter(POSTFIX_DEFAULTS);

        assertThat(stream(limiter, lines)).isEqualTo(String.join("", lines));
        assertThat(limiter.verdict()).isEmpty();
    }

    @Test
    void addressTokenLimitDiscardsTheTokensBeyondIt() {
        // "a@b.c" is 5 tokens, each ", " adds one: 4 addresses = 23 tokens
        List<String> lines = List.of("To: a@b.c, d@e.f,\r\n", "\tg@h.i, j@k.l\r\n", "\t, m@n.o\r\n", "Subject: s\r\n", "\r\n");
        HeaderLimiter limiter = new HeaderLimiter(new HeaderLimits(102400, 50, 13, 262144));

        String kept = stream(limiter, lines);

        assertThat(kept).as("13 tokens: two addresses, their commas, and g")
            .isEqualTo("To: a@b.c, d@e.f,\r\n\tg\r\nSubject: s\r\n\r\n");
        assertThat(limiter.verdict()).isEmpty();
    }

    @Test
    void aQuotedStringOrCommentFoldedOverLinesIsOneToken() {
        List<String> lines = List.of("From: \"Alice\r\n", "\tLiddell\" (a comment\r\n", "\t(nested) still) <a@b>\r\n", "\r\n");
        HeaderLimiter limiter = new HeaderLimiter(new HeaderLimits(102400, 50, 7, 262144));

        assertThat(stream(limiter, lines)).as("quoted string, comment, <, a, @, b, > are 7 tokens")
            .isEqualTo(String.join("", lines));
    }

    @Test
    void tokensOfOtherHeadersAreNotCounted() {
        List<String> lines = List.of("Subject: a b c d e f g h i j k l m n o p\r\n", "\r\n");
        HeaderLimiter limiter = new HeaderLimiter(new HeaderLimits(102400, 50, 3, 262144));

        assertThat(stream(limiter, lines)).isEqualTo(String.join("", lines));
    }

    @Test
    void aHeaderBombIsRefusedWithoutStoringMoreThanTheBlockLimit() {
        HeaderLimiter limiter = new HeaderLimiter(POSTFIX_DEFAULTS);
        long stored = 0;
        for (int i = 0; i < 700_000; i++) {
            byte[] kept = limiter.filter(bytes("X-" + i + ": v\r\n"));
            stored += kept == null ? 0 : kept.length;
        }

        assertThat(limiter.verdict()).contains(HeaderLimiter.HEADER_TOO_BIG);
        assertThat(HeaderLimiter.HEADER_TOO_BIG.code()).isEqualTo(552);
        assertThat(stored).isLessThanOrEqualTo(262144);
    }

    @Test
    void aContinuationCutToBlanksIsDroppedSoItCannotEndTheHeader() {
        HeaderLimiter limiter = new HeaderLimiter(new HeaderLimits(102400, 50, 5, 262144));

        String kept = stream(limiter, List.of("To: a@b.c\r\n", "\t    , d@e.f\r\n", "Subject: s\r\n", "\r\n"));

        assertThat(kept).isEqualTo("To: a@b.c\r\nSubject: s\r\n\r\n");
    }

    private static String stream(HeaderLimiter limiter, List<String> lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : lines) {
            byte[] kept = limiter.filter(bytes(line));
            if (kept != null) {
                out.writeBytes(kept);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Postfix's measure of a logical header: its lines joined by one newline each, without the last. */
    private static int unfoldedLength(String header) {
        return header.replace("\r\n", "\n").length() - 1;
    }

    private static byte[] bytes(String line) {
        return line.getBytes(StandardCharsets.ISO_8859_1);
    }
}
