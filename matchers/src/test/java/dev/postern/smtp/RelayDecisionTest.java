package dev.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.address.NetworkList;
import dev.postern.smtp.RelayDecision.Verdict;

class RelayDecisionTest {
    private final RelayDecision decision = new RelayDecision(
        NetworkList.parse("mynetworks", List.of("127.0.0.1/32", "!192.0.2.9", "192.0.2.0/24")),
        List.of("mx.example.com", "localhost"),
        List.of("relay.example.org"),
        Set.of("added.example.net")::contains);

    @ParameterizedTest(name = "{0} {1} auth={2} -> {3}")
    @CsvSource({
        // trusted clients relay anywhere
        "127.0.0.1, relaytest@victim.example, false, PERMIT_MYNETWORKS",
        "192.0.2.5, relaytest@victim.example, false, PERMIT_MYNETWORKS",
        // a negated entry wins when it comes first
        "192.0.2.9, relaytest@victim.example, false, DEFER_UNAUTH_DESTINATION",
        "127.0.0.2, relaytest@victim.example, true, PERMIT_SASL",
        // untrusted clients reach final and relay destinations only
        "127.0.0.2, relaytest@victim.example, false, DEFER_UNAUTH_DESTINATION",
        "127.0.0.2, user@mx.example.com, false, PERMIT_DESTINATION",
        "127.0.0.2, user@MX.Example.COM, false, PERMIT_DESTINATION",
        "127.0.0.2, user@added.example.net, false, PERMIT_DESTINATION",
        "127.0.0.2, user@relay.example.org, false, PERMIT_DESTINATION",
        "127.0.0.2, user@sub.relay.example.org, false, PERMIT_DESTINATION",
        "127.0.0.2, user@notrelay.example.org, false, DEFER_UNAUTH_DESTINATION",
        // sender-specified routing never grants relay, even through a local or relay domain
        "127.0.0.2, relaytest%victim.example@mx.example.com, false, DEFER_UNAUTH_DESTINATION",
        "127.0.0.2, victim.example!relaytest@mx.example.com, false, DEFER_UNAUTH_DESTINATION",
        "127.0.0.2, \"relaytest@victim.example\"@mx.example.com, false, DEFER_UNAUTH_DESTINATION",
        "127.0.0.2, relaytest%victim.example@relay.example.org, false, DEFER_UNAUTH_DESTINATION",
    })
    void decidesLikePostfixDefaultRelayRestrictions(String client, String recipient, boolean authenticated, Verdict expected)
            throws Exception {
        assertThat(decision.decide(InetAddress.getByName(client), authenticated, new MailAddress(recipient)))
            .isEqualTo(expected);
    }
}
