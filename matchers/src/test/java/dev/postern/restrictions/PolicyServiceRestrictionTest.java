package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.actions;
import static dev.postern.restrictions.Fixtures.config;
import static dev.postern.restrictions.Fixtures.outcome;
import static dev.postern.restrictions.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.policy.TinyPolicyServer;

/** check_policy_service in restriction lists, against a policy server on 127.0.0.1 that answers what the test sets. */
class PolicyServiceRestrictionTest {
    /** The action the server answers, by recipient. */
    private static final Map<String, String> ANSWERS = new ConcurrentHashMap<>();
    private static TinyPolicyServer server;

    @BeforeAll
    static void start() throws IOException {
        server = new TinyPolicyServer(request -> ANSWERS.getOrDefault(request.get("recipient"), "DUNNO"));
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    private static Verdict rcpt(String list, String recipient, String stateSpec) {
        return config().parse("smtpd_recipient_restrictions", list).evaluate(state("rcpt=" + recipient + " " + stateSpec));
    }

    @ParameterizedTest(name = "[{index}] {1}, {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # recipient | the server's action | the restriction after it | reply | side effects
        a1@example.com | REJECT not on my watch | permit | 554 5.7.1 <a1@example.com>: Recipient address rejected: not on my watch |
        a2@example.com | 550 5.7.23 SPF says no | permit | 550 5.7.23 <a2@example.com>: Recipient address rejected: SPF says no |
        a3@example.com | DEFER_IF_PERMIT Greylisted, see http://x.test/ | permit | 450 4.7.1 <a3@example.com>: Recipient address rejected: Greylisted, see http://x.test/ |
        a3@example.com | DEFER_IF_PERMIT Greylisted, see http://x.test/ | reject | 554 5.7.1 <a3@example.com>: Recipient address rejected: Access denied |
        a4@example.com | OK | reject | PERMIT |
        a5@example.com | DUNNO | reject | 554 5.7.1 <a5@example.com>: Recipient address rejected: Access denied |
        a6@example.com | PREPEND Received-SPF: Pass (mailfrom) | permit | PERMIT | PREPEND:Received-SPF: Pass (mailfrom)
        a7@example.com | HOLD held by policy | permit | PERMIT | HOLD:held by policy
        a8@example.com | REDIRECT other@example.net | permit | PERMIT | REDIRECT:other@example.net
        a9@example.com | FILTER smtp:[127.0.0.1]:10025 | permit | PERMIT | FILTER:smtp:[127.0.0.1]:10025
        b1@example.com | DISCARD spam | reject | PERMIT | DISCARD:spam
        b2@elsewhere.test | reject_unauth_destination | permit | 554 5.7.1 <b2@elsewhere.test>: Relay access denied |
        b3@example.com | permit_mynetworks, reject | permit | 554 5.7.1 <b3@example.com>: Recipient address rejected: Access denied |
        b4@example.com | DEFER | permit | 450 4.7.1 <b4@example.com>: Recipient address rejected: Access denied |
        b5@example.com | 450 4.2.0 try again later | permit | 450 4.2.0 <b5@example.com>: Recipient address rejected: try again later |
        """)
    void theAnswerActsAsAnAccessTableValue(String recipient, String action, String then, String expected, String sideEffects) {
        ANSWERS.put(recipient, action);

        Verdict verdict = rcpt("check_policy_service " + server.spec() + ", " + then, recipient, "");

        assertThat(outcome(verdict)).isEqualTo(expected);
        assertThat(actions(verdict)).isEqualTo(sideEffects == null ? "" : sideEffects);
    }

    @ParameterizedTest(name = "[{index}] {1}, {2} -> {3} {4}")
    @CsvSource(delimiter = '|', textBlock = """
        # recipient | the server's action | the restriction after it | the answer as counted | the reply's class
        c1@example.com | REJECT not on my watch | permit | reject | policy_service
        c2@example.com | 550 5.7.23 SPF says no | permit | 5xx | policy_service
        c3@example.com | DUNNO | reject | dunno | recipient_rejected
        c4@example.com | OK | reject | ok |
        c5@elsewhere.test | reject_unauth_destination | permit | other | relay_denied
        c6@example.com | DEFER_IF_PERMIT Greylisted | permit | defer_if_permit | other
        """)
    void theVerdictTellsEachAnswerAndTheClassOfItsReply(String recipient, String action, String then, String counted,
                                                        String rejectClass) {
        ANSWERS.put(recipient, action);

        Verdict verdict = rcpt("check_policy_service " + server.spec() + ", " + then, recipient, "");

        assertThat(verdict.policyAnswers()).containsExactly(new Verdict.PolicyAnswer(server.spec(), counted));
        assertThat(verdict.rejectClass() == null ? null : verdict.rejectClass().label()).isEqualTo(rejectClass);
    }

    @Test
    void sendsWhatTheStateKnows() {
        int before = server.requests().size();
        SmtpState state = state("rcpt=c1@example.com sasl=bob tls").withFacts(new SessionFacts("ESMTP", 40001, "192.0.2.25",
            25, "4ABCD1234", "abc.1.2.0", 1234, "PLAIN", "", "TLSv1.3", "TLS_AES_256_GCM_SHA384", 256));
        config(Map.of("smtpd_policy_service_policy_context", "inbound", "compatibility_level", "3.6"))
            .parse("smtpd_recipient_restrictions", "check_policy_service " + server.spec()).evaluate(state);

        Map<String, String> sent = server.requests().get(before);
        assertThat(List.copyOf(sent.keySet())).containsExactly("request", "protocol_state", "protocol_name", "helo_name",
            "queue_id", "sender", "recipient", "recipient_count", "client_address", "client_name", "reverse_client_name",
            "instance", "sasl_method", "sasl_username", "sasl_sender", "size", "ccert_subject", "ccert_issuer",
            "ccert_fingerprint", "ccert_pubkey_fingerprint", "encryption_protocol", "encryption_cipher",
            "encryption_keysize", "etrn_domain", "stress", "client_port", "server_address", "server_port",
            "policy_context", "compatibility_level", "mail_version");
        assertThat(sent).containsEntry("request", "smtpd_access_policy").containsEntry("protocol_state", "RCPT")
            .containsEntry("protocol_name", "ESMTP").containsEntry("helo_name", "client.test")
            .containsEntry("queue_id", "4ABCD1234").containsEntry("sender", "s@sender.test")
            .containsEntry("recipient", "c1@example.com").containsEntry("recipient_count", "0")
            .containsEntry("client_address", "203.0.113.5").containsEntry("client_name", "client.test")
            .containsEntry("reverse_client_name", "client.test").containsEntry("instance", "abc.1.2.0")
            .containsEntry("sasl_method", "PLAIN").containsEntry("sasl_username", "bob").containsEntry("size", "1234")
            .containsEntry("encryption_protocol", "TLSv1.3").containsEntry("encryption_keysize", "256")
            .containsEntry("client_port", "40001").containsEntry("server_address", "192.0.2.25")
            .containsEntry("server_port", "25").containsEntry("policy_context", "inbound")
            .containsEntry("compatibility_level", "3.6");
    }

    @Test
    void recipientCountAndStateAtData() {
        int before = server.requests().size();
        config().parse("smtpd_data_restrictions", "check_policy_service " + server.spec())
            .evaluate(state("rcpt=- count=3 stage=DATA"));

        assertThat(server.requests().get(before)).containsEntry("protocol_state", "DATA")
            .containsEntry("recipient_count", "3").containsEntry("recipient", "");
    }

    @Test
    void aServerThatIsDownGetsTheDefaultAction() throws IOException {
        String down = downServer();
        Map<String, String> quick = Map.of("smtpd_policy_service_retry_delay", "1s");

        Verdict verdict = config(quick).parse("smtpd_recipient_restrictions", "check_policy_service " + down + ", permit")
            .evaluate(state(""));

        String name = down.substring("inet:".length());
        assertThat(outcome(verdict)).isEqualTo("451 4.3.5 <r@example.com>: Recipient address rejected: Server configuration problem");
        assertThat(verdict.policyAnswers()).as("its default action, counted").containsExactly(new Verdict.PolicyAnswer(down, "4xx"));
        assertThat(verdict.rejectClass()).isEqualTo(RejectClass.POLICY_SERVICE);
        assertThat(actions(verdict)).isEqualTo("WARNING:problem talking to server " + name + ": Connection refused; "
            + "WARNING:problem talking to server " + name + ": Connection refused");
    }

    @Test
    void theOverrideFormChangesTheDefaultActionAndContextOfOneUse() throws IOException {
        String down = downServer();
        Verdict verdict = config().parse("smtpd_recipient_restrictions",
                "check_policy_service { " + down + ", try_limit=1, default_action=DUNNO }, reject")
            .evaluate(state(""));
        assertThat(outcome(verdict)).isEqualTo("554 5.7.1 <r@example.com>: Recipient address rejected: Access denied");

        Verdict spaced = config().parse("smtpd_recipient_restrictions",
                "check_policy_service { " + down + ", try_limit=1, { default_action = 450 4.7.0 policy down } }")
            .evaluate(state(""));
        assertThat(outcome(spaced)).isEqualTo("450 4.7.0 <r@example.com>: Recipient address rejected: policy down");

        int before = server.requests().size();
        config().parse("smtpd_recipient_restrictions", "check_policy_service { " + server.spec() + ", policy_context=submission }")
            .evaluate(state("rcpt=d1@example.com"));
        assertThat(server.requests().get(before)).containsEntry("policy_context", "submission");
    }

    @Test
    void worksInRestrictionClasses() {
        ANSWERS.put("e1@example.com", "REJECT class said no");
        RestrictionConfig withClass = new RestrictionConfig(Fixtures.MAIN_CF::get,
            Map.of("greylist", "check_policy_service " + server.spec()), Fixtures::table,
            dev.postern.address.AddressClassifier.fromParameters(Fixtures.MAIN_CF::get, java.util.Set.of(), Fixtures::table,
                d -> false));
        assertThat(outcome(withClass.parse("smtpd_recipient_restrictions", "greylist, permit")
            .evaluate(state("rcpt=e1@example.com"))))
            .isEqualTo("554 5.7.1 <e1@example.com>: Recipient address rejected: class said no");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        check_policy_service | smtpd_recipient_restrictions: check_policy_service needs a server argument (inet:host:port, unix:/path or { server, name=value, ... })
        check_policy_service permit | smtpd_recipient_restrictions: check_policy_service needs a server argument (inet:host:port, unix:/path or { server, name=value, ... }), not "permit"
        check_policy_service inet:127.0.0.1 | smtpd_recipient_restrictions: check_policy_service inet:127.0.0.1: "inet:127.0.0.1": expected inet:host:port
        check_policy_service unix: | smtpd_recipient_restrictions: check_policy_service unix:: "unix:": expected unix:/path or unix:name under var/
        check_policy_service { inet:127.0.0.1:9, colour=blue } | smtpd_recipient_restrictions: check_policy_service { inet:127.0.0.1:9, colour=blue }: colour: unknown policy service attribute "colour" (expected timeout, max_idle, max_ttl, request_limit, try_limit, retry_delay, default_action or policy_context)
        check_policy_service { inet:127.0.0.1:9, timeout=soon } | smtpd_recipient_restrictions: check_policy_service { inet:127.0.0.1:9, timeout=soon }: timeout: bad time value "soon" (expected a number with an optional unit s, m, h, d or w)
        """)
    void badUsesFailAtStartup(String list, String message) {
        assertThatThrownBy(() -> config().parse("smtpd_recipient_restrictions", list))
            .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void aPolicyAnswerMayNotNameAnotherPolicyService() {
        ANSWERS.put("f1@example.com", "check_policy_service " + server.spec());
        Verdict verdict = rcpt("check_policy_service " + server.spec(), "f1@example.com", "");
        assertThat(outcome(verdict)).isEqualTo("451 4.3.5 Server configuration error");
    }

    private static String downServer() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "inet:127.0.0.1:" + free.getLocalPort();
        }
    }
}
