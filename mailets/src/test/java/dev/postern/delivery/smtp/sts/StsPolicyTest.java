package dev.postern.delivery.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class StsPolicyTest {
    private static final String WHERE = "https://mta-sts.example.com/.well-known/mta-sts.txt";

    @Test
    void parsesTheFieldsOfRfc8461sExampleWithCrLf() throws StsPolicyException {
        StsPolicy policy = StsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
            + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n", WHERE);

        assertThat(policy.mode()).isEqualTo(StsMode.ENFORCE);
        assertThat(policy.maxAge()).isEqualTo(Duration.ofSeconds(604800));
        assertThat(policy.mx()).extracting(MxPattern::pattern)
            .containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(policy.lines()).containsExactly("version: STSv1", "mode: enforce", "mx: mail.example.com",
            "mx: *.example.net", "mx: backupmx.example.com", "max_age: 604800");
        assertThat(policy.allows("MAIL.example.com.")).isTrue();
        assertThat(policy.allows("mx1.example.net")).isTrue();
        assertThat(policy.allows("other.example.com")).isFalse();
    }

    @Test
    void theFirstOfARepeatedFieldCountsAndUnknownFieldsAreIgnored() throws StsPolicyException {
        StsPolicy policy = StsPolicy.parse("version: STSv1\nmode: testing\nmode: enforce\nfuture_field: x\n"
            + "mx: a.example\nmax_age:86400\nmax_age: 5\n", WHERE);

        assertThat(policy.mode()).isEqualTo(StsMode.TESTING);
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void modeNoneNeedsNoMx() throws StsPolicyException {
        assertThat(StsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\n", WHERE).mx()).isEmpty();
    }

    @Test
    void refusesWhatTheRfcDoesNotAllowNamingTheLine() {
        List.of(
            new String[] {"mode: enforce\nversion: STSv1\nmx: a.example\nmax_age: 1\n", "line 1: the first field must be version"},
            new String[] {"version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "line 1: version \"STSv2\" is not STSv1"},
            new String[] {"version: STSv1\nmode: on\nmx: a.example\nmax_age: 1\n", "line 2: mode \"on\""},
            new String[] {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", "line 4: max_age \"31557601\""},
            new String[] {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", "line 4: max_age"},
            new String[] {"version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 1\n", "line 3: mx \"a.*.example\""},
            new String[] {"version: STSv1\nmode: enforce\nmx a.example\nmax_age: 1\n", "line 3: not a \"key: value\" field"},
            new String[] {"version: STSv1\nmode: enforce\nmax_age: 1\n", "mode enforce without any mx field"},
            new String[] {"version: STSv1\nmode: testing\nmx: a.example\n", "no max_age field"},
            new String[] {"version: STSv1\nmx: a.example\nmax_age: 1\n", "no mode field"},
            new String[] {"<html>oops</html>", "line 1"}
        ).forEach(c -> assertThatThrownBy(() -> StsPolicy.parse(c[0], WHERE))
            .as(c[0]).isInstanceOf(StsPolicyException.class).hasMessageStartingWith(WHERE).hasMessageContaining(c[1]));
    }
}
