package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.outcome;
import static dev.postern.restrictions.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.address.AddressClassifier;
import dev.postern.verify.AddressVerifier;
import dev.postern.verify.VerifyStatus;
import dev.postern.verify.VerifyStatus.Status;

/** reject_unverified_recipient and reject_unverified_sender against a verifier that answers what the test sets. */
class UnverifiedAddressRestrictionTest {
    private static final String BOUNCE_TEXT = "host sink.test[127.0.0.1] said: 550 5.1.1 no such user (in reply to RCPT TO command)";
    private final List<String> queried = new ArrayList<>();
    /** The answers for an address, in turn (the last repeats). */
    private final Map<String, List<VerifyStatus>> answers = new HashMap<>();

    private final AddressVerifier verifier = address -> {
        queried.add(address);
        List<VerifyStatus> list = answers.getOrDefault(address, List.of(VerifyStatus.inProgress()));
        long asked = queried.stream().filter(address::equals).count();
        return list.get((int) Math.min(asked, list.size()) - 1);
    };

    private RestrictionConfig config(Map<String, String> overrides) {
        Map<String, String> parameters = new HashMap<>(Fixtures.MAIN_CF);
        parameters.put("address_verify_poll_delay", "0s");
        parameters.putAll(overrides);
        AddressClassifier classifier = AddressClassifier.fromParameters(parameters::get, Set.of(), Fixtures::table, d -> false);
        return new RestrictionConfig(parameters::get, Fixtures.CLASSES, Fixtures::table, classifier, null, null, verifier);
    }

    private String rcpt(String list, String recipient, Map<String, String> overrides) {
        return outcome(config(overrides).parse("smtpd_recipient_restrictions", list).evaluate(state("rcpt=" + recipient)));
    }

    @ParameterizedTest(name = "[{index}] {1} then {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # recipient status | text | restriction after | overrides | reply
        DELIVERABLE   | 250 2.1.5 Ok | reject | | 554 5.7.1 <r@remote.test>: Recipient address rejected: Access denied
        DELIVERABLE   | 250 2.1.5 Ok | permit | | PERMIT
        UNDELIVERABLE | host sink.test[127.0.0.1] said: 550 5.1.1 no such user (in reply to RCPT TO command) | permit | | 450 4.1.1 <r@remote.test>: Recipient address rejected: undeliverable address: host sink.test[127.0.0.1] said: 550 5.1.1 no such user (in reply to RCPT TO command)
        UNDELIVERABLE | host sink.test[127.0.0.1] said: 550 5.1.1 no such user (in reply to RCPT TO command) | permit | unverified_recipient_reject_code=550 | 550 5.1.1 <r@remote.test>: Recipient address rejected: undeliverable address: host sink.test[127.0.0.1] said: 550 5.1.1 no such user (in reply to RCPT TO command)
        UNDELIVERABLE | x | permit | unverified_recipient_reject_code=550,unverified_recipient_reject_reason=Address lookup failed | 550 5.1.1 <r@remote.test>: Recipient address rejected: undeliverable address: Address lookup failed
        IN_PROGRESS   | Address verification in progress | permit | | 450 4.1.1 <r@remote.test>: Recipient address rejected: unverified address: Address verification in progress
        IN_PROGRESS   | Address verification in progress | reject | | 554 5.7.1 <r@remote.test>: Recipient address rejected: Access denied
        IN_PROGRESS   | Address verification in progress | reject | unverified_recipient_tempfail_action=defer | 450 4.1.1 <r@remote.test>: Recipient address rejected: unverified address: Address verification in progress
        DEFERRED      | connect to sink.test[127.0.0.1]:25: Connection refused | permit | unverified_recipient_defer_code=451 | 451 4.1.1 <r@remote.test>: Recipient address rejected: unverified address: connect to sink.test[127.0.0.1]:25: Connection refused
        """)
    void theVerifiersAnswerDecides(Status status, String text, String then, String overrides, String expected) {
        answers.put("r@remote.test", List.of(new VerifyStatus(status, text)));
        Map<String, String> parameters = new HashMap<>();
        if (overrides != null) {
            for (String pair : overrides.split(",")) {
                parameters.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }

        assertThat(rcpt("reject_unverified_recipient, " + then, "r@remote.test", parameters)).isEqualTo(expected);
    }

    @Test
    void anAddressInProgressIsPolledUntilItsProbeAnswers() {
        answers.put("r@remote.test", List.of(VerifyStatus.inProgress(), VerifyStatus.inProgress(),
            new VerifyStatus(Status.UNDELIVERABLE, BOUNCE_TEXT)));

        String reply = rcpt("reject_unverified_recipient, permit", "r@remote.test", Map.of("unverified_recipient_reject_code", "550"));

        assertThat(reply).startsWith("550 5.1.1 <r@remote.test>: Recipient address rejected: undeliverable address: host sink.test");
        assertThat(queried).hasSize(3);
    }

    @Test
    void pollingStopsAtThePollCount() {
        rcpt("reject_unverified_recipient, permit", "r@remote.test", Map.of("address_verify_poll_count", "2"));

        assertThat(queried).containsExactly("r@remote.test", "r@remote.test");
    }

    @Test
    void theSenderIsVerifiedExceptTheNullSenderAndTheProbeSender() {
        answers.put("s@remote.test", List.of(new VerifyStatus(Status.UNDELIVERABLE, BOUNCE_TEXT)));
        RestrictionList list = config(Map.of("unverified_sender_reject_code", "550", "myorigin", "example.com"))
            .parse("smtpd_sender_restrictions", "reject_unverified_sender");

        assertThat(outcome(list.evaluate(state("from=s@remote.test"))))
            .isEqualTo("550 5.1.7 <s@remote.test>: Sender address rejected: undeliverable address: " + BOUNCE_TEXT);
        assertThat(outcome(list.evaluate(state("from=<>")))).isEqualTo("DUNNO");
        assertThat(outcome(list.evaluate(state("from=double-bounce@example.com")))).isEqualTo("DUNNO");
        assertThat(queried).containsExactly("s@remote.test");
    }

    @Test
    void aVerifierFailureDefersAsAddressVerificationProblem() {
        AddressVerifier broken = address -> {
            throw new AddressVerifier.VerifyException("cache unreadable", null);
        };
        Map<String, String> parameters = new HashMap<>(Fixtures.MAIN_CF);
        AddressClassifier classifier = AddressClassifier.fromParameters(parameters::get, Set.of(), Fixtures::table, d -> false);
        RestrictionConfig config = new RestrictionConfig(parameters::get, Fixtures.CLASSES, Fixtures::table, classifier, null, null, broken);

        assertThat(outcome(config.parse("smtpd_recipient_restrictions", "reject_unverified_recipient, permit").evaluate(state("rcpt=r@remote.test"))))
            .isEqualTo("450 4.1.1 <r@remote.test>: Recipient address rejected: address verification problem");
    }

    @Test
    void withoutAVerifierTheRestrictionIsRefusedAtStart() {
        assertThatThrownBy(() -> Fixtures.config().parse("smtpd_recipient_restrictions", "reject_unverified_recipient"))
            .hasMessageContaining("smtpd_recipient_restrictions: reject_unverified_recipient needs the address verification service");
    }
}
