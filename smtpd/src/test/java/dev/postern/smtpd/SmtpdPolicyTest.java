package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.postern.config.ComponentParameters;
import dev.postern.config.MainCf;
import dev.postern.restrictions.RestrictionList;
import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;

/** One listener's restriction lists and when they run. */
class SmtpdPolicyTest {
    private static SmtpdPolicy policy(String... settings) throws Exception {
        List<String> lines = new ArrayList<>(List.of("myhostname = mx.example.com"));
        lines.addAll(List.of(settings));
        MainCf mainCf = MainCf.parse("main.cf", lines, Map.of());
        HookEnvironment environment = new HookEnvironment(mainCf, null);
        return SmtpdPolicy.of(ComponentParameters.of(mainCf, name -> java.util.Optional.empty(), "test"), environment,
            new FakeDomainList(), new FakeUsersRepository());
    }

    private static List<String> parameters(List<RestrictionList> lists) {
        return lists.stream().map(RestrictionList::parameter).toList();
    }

    @Test
    void withDelayRejectEachRcptRunsAllFiveListsInPostfixsOrder() throws Exception {
        assertThat(parameters(policy().rcptLists())).containsExactly("smtpd_client_restrictions",
            "smtpd_helo_restrictions", "smtpd_sender_restrictions", "smtpd_relay_restrictions",
            "smtpd_recipient_restrictions");
    }

    @Test
    void withoutDelayRejectRcptRunsOnlyTheRelayAndRecipientLists() throws Exception {
        SmtpdPolicy policy = policy("smtpd_delay_reject = no");

        assertThat(policy.delayReject()).isFalse();
        assertThat(parameters(policy.rcptLists())).containsExactly("smtpd_relay_restrictions", "smtpd_recipient_restrictions");
        assertThat(policy.clientList().parameter()).isEqualTo("smtpd_client_restrictions");
        assertThat(policy.heloList().parameter()).isEqualTo("smtpd_helo_restrictions");
        assertThat(policy.senderList().parameter()).isEqualTo("smtpd_sender_restrictions");
    }

    @Test
    void theDataAndEndOfDataListsAreParsedToo() throws Exception {
        SmtpdPolicy policy = policy("smtpd_data_restrictions = reject_multi_recipient_bounce",
            "smtpd_end_of_data_restrictions = reject");

        assertThat(policy.data().words()).containsExactly("reject_multi_recipient_bounce");
        assertThat(policy.endOfData().words()).containsExactly("reject");
    }

    @Test
    void listsThatCouldNotRefuseRelayStopTheStart() {
        assertThatThrownBy(() -> policy("smtpd_relay_restrictions = permit_mynetworks", "smtpd_recipient_restrictions ="))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("smtpd_relay_restrictions and smtpd_recipient_restrictions: neither has"
                + " reject_unauth_destination");
    }

    @Test
    void aRestrictionThatDoesNotExistNamesItsList() {
        assertThatThrownBy(() -> policy("smtpd_helo_restrictions = reject_helo_of_doom"))
            .hasMessageContaining("smtpd_helo_restrictions")
            .hasMessageContaining("reject_helo_of_doom");
    }
}
