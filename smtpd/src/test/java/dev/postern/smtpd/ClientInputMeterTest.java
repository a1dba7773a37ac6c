package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.protocols.netty.HandlerConstants;
import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * The meter in a pipeline shaped like James's (framer, then the command dispatcher): what the
 * dispatcher would see of unread input at each line.
 */
class ClientInputMeterTest {
    private static final int MAX_LINE = 20;

    /** Records, at each line, the line and whether input was pending and what. */
    private static final class Dispatcher extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();
        ClientInputMeter meter;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DataChunk chunk) {
                seen.add("chunk(" + chunk.lines() + ")" + (meter.hasPendingInput() ? " + " + meter.pendingText(100) : ""));
                chunk.release();
                return;
            }
            ByteBuf line = (ByteBuf) msg;
            String text = line.toString(StandardCharsets.US_ASCII).trim();
            line.release();
            seen.add(text + (meter.hasPendingInput() ? " + " + meter.pendingText(100) : ""));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            seen.add("too long" + (meter.hasPendingInput() ? " + " + meter.pendingText(100) : ""));
        }
    }

    private final Dispatcher dispatcher = new Dispatcher();
    private final EmbeddedChannel channel = new EmbeddedChannel();

    ClientInputMeterTest() {
        channel.pipeline().addLast(HandlerConstants.FRAMER, new LineBasedFrameDecoder(MAX_LINE, false, false));
        channel.pipeline().addLast(HandlerConstants.CORE_HANDLER, dispatcher);
        dispatcher.meter = ClientInputMeter.addTo(channel.pipeline()).orElseThrow();
    }

    private void receive(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    void readingPausesWhileTooManyLinesWaitAndResumesWhenTheyAreWorkedOff() {
        List<Boolean> readingAtEachLine = new ArrayList<>();
        channel.pipeline().addBefore(HandlerConstants.CORE_HANDLER, "autoReadProbe", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                readingAtEachLine.add(ctx.channel().config().isAutoRead());
                ctx.fireChannelRead(msg);
            }
        });

        receive("X-b: 1\r\n".repeat((int) InputBacklogLimit.HIGH + 1));

        assertThat(readingAtEachLine.get(0)).as("over the limit when the read arrived: reading paused").isFalse();
        int resumedAt = readingAtEachLine.indexOf(true);
        assertThat(resumedAt).as("reading resumes once only LOW lines wait")
            .isEqualTo((int) (InputBacklogLimit.HIGH - InputBacklogLimit.LOW));
        assertThat(channel.config().isAutoRead()).isTrue();
        assertThat(dispatcher.seen).hasSize((int) InputBacklogLimit.HIGH + 1);
    }

    @Test
    void commandsSentOneAtATimeLeaveNothingPending() {
        receive("HELO x\r\n");
        receive("MAIL FROM:<a@b>\r\n");
        assertThat(dispatcher.seen).containsExactly("HELO x", "MAIL FROM:<a@b>");
    }

    @Test
    void commandsSentInOneWriteShowWhatFollowsEachOne() {
        receive("HELO x\r\nMAIL FROM:<a@b>\r\nDATA\r\n");
        assertThat(dispatcher.seen).containsExactly(
            "HELO x + MAIL FROM:<a@b>\\r\\nDATA\\r\\n",
            "MAIL FROM:<a@b> + DATA\\r\\n",
            "DATA");
    }

    @Test
    void partOfALineIsPendingInputToo() {
        receive("HELO x\r\nMA");
        receive("IL FROM:<a@b>\r\n");
        assertThat(dispatcher.seen).containsExactly("HELO x + MA", "MAIL FROM:<a@b>");
    }

    @Test
    void aDroppedOverlongLineDoesNotSkewTheCount() {
        receive("X".repeat(MAX_LINE + 5) + "\r\nNOOP\r\n");
        receive("QUIT\r\n");
        assertThat(dispatcher.seen).containsExactly("too long + NOOP\\r\\n", "NOOP", "QUIT");
    }

    @Test
    void theTailKeepsTheLatestInputAcrossManyReads() {
        for (int i = 0; i < 40; i++) {
            receive("NOOP " + (100 + i) + "\r\n");
        }
        // 400 bytes so far; this read wraps around the 512-byte tail
        receive("RSET\r\nNOOP\r\n" + "XXXXXXXXXX\r\n".repeat(20) + "QU");
        assertThat(dispatcher.seen.get(39)).isEqualTo("NOOP 139");
        assertThat(dispatcher.seen.get(40)).startsWith("RSET + NOOP\\r\\nXXXXXXXXXX\\r\\n");
        assertThat(dispatcher.seen.get(41)).startsWith("NOOP + XXXXXXXXXX\\r\\n");
        assertThat(dispatcher.seen.get(dispatcher.seen.size() - 1)).isEqualTo("XXXXXXXXXX + QU");
    }

    @Test
    void pendingInputLongerThanTheTailShowsWhatIsLeftOfIt() {
        receive("RSET\r\nNOOP\r\n" + "XXXXXXXXXX\r\n".repeat(70));
        assertThat(dispatcher.seen.get(0)).startsWith("RSET + X").doesNotContain("NOOP");
    }

    @Test
    void pendingTextIsEscapedAsPostfixDoes() {
        receive("HELO x\r\n\t\u0001\\\r\n");
        assertThat(dispatcher.seen.get(0)).isEqualTo("HELO x + \\t\\001\\\\\\r\\n");
    }

    @Test
    void aMessageBodyCutIntoChunksIsCountedLineForLineAndWhatFollowsItIsPending() {
        DataChunker chunker = new DataChunker(MAX_LINE);
        channel.pipeline().addBefore(ClientInputMeter.RECEIVED, DataChunker.NAME, chunker);
        chunker.arm();

        receive("Subject: x\r\n\r\nbody one\r\nbody two\r\n.\r\nQUIT\r\n");

        // here each piece the chunker hands on is dispatched at once (James's framer runs on an
        // executor of its own, so there every piece of a read is counted before the first line runs)
        assertThat(dispatcher.seen).containsExactly(
            "Subject: x + \\r\\n",
            "",
            "chunk(2)",
            ". + QUIT\\r\\n",
            "QUIT");
        assertThat(dispatcher.meter.hasPendingInput()).isFalse();
    }
}
