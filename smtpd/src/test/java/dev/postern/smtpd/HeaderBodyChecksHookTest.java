package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.MainCf;

class HeaderBodyChecksHookTest {
    @TempDir
    Path dir;

    private static HeaderBodyChecksHook init(String... mainCf) throws Exception {
        return init(new BaseHierarchicalConfiguration(), mainCf);
    }

    private static HeaderBodyChecksHook init(BaseHierarchicalConfiguration handler, String... mainCf) throws Exception {
        HeaderBodyChecksHook hook = new HeaderBodyChecksHook(
            new HookEnvironment(MainCf.parse("main.cf", List.of(mainCf), Map.of()), null));
        hook.init(handler);
        return hook;
    }

    @Test
    void aTableThatCannotBeOpenedIsAStartupErrorNamingTheParameter() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> init("header_checks = regexp:" + missing))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("header_checks: cannot open regexp:" + missing);
        assertThatThrownBy(() -> init("body_checks = pcre:" + missing))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith("body_checks: cannot open pcre:" + missing);
    }

    @Test
    void aBadLimitIsAStartupErrorNamingTheParameter() {
        // main.cf itself refuses a non-number; a listener's override reaches the hook as written
        BaseHierarchicalConfiguration handler = new BaseHierarchicalConfiguration();
        handler.addProperty("body_checks_size_limit", "lots");
        assertThatThrownBy(() -> init(handler))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("body_checks_size_limit");
    }

    @Test
    void withoutTablesTheMessageIsNotRead() throws Exception {
        // neither the session nor the mail is touched: a null of either would throw
        assertThat(init().onMessage(null, null)).isEqualTo(HookResult.DECLINED);
    }
}
