package dev.postern.tables.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResultFormatTest {
    @Test
    void lowerCaseTakesTheValueUpperCaseAndDigitsTheKey() throws Exception {
        ResultFormat format = ResultFormat.parse("%u at %d for %U of %D (%2) 100%%", "x.cf:4");

        assertThat(format.format("joe@example.org", "ann@mail.example.com"))
            .contains("joe at example.org for ann of mail.example.com (example) 100%");
    }

    @Test
    void aValueWithoutWhatTheFormatNeedsIsLeftOut() throws Exception {
        assertThat(ResultFormat.parse("smtp:[%d]", "x.cf:4").format("relayhost", "k")).isEmpty();
        assertThat(ResultFormat.parse("smtp:[%s]", "x.cf:4").format("relayhost", "k")).contains("smtp:[relayhost]");
    }

    @Test
    void anUnknownExpansionNamesTheLine() {
        assertThatThrownBy(() -> ResultFormat.parse("%q", "x.cf:4"))
            .hasMessage("x.cf:4: result_format: unknown expansion %q (known: %s %u %d %1-%9 %S %U %D %%)");
    }
}
