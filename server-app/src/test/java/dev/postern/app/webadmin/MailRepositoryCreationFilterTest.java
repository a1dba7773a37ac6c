package dev.postern.app.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailRepositoryCreationFilterTest {
    @ParameterizedTest
    @ValueSource(strings = {"var/spool/hold", "var/spool/error", "var/spool/relay-denied", "var/spool/site_policy.v2",
        "var/x", "var/spool/hold/"})
    void foldersUnderVarMayBeCreated(String path) {
        assertThat(MailRepositoryCreationFilter.problem(MailRepositoryPath.from(path))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "~", "..\\wa3", "var", "var/", "var/../x", "var/spool/../../x", "var/./x", "var//x",
        "/etc/cron.d", "/var/spool/x", "var/.hidden", "var/spool\\..\\..\\x", "var/~", "var/sp ool", "conf/x",
        "var/x\r\nX-Injected: 1", "file://var/x", "VAR/x"})
    void anythingElseIsRefusedNamingThePath(String path) {
        assertThat(MailRepositoryCreationFilter.problem(MailRepositoryPath.from(path)))
            .hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("mail repositories can only be created under var/")
                .doesNotContain("\r", "\n"));
    }
}
