package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.milter.MilterDefaultAction;
import dev.postern.milter.MilterSettings;
import dev.postern.milter.MilterStage;
import dev.postern.tables.TableRegistry;

/** smtpd_milters and the milter_* parameters read into each filter's settings. */
class SmtpdMiltersTest {
    private static SmtpdMilters of(String... lines) throws Exception {
        MainCf mainCf = MainCf.parse("main.cf", List.of(lines), Map.of());
        return SmtpdMilters.of(ComponentParameters.of(mainCf, name -> Optional.empty(), "MilterHook"), name -> {
            try {
                return tables.open(name);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        });
    }

    @TempDir
    static Path directory;
    private static TableRegistry tables;

    @BeforeAll
    static void tables() {
        tables = new TableRegistry(directory);
    }

    @Test
    void noMiltersByDefault() throws Exception {
        assertThat(of("myhostname = mx.example.com").isEmpty()).isTrue();
    }

    @Test
    void eachMilterInOrderWithPostfixsDefaults() throws Exception {
        SmtpdMilters milters = of("myhostname = mx.example.com",
            "smtpd_milters = inet:127.0.0.1:8891, unix:/run/opendkim.sock");

        assertThat(milters.milters()).extracting(m -> m.endpoint().name())
            .containsExactly("inet:127.0.0.1:8891", "unix:/run/opendkim.sock");
        MilterSettings first = milters.milters().get(0);
        assertThat(first.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(first.commandTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(first.contentTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(first.defaultAction()).isEqualTo(MilterDefaultAction.TEMPFAIL);
        assertThat(first.protocol()).isEqualTo(6);
        assertThat(first.macros(MilterStage.CONNECT)).containsExactly("j", "{daemon_name}", "{daemon_addr}", "v", "_");
        assertThat(first.macros(MilterStage.MAIL)).contains("i", "{auth_authen}", "{mail_addr}");
        assertThat(first.macros(MilterStage.RCPT)).containsExactly("i", "{rcpt_addr}", "{rcpt_host}", "{rcpt_mailer}");
        assertThat(first.macros(MilterStage.END_OF_MESSAGE)).containsExactly("i");
        assertThat(milters.daemonName()).isEqualTo("mx.example.com");
        assertThat(milters.v()).startsWith("Postern ");
    }

    @Test
    void settingsAndTheirErrors() throws Exception {
        SmtpdMilters milters = of("smtpd_milters = inet:127.0.0.1:8891", "milter_default_action = quarantine",
            "milter_protocol = 4 no_header_reply", "milter_content_timeout = 2m", "soft_bounce = yes");
        assertThat(milters.milters().get(0).defaultAction()).isEqualTo(MilterDefaultAction.QUARANTINE);
        assertThat(milters.milters().get(0).protocol()).isEqualTo(4);
        assertThat(milters.milters().get(0).contentTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(milters.softBounce()).isTrue();

        assertThatThrownBy(() -> of("smtpd_milters = inet:127.0.0.1:8891", "milter_default_action = shutdown"))
            .hasMessageContaining("milter_default_action = shutdown: expected accept, reject, tempfail or quarantine");
        assertThatThrownBy(() -> of("smtpd_milters = 8891@localhost"))
            .hasMessageContaining("expected inet:host:port or unix:/path");
        assertThatThrownBy(() -> of("smtpd_milters = { inet:127.0.0.1:8891, retries=3 }"))
            .hasMessageStartingWith("smtpd_milters: { inet:127.0.0.1:8891, retries=3 }: unknown per-milter setting retries");
        assertThatThrownBy(() -> of("smtpd_milters = { inet:127.0.0.1:8891, connect_timeout=soon }"))
            .hasMessageContaining("connect_timeout: bad time value \"soon\"");
        assertThatThrownBy(() -> of("smtpd_milters = { inet:127.0.0.1:8891, default_action }"))
            .hasMessageContaining("expected name=value");
    }

    @Test
    void postfixsPerMilterFormOverridesTheMilterParametersForThatFilterOnly() throws Exception {
        SmtpdMilters milters = of("milter_default_action = tempfail", "smtpd_milters = { inet:127.0.0.1:8891,"
            + " connect_timeout=10s, command_timeout = 20s, content_timeout=2m, default_action=accept, protocol=4 },"
            + " inet:127.0.0.1:8892, {unix:/run/rspamd.sock default_action=reject}");

        assertThat(milters.milters()).extracting(m -> m.endpoint().name())
            .containsExactly("inet:127.0.0.1:8891", "inet:127.0.0.1:8892", "unix:/run/rspamd.sock");
        MilterSettings first = milters.milters().get(0);
        assertThat(first.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(first.commandTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(first.contentTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(first.defaultAction()).isEqualTo(MilterDefaultAction.ACCEPT);
        assertThat(first.protocol()).isEqualTo(4);
        MilterSettings second = milters.milters().get(1);
        assertThat(second.defaultAction()).isEqualTo(MilterDefaultAction.TEMPFAIL);
        assertThat(second.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(second.protocol()).isEqualTo(6);
        assertThat(milters.milters().get(2).defaultAction()).isEqualTo(MilterDefaultAction.REJECT);
    }

    @Test
    void smtpdMilterMapsReplaceTheListPerClientAddress() throws Exception {
        Path map = directory.resolve("smtpd_milter_map");
        Files.writeString(map, """
            127.0.0.2/32    DISABLE
            127.0.0.3/32    inet:127.0.0.1:9001, inet:127.0.0.1:9002
            192.0.2.0/24    disable
            """);
        SmtpdMilters milters = of("smtpd_milters = inet:127.0.0.1:8891", "smtpd_milter_maps = cidr:" + map,
            "milter_default_action = accept");

        assertThat(milters.forClient("127.0.0.2").milters()).isEmpty();
        assertThat(milters.forClient("192.0.2.9").milters()).isEmpty();
        assertThat(milters.forClient("127.0.0.3").milters()).extracting(m -> m.endpoint().name())
            .containsExactly("inet:127.0.0.1:9001", "inet:127.0.0.1:9002");
        assertThat(milters.forClient("127.0.0.3").milters().get(0).defaultAction()).isEqualTo(MilterDefaultAction.ACCEPT);
        assertThat(milters.forClient("127.0.0.1").milters()).extracting(m -> m.endpoint().name())
            .containsExactly("inet:127.0.0.1:8891");
        assertThat(milters.forClient("127.0.0.1").warning()).isEmpty();
    }

    @Test
    void smtpdMilterMapsAloneStillAskTheTable() throws Exception {
        SmtpdMilters milters = of("smtpd_milter_maps = inline:{ 127.0.0.5=inet:127.0.0.1:9001 }");
        assertThat(milters.isEmpty()).isFalse();
        assertThat(milters.forClient("127.0.0.5").milters()).extracting(m -> m.endpoint().name())
            .containsExactly("inet:127.0.0.1:9001");
        assertThat(milters.forClient("127.0.0.6").milters()).isEmpty();
    }

    @Test
    void aFailedLookupOrABadResultIsAWarningNotAnUnfilteredClient() throws Exception {
        SmtpdMilters failing = of("smtpd_milters = inet:127.0.0.1:8891", "smtpd_milter_maps = fail:broken");
        SmtpdMilters.ClientMilters chosen = failing.forClient("127.0.0.1");
        assertThat(chosen.milters()).isEmpty();
        assertThat(chosen.warning()).hasValueSatisfying(w -> assertThat(w)
            .startsWith("smtpd_milter_maps lookup error for 127.0.0.1: "));

        SmtpdMilters bad = of("smtpd_milters = inet:127.0.0.1:8891",
            "smtpd_milter_maps = inline:{ 127.0.0.1=8891@localhost }");
        assertThat(bad.forClient("127.0.0.1").warning()).hasValueSatisfying(w -> assertThat(w)
            .contains("expected inet:host:port or unix:/path"));
    }
}
