package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * What the chunker hands on, piece by piece: raw bytes for James's framer, chunks of plain body
 * lines for the writer; and that together they are always exactly the bytes read, in order.
 */
class DataChunkerTest {
    private static final int MAX_LINE = 40;

    /** Records each piece as "raw:TEXT" or "chunk(N):TEXT". */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> pieces = new ArrayList<>();
        final StringBuilder all = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DataChunk chunk) {
                String text = chunk.content().toString(StandardCharsets.ISO_8859_1);
                pieces.add("chunk(" + chunk.lines() + "):" + text);
                all.append(text);
                chunk.release();
            } else {
                ByteBuf raw = (ByteBuf) msg;
                String text = raw.toString(StandardCharsets.ISO_8859_1);
                pieces.add("raw:" + text);
                all.append(text);
                raw.release();
            }
        }
    }

    private final DataChunker chunker = new DataChunker(MAX_LINE);
    private final Recorder recorder = new Recorder();
    private final EmbeddedChannel channel = new EmbeddedChannel(chunker, recorder);

    private void read(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
    }

    @Test
    void beforeA354EverythingGoesToTheFramerAsItCame() {
        read("EHLO client.example\r\nMAIL FROM:<a@b>\r\n\r\nbody\r\n");

        assertThat(recorder.pieces).containsExactly("raw:EHLO client.example\r\nMAIL FROM:<a@b>\r\n\r\nbody\r\n");
        assertThat(chunker.isArmed()).isFalse();
    }

    @Test
    void theHeaderSectionGoesLineByLineAndTheBodyInChunks() {
        chunker.arm();
        read("Subject: hi\r\nFrom: a@b\r\n\r\nline one\r\nline two\r\n\r\nline four\r\n.\r\nQUIT\r\n");

        assertThat(recorder.pieces).containsExactly(
            "raw:Subject: hi\r\nFrom: a@b\r\n\r\n",
            "chunk(4):line one\r\nline two\r\n\r\nline four\r\n",
            "raw:.\r\nQUIT\r\n");
        assertThat(chunker.isArmed()).as("the end of data disarms").isFalse();
    }

    @Test
    void linesTheFiltersWouldChangeGoToTheFramer() {
        chunker.arm();
        read("\r\nplain\r\n..stuffed\r\nbare\rcr\r\nbare lf\nplain again\r\n"
            + "x".repeat(MAX_LINE + 1) + "\r\n" + "y".repeat(MAX_LINE) + "\r\n.\r\n");

        assertThat(recorder.pieces).containsExactly(
            "raw:\r\n",
            "chunk(1):plain\r\n",
            "raw:..stuffed\r\nbare\rcr\r\nbare lf\n",
            "chunk(1):plain again\r\n",
            "raw:" + "x".repeat(MAX_LINE + 1) + "\r\n",
            "chunk(1):" + "y".repeat(MAX_LINE) + "\r\n",
            "raw:.\r\n");
    }

    @Test
    void aLineSplitBetweenReadsGoesWholeToTheFramer() {
        chunker.arm();
        read("H: v\r\n\r\nfirst\r\nsec");
        read("ond\r\nthird\r\n");

        assertThat(recorder.pieces).containsExactly(
            "raw:H: v\r\n\r\n", "chunk(1):first\r\n", "raw:sec", "raw:ond\r\n", "chunk(1):third\r\n");
    }

    @Test
    void theBlankLineAndTheEndOfDataAreFoundWhenSplitBetweenReads() {
        chunker.arm();
        read("H: v\r\n\r");
        read("\nbody\r\n.");
        read("\r");
        read("\nMAIL FROM:<a@b>\r\n\r\nnot body\r\n");

        assertThat(recorder.pieces).containsExactly(
            "raw:H: v\r\n\r", "raw:\n", "chunk(1):body\r\n", "raw:.", "raw:\r",
            "raw:\nMAIL FROM:<a@b>\r\n\r\nnot body\r\n");
        assertThat(chunker.isArmed()).isFalse();
    }

    @Test
    void armedWhileTheFramerHoldsPartOfALineItWaitsForThatLineToEnd() {
        read("Subject: started before the 354 was seen\r\nTo: x");
        chunker.arm();
        read("@y\r\n\r\nbody\r\n");

        assertThat(recorder.pieces).containsExactly(
            "raw:Subject: started before the 354 was seen\r\nTo: x", "raw:@y\r\n\r\n", "chunk(1):body\r\n");
    }

    @Test
    void aPartialBlankLineBeforeArmingCountsWhenItEnds() {
        read("H: v\r\n\r");
        chunker.arm();
        read("\nbody\r\n");

        assertThat(recorder.pieces).containsExactly("raw:H: v\r\n\r", "raw:\n", "chunk(1):body\r\n");
    }

    @Test
    void aSecondMessageIsCutAfterItsOwn354() {
        chunker.arm();
        read("\r\nbody\r\n.\r\n");
        chunker.arm();
        read("H: v\r\n\r\nbody two\r\n.\r\n");

        assertThat(recorder.pieces).containsExactly("raw:\r\n", "chunk(1):body\r\n", "raw:.\r\n",
            "raw:H: v\r\n\r\n", "chunk(1):body two\r\n", "raw:.\r\n");
    }

    @Test
    void whateverTheSplitsAndContentThePiecesAreTheBytesReadInOrder() {
        Random random = new Random(19);
        String alphabet = "ab.\r\n \t";
        for (int round = 0; round < 200; round++) {
            StringBuilder sent = new StringBuilder();
            recorder.all.setLength(0);
            if (random.nextBoolean()) {
                chunker.arm();
            }
            int length = random.nextInt(400);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            int at = 0;
            while (at < text.length()) {
                int end = Math.min(text.length(), at + 1 + random.nextInt(30));
                read(text.substring(at, end));
                sent.append(text, at, end);
                if (random.nextInt(10) == 0) {
                    chunker.arm();
                }
                at = end;
            }
            assertThat(recorder.all.toString()).as("round %d", round).isEqualTo(sent.toString());
        }
        assertThat(recorder.pieces).as("some pieces were chunks").anyMatch(piece -> piece.startsWith("chunk"));
        assertThat(recorder.pieces).as("every chunk is whole plain lines").filteredOn(piece -> piece.startsWith("chunk"))
            .allSatisfy(piece -> {
                String lines = piece.substring(piece.indexOf(':') + 1);
                assertThat(lines).endsWith("\r\n");
                for (String line : lines.split("\r\n", -1)) {
                    assertThat(line).doesNotContain("\r", "\n").doesNotStartWith(".");
                }
            });
    }
}
