package dev.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PosternCmdHandlerLoaderTest {
    @Test
    void theFormerNameLoadsTheSameHandlerChain() {
        assertThat(new PosternCmdHandlerLoader().getHandlers())
            .isEqualTo(new dev.postern.smtpd.PosternCmdHandlerLoader().getHandlers())
            .contains(dev.postern.smtpd.PosternRcptCmdHandler.class.getName());
    }
}
