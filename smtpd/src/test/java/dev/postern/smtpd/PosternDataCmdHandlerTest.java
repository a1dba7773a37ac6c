package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.smtpserver.DataLineJamesMessageHookHandler;
import org.junit.jupiter.api.Test;

/** The body is cut into chunks only when the chunk writer stands in for every DATA line filter. */
class PosternDataCmdHandlerTest {
    /** A site's own line filter, which must see every line. */
    private static final class SiteFilter implements DataLineFilter {
        @Override
        public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
            return next.onLine(session, line);
        }
    }

    private static List<Object> posternChain() {
        return List.of(new BareCarriageReturnFilter(), new PosternReceivedDataLineFilter(),
            new DataLineJamesMessageHookHandler());
    }

    @Test
    void posternsOwnChainIsChunked() {
        assertThat(PosternDataCmdHandler.canChunk(posternChain())).isTrue();
    }

    @Test
    void aSiteFilterAnywhereInTheChainKeepsEveryLineOnJamessPath() {
        List<Object> withSiteFilter = new ArrayList<>(posternChain());
        withSiteFilter.add(1, new SiteFilter());

        assertThat(PosternDataCmdHandler.canChunk(withSiteFilter)).isFalse();
    }

    @Test
    void withoutTheReceivedFilterNothingMarksTheEndOfTheHeaderSoNothingIsChunked() {
        assertThat(PosternDataCmdHandler.canChunk(List.of(new BareCarriageReturnFilter(),
            new DataLineJamesMessageHookHandler()))).isFalse();
    }
}
