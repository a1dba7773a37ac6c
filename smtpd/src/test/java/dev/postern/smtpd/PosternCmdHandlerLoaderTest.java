package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.apache.james.protocols.smtp.core.ReceivedDataLineFilter;
import org.apache.james.protocols.smtp.core.esmtp.AuthCmdHandler;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;
import org.apache.james.smtpserver.AuthRequiredToRelayRcptHook;
import org.apache.james.smtpserver.CoreCmdHandlerLoader;
import org.apache.james.smtpserver.JamesDataCmdHandler;
import org.apache.james.smtpserver.JamesMailCmdHandler;
import org.apache.james.smtpserver.JamesRcptCmdHandler;
import org.apache.james.smtpserver.JamesWelcomeMessageHandler;
import org.apache.james.smtpserver.SendMailHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The handler chain is one ordered list, each link with its reason, built on James's core chain. */
class PosternCmdHandlerLoaderTest {
    /** James's core handlers that Postern's take the place of. */
    private static final Set<String> REPLACED = Set.of(AuthRequiredToRelayRcptHook.class.getName(),
        JamesWelcomeMessageHandler.class.getName(), AuthCmdHandler.class.getName(), JamesMailCmdHandler.class.getName(),
        JamesRcptCmdHandler.class.getName(), MailSizeEsmtpExtension.class.getName(),
        ReceivedDataLineFilter.class.getName(), SendMailHandler.class.getName(), JamesDataCmdHandler.class.getName());

    private final List<String> chain = new PosternCmdHandlerLoader().getHandlers();

    @Test
    void theHandlersAreTheLinksInTheirOrder() {
        assertThat(chain).isEqualTo(PosternCmdHandlerLoader.CHAIN.stream().map(link -> link.handler().getName()).toList());
    }

    @Test
    void everyLinkSaysWhyAndNoHandlerIsListedTwice() {
        assertThat(PosternCmdHandlerLoader.CHAIN).allSatisfy(link -> assertThat(link.why()).isNotBlank());
        assertThat(chain).doesNotHaveDuplicates();
    }

    /** James's relay check would accept what the restrictions refuse; its replacements must not let it back in. */
    @Test
    void jamesHandlersThatPosternReplacesAreNotInTheChain() {
        assertThat(chain).doesNotContainAnyElementsOf(REPLACED);
    }

    @Test
    void jamesCoreHandlersThatStayKeepJamesOrder() {
        List<String> kept = new CoreCmdHandlerLoader().getHandlers().stream().filter(name -> !REPLACED.contains(name)).toList();
        assertThat(chain.stream().filter(kept::contains).toList()).isEqualTo(kept);
    }

    @ParameterizedTest(name = "{0} before {1}")
    @CsvSource({
        "CommandArguments,        SmtpdRestrictionsHook",
        "RelayGuard,              SmtpdLogger",
        "RelayGuard,              QueueIdAssigner",
        "CommandPrechecks,        PosternWelcomeMessageHandler",
        "HeloNameCheck,           org.apache.james.protocols.smtp.core.HeloCmdHandler",
        "HeloNameCheck,           org.apache.james.protocols.smtp.core.esmtp.EhloCmdHandler",
        "DsnMailParameters,       SmtpdRestrictionsHook",
        "FutureRelease,           SmtpdRestrictionsHook",
        "DsnRecipientParameters,  SmtpdRestrictionsHook",
        "DsnRecipientParameters,  org.apache.james.protocols.smtp.core.PostmasterAbuseRcptHook",
        "RecipientLimitHook,      SmtpdRestrictionsHook",
        "SmtpdRestrictionsHook,   LocalRecipientHook",
        "DataRestrictionsHandler, PosternDataCmdHandler",
        "BareCarriageReturnFilter, PosternReceivedDataLineFilter",
        "PosternReceivedDataLineFilter,   CleanupHeaderLimits",
        "org.apache.james.smtpserver.dsn.DSNMessageHook, EndOfDataRestrictionsHook",
        "EndOfDataRestrictionsHook, HeaderBodyChecksHook",
        "HeaderBodyChecksHook,    QueueingMessageHook",
        "SmtpdRestrictionsHook,   MilterHook",
        "LocalRecipientHook,      MilterHook",
        "HeaderBodyChecksHook,    MilterHook",
        "MilterHook,              QueueingMessageHook",
        "DataRestrictionsHandler, MilterDataHandler",
        "MilterDataHandler,       PosternDataCmdHandler",
        "ClientInputMetering,     DataChunking",
    })
    void orderThatMatters(String first, String second) {
        assertThat(chain.indexOf(name(first))).isNotNegative().isLessThan(chain.indexOf(name(second)));
    }

    private static String name(String handler) {
        return handler.contains(".") ? handler : PosternCmdHandlerLoader.class.getPackageName() + "." + handler;
    }
}
