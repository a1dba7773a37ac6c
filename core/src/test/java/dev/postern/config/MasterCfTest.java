package dev.postern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import dev.postern.config.MasterCfService.Role;

class MasterCfTest {
    private static final Path DEBIAN = Path.of("/usr/share/postfix/master.cf.dist");

    private static MasterCf parse(String... lines) throws ConfigException {
        return MasterCf.parse("master.cf", List.of(lines), Path.of("master.cf"));
    }

    static boolean debianInstalled() {
        return Files.isRegularFile(DEBIAN);
    }

    @Test
    @EnabledIf("debianInstalled")
    void debiansMasterCfLoadsAndEveryServiceHasARole() throws ConfigException {
        MasterCf master = MasterCf.load(DEBIAN);

        assertThat(master.withRole(Role.LISTENER)).extracting(MasterCfService::key).containsExactly("smtp/inet");
        assertThat(master.withRole(Role.TRANSPORT)).extracting(MasterCfService::name)
            .contains("smtp", "relay", "error", "retry", "discard", "local", "virtual", "lmtp", "maildrop", "uucp",
                "ifmail", "bsmtp", "scalemail-backend", "mailman");
        assertThat(master.withRole(Role.POSTFIX_INTERNAL)).extracting(MasterCfService::name)
            .contains("pickup", "cleanup", "qmgr", "tlsmgr", "rewrite", "bounce", "defer", "trace", "verify", "flush",
                "proxymap", "proxywrite", "showq", "anvil", "scache", "postlog");
        assertThat(master.transport("relay").orElseThrow().overrides())
            .containsExactly(Map.entry("syslog_name", "postfix/relay"));
        MasterCfService maildrop = master.transport("maildrop").orElseThrow();
        assertThat(maildrop.command()).isEqualTo("pipe");
        assertThat(maildrop.attribute("flags")).contains("DRXhu");
        assertThat(maildrop.attribute("user")).contains("vmail");
        assertThat(maildrop.argv()).containsExactly("/usr/bin/maildrop", "-d", "${recipient}");
        assertThat(master.transport("uucp").orElseThrow().argv())
            .containsExactly("uux", "-r", "-n", "-z", "-a$sender", "-", "$nexthop!rmail", "($recipient)");
    }

    @Test
    void continuationLinesCommentsAndBothOverrideForms() throws ConfigException {
        MasterCf master = parse(
            "# a comment",
            "submission inet n       -       y       -       -       smtpd",
            "  -o syslog_name=postfix/$service_name",
            "# a comment inside the entry does not end it",
            "  -o smtpd_tls_security_level=encrypt",
            "  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }",
            "  -o { smtpd_helo_restrictions = }",
            "",
            "127.0.0.1:10025 inet n - n - - smtpd -o content_filter= -v");

        MasterCfService submission = master.services().get(0);
        assertThat(submission.role()).isEqualTo(Role.LISTENER);
        assertThat(submission.line()).isEqualTo(2);
        assertThat(submission.overrides()).containsExactly(
            Map.entry("syslog_name", "postfix/submission"),
            Map.entry("smtpd_tls_security_level", "encrypt"),
            Map.entry("smtpd_client_restrictions", "permit_sasl_authenticated, reject"),
            Map.entry("smtpd_helo_restrictions", ""));
        MasterCfService filter = master.services().get(1);
        assertThat(filter.name()).isEqualTo("127.0.0.1:10025");
        assertThat(filter.overrides()).containsExactly(Map.entry("content_filter", ""));
        assertThat(filter.arguments()).isEmpty();
    }

    @Test
    void groupedArgumentsOfArgvKeepTheirSpaces() throws ConfigException {
        MasterCfService pipe = parse("script unix - n n - 1 pipe flags=Rq user=nobody",
            "  argv=/bin/echo { two words } {} ${recipient}").services().get(0);

        assertThat(pipe.argv()).containsExactly("/bin/echo", "two words", "", "${recipient}");
        assertThat(pipe.processLimit(100)).isEqualTo(1);
    }

    @Test
    void theLastEntryOfTheSameNameAndTypeWins() throws ConfigException {
        MasterCf master = parse("smtp unix - - n - - smtp", "smtp inet n - n - - smtpd",
            "smtp unix - - n - - smtp -o smtp_helo_name=second");

        assertThat(master.services()).extracting(MasterCfService::key).containsExactly("smtp/inet", "smtp/unix");
        assertThat(master.transport("smtp").orElseThrow().overrides()).containsEntry("smtp_helo_name", "second");
    }

    @Test
    void errorsNameTheFileAndTheLine() {
        assertThatThrownBy(() -> parse("# x", "smtp inet n - n - smtpd"))
            .hasMessageStartingWith("master.cf, line 2: expected 8 fields");
        assertThatThrownBy(() -> parse("smtp tcp n - n - - smtpd"))
            .hasMessageContaining("master.cf, line 1: smtp: unknown service type \"tcp\"");
        assertThatThrownBy(() -> parse("smtp inet n - n x - smtpd"))
            .hasMessageContaining("master.cf, line 1: smtp/inet: field 6 (wakeup) is \"x\"");
        assertThatThrownBy(() -> parse("smtp inet n - n - - smtpd", "  -o nothing"))
            .hasMessageContaining("master.cf, line 1: smtp/inet: -o nothing: expected -o name=value");
        assertThatThrownBy(() -> parse("x unix - n n - - pipe argv=/bin/a { b"))
            .hasMessageContaining("master.cf, line 1: missing }");
        assertThatThrownBy(() -> parse("  -o a=b"))
            .hasMessageStartingWith("master.cf, line 1: continuation line before any service");
        assertThatThrownBy(() -> parse("smtp inet n - n - - smtpd -o"))
            .hasMessageContaining("-o at the end of the line");
    }

    @Test
    void programsPosternDoesNotRunAreListedNotRefused() throws ConfigException {
        MasterCf master = parse("628 inet n - n - - qmqpd", "smtpd pass - - n - - smtpd",
            "smtp inet n - n - 1 postscreen");

        assertThat(master.withRole(Role.NOT_RUN)).extracting(MasterCfService::key).containsExactly("628/inet");
        assertThat(master.withRole(Role.POSTFIX_INTERNAL)).extracting(MasterCfService::key).containsExactly("smtpd/pass");
        assertThat(master.withRole(Role.LISTENER)).extracting(MasterCfService::key).containsExactly("smtp/inet");
    }
}
