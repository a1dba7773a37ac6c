package dev.postern.delivery.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class StsTxtRecordTest {
    @Test
    void theIdOfTheOneStsRecordOtherRecordsIgnored() {
        assertThat(StsTxtRecord.policyId(List.of("v=spf1 -all", "v=STSv1; id=20160831085700Z;")))
            .contains("20160831085700Z");
        assertThat(StsTxtRecord.policyId(List.of("v=STSv1;id=abc; ext=1"))).contains("abc");
    }

    @Test
    void noPolicyWhenTwoRecordsNoIdOrABadId() {
        assertThat(StsTxtRecord.policyId(List.of("v=STSv1; id=a;", "v=STSv1; id=b;"))).isEmpty();
        assertThat(StsTxtRecord.policyId(List.of("v=STSv1;"))).isEmpty();
        assertThat(StsTxtRecord.policyId(List.of("v=STSv1; id=has-hyphen"))).isEmpty();
        assertThat(StsTxtRecord.policyId(List.of("v=STSv1; id=" + "a".repeat(33)))).isEmpty();
        assertThat(StsTxtRecord.policyId(List.of("v=STSv10; id=a"))).isEmpty();
        assertThat(StsTxtRecord.policyId(List.of())).isEmpty();
    }
}
