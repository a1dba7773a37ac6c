package dev.postern.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.route.Route;
import dev.postern.delivery.route.RouteResolver;

/** The error, retry and discard couriers: every recipient given, in order, answered from the route's next hop. */
class ErrorRetryDiscardCourierTest {
    private static final Instant START = Instant.parse("2024-01-02T03:04:05Z");
    private static final Instant NOW = Instant.parse("2024-01-02T03:04:06.5Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @ParameterizedTest(name = "{0}:{1} -> {2} {3} ({4})")
    @CsvSource(delimiter = '|', value = {
        "error   | 5.1.1 User unknown in virtual alias table | BOUNCED  | 5.1.1 | User unknown in virtual alias table",
        "error   | No such user here                         | BOUNCED  | 5.0.0 | No such user here",
        "error   | 5.7.1   Relay access denied               | BOUNCED  | 5.7.1 | Relay access denied",
        // A code of the wrong class gives way to the outcome's default; the text stays.
        "error   | 4.7.1 Try later                           | BOUNCED  | 5.0.0 | Try later",
        // Not a code: no white space after it.
        "error   | 5.1.1x is not a code                      | BOUNCED  | 5.0.0 | 5.1.1x is not a code",
        "error   | 5.1.1                                     | BOUNCED  | 5.1.1 | Address is undeliverable",
        "error   | ''                                        | BOUNCED  | 5.0.0 | Address is undeliverable",
        "retry   | 4.3.2 System not accepting network messages | DEFERRED | 4.3.2 | System not accepting network messages",
        "retry   | Come back later                           | DEFERRED | 4.0.0 | Come back later",
        "retry   | 5.1.1 Not a bounce                        | DEFERRED | 4.0.0 | Not a bounce",
        "retry   | ''                                        | DEFERRED | 4.0.0 | Address is undeliverable",
        "discard | spam trap                                 | SENT     | 2.0.0 | spam trap",
        "discard | ''                                        | SENT     | 2.0.0 | discarded",
        "discard | 5.7.1 refused, but discarded              | SENT     | 2.0.0 | refused, but discarded",
    })
    void everyRecipientGetsTheRoutesOutcome(String transport, String nexthop, Status status, String dsn, String text)
            throws MessagingException {
        Courier courier = courier(transport);
        List<MailAddress> recipients = List.of(new MailAddress("b@remote.example"), new MailAddress("a@remote.example"),
            new MailAddress("c@other.example"));

        List<RecipientResult> results = courier.deliver(delivery(recipients, new Route(transport, nexthop)));

        assertThat(results).extracting(RecipientResult::recipient).containsExactlyElementsOf(recipients);
        assertThat(results).allSatisfy(result -> {
            assertThat(result.status()).isEqualTo(status);
            assertThat(result.dsn()).isEqualTo(dsn);
            assertThat(result.relay()).isEqualTo("none");
            assertThat(result.text()).isEqualTo(text);
            assertThat(result.connected()).isEqualTo(NOW);
            assertThat(result.remoteMta()).isEmpty();
            assertThat(result.diagnostic()).isEmpty();
        });
    }

    @Test
    void serviceNamesAreTheTransportNames() {
        assertThat(List.of(new ErrorCourier(), new RetryCourier(), new DiscardCourier()))
            .extracting(Courier::service)
            .containsExactly("error", "retry", "discard");
    }

    /** The route the resolver gives a virtual alias leftover bounces as Postfix's does. */
    @Test
    void virtualAliasLeftoverBouncesWithUserUnknown() throws MessagingException {
        List<RecipientResult> results = new ErrorCourier(CLOCK)
            .deliver(delivery(List.of(new MailAddress("x@alias.example")), RouteResolver.VIRTUAL_ALIAS_UNKNOWN));

        assertThat(results).singleElement().satisfies(result -> {
            assertThat(result.status()).isEqualTo(Status.BOUNCED);
            assertThat(result.dsn()).isEqualTo("5.1.1");
            assertThat(result.text()).isEqualTo("User unknown in virtual alias table");
        });
    }

    @Test
    void onlyTheDeliverysRecipientsAreAnswered() throws MessagingException {
        FakeMail mail = FakeMail.builder().name("m1").sender("s@sender.example")
            .recipients("a@remote.example", "b@remote.example", "c@remote.example").build();
        Delivery delivery = new Delivery("3F2A1B4C5D", mail, List.of(new MailAddress("b@remote.example")),
            new Route("discard", "gone"), START);

        assertThat(new DiscardCourier(CLOCK).deliver(delivery))
            .extracting(result -> result.recipient().asString())
            .containsExactly("b@remote.example");
    }

    private static Courier courier(String transport) {
        return switch (transport) {
            case "error" -> new ErrorCourier(CLOCK);
            case "retry" -> new RetryCourier(CLOCK);
            case "discard" -> new DiscardCourier(CLOCK);
            default -> throw new IllegalArgumentException(transport);
        };
    }

    private static Delivery delivery(List<MailAddress> recipients, Route route) throws MessagingException {
        FakeMail mail = FakeMail.builder().name("m1").sender("s@sender.example").recipients(recipients).build();
        return new Delivery("3F2A1B4C5D", mail, recipients, route, START);
    }
}
