package dev.postern.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.address.AddressClassifier;
import dev.postern.address.NetworkList;
import dev.postern.config.ConfigException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;
import dev.postern.smtp.RelayDecision.Verdict;

class RelayDecisionTest {
    private static final Map<String, String> MAIN_CF = Map.of(
        "mydestination", "mx.example.com, localhost",
        "relay_domains", "relay.example.org, inline:{tabled.example.org=yes}",
        "virtual_alias_domains", "alias.example.org",
        "virtual_mailbox_domains", "",
        "parent_domain_matches_subdomains", "relay_domains,smtpd_access_maps");

    private final RelayDecision decision = new RelayDecision(
        NetworkList.parse("mynetworks", List.of("127.0.0.1/32", "!192.0.2.9", "192.0.2.0/24")),
        AddressClassifier.fromParameters(MAIN_CF::get, Set.of(), RelayDecisionTest::table,
            Set.of("added.example.net")::contains));

    private static LookupTable table(String spec) {
        try {
            return new TableRegistry().open(spec);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e);
        }
    }

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
        // relay_domains may name tables; virtual alias domains are final destinations too
        "127.0.0.2, user@tabled.example.org, false, PERMIT_DESTINATION",
        "127.0.0.2, user@alias.example.org, false, PERMIT_DESTINATION",
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
