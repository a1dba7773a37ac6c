package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.netty.channel.embedded.EmbeddedChannel;

/** Reading from a client pauses above HIGH waiting lines and resumes at LOW: TCP holds the rest. */
class InputBacklogLimitTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();

    @Test
    void readingPausesOnlyAboveTheHighMark() {
        InputBacklogLimit.afterReceived(channel, InputBacklogLimit.HIGH);
        assertThat(channel.config().isAutoRead()).isTrue();

        InputBacklogLimit.afterReceived(channel, InputBacklogLimit.HIGH + 1);
        assertThat(channel.config().isAutoRead()).isFalse();
    }

    @Test
    void aPausedChannelResumesOnlyOnceTheBacklogIsDownToTheLowMark() {
        InputBacklogLimit.afterReceived(channel, InputBacklogLimit.HIGH + 1);

        InputBacklogLimit.afterDispatched(channel, InputBacklogLimit.LOW + 1);
        assertThat(channel.config().isAutoRead()).isFalse();

        InputBacklogLimit.afterDispatched(channel, InputBacklogLimit.LOW);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void dispatchingNeverPausesAndReceivingNeverResumes() {
        InputBacklogLimit.afterDispatched(channel, InputBacklogLimit.HIGH * 2);
        assertThat(channel.config().isAutoRead()).isTrue();

        channel.config().setAutoRead(false);
        InputBacklogLimit.afterReceived(channel, 0);
        assertThat(channel.config().isAutoRead()).isFalse();
    }
}
