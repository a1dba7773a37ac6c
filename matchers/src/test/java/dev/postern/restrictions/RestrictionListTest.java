package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.actions;
import static dev.postern.restrictions.Fixtures.config;
import static dev.postern.restrictions.Fixtures.outcome;
import static dev.postern.restrictions.Fixtures.parameterFor;
import static dev.postern.restrictions.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Table-driven: list kind | restriction list | state overrides ({@link Fixtures#state}) |
 * expected reply line, or PERMIT / DUNNO | side actions ({@code TYPE:text; ...}).
 */
class RestrictionListTest {
    private static final RestrictionConfig CONFIG = config();

    private static void check(RestrictionConfig config, String kind, String list, String state, String expected, String actions) {
        RestrictionList parsed = config.parse(parameterFor(kind), list == null ? "" : list);
        Verdict verdict = parsed.evaluate(state(state));
        assertThat(outcome(verdict)).isEqualTo(expected);
        assertThat(actions(verdict)).isEqualTo(actions == null ? "" : actions);
        Verdict.Result result = switch (expected) {
            case "PERMIT" -> Verdict.Result.PERMIT;
            case "DUNNO" -> Verdict.Result.DUNNO;
            default -> expected.startsWith("5") ? Verdict.Result.REJECT : Verdict.Result.DEFER;
        };
        assertThat(verdict.result()).isEqualTo(result);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # unconditional, and the reply class and name of each list
        rcpt   | permit |  | PERMIT |
        rcpt   |        |  | DUNNO  |
        rcpt   | reject |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        relay  | reject |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        client | reject |  | 554 5.7.1 <client.test[203.0.113.5]>: Client host rejected: Access denied |
        client | reject | client=unknown[2001:db8:0:0:0:0:0:1] | 554 5.7.1 <unknown[2001:db8::1]>: Client host rejected: Access denied |
        helo   | reject |  | 554 5.7.1 <client.test>: Helo command rejected: Access denied |
        sender | reject |  | 554 5.7.1 <s@sender.test>: Sender address rejected: Access denied |
        sender | reject | from=<> | 554 5.7.1 <>: Sender address rejected: Access denied |
        data   | reject | stage=DATA | 554 5.7.1 <DATA>: Data command rejected: Access denied |
        eod    | reject | stage=END_OF_DATA | 554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: Access denied |
        rcpt   | defer  |  | 450 4.3.2 <r@example.com>: Recipient address rejected: Try again later |
        rcpt   | PERMIT, Reject |  | PERMIT |
        helo   | reject | helo=- | DUNNO |
        sender | reject | stage=HELO | DUNNO |
        # left to right; the first decision ends the list; end of list = permit
        rcpt   | permit, reject |  | PERMIT |
        rcpt   | reject, permit |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        rcpt   | defer, reject  |  | 450 4.3.2 <r@example.com>: Recipient address rejected: Try again later |
        rcpt   | permit_mynetworks, reject | client=localhost[127.0.0.1] | PERMIT |
        rcpt   | permit_mynetworks, reject | client=localhost[::1] | PERMIT |
        rcpt   | permit_mynetworks, reject | client=x.test[192.0.2.200] | PERMIT |
        rcpt   | permit_mynetworks, reject |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        rcpt   | permit_mynetworks |  | DUNNO |
        rcpt   | permit_sasl_authenticated, reject | sasl=alice | PERMIT |
        rcpt   | permit_sasl_authenticated, reject |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        # relay control
        relay  | reject_unauth_destination | rcpt=x@elsewhere.test | 554 5.7.1 <x@elsewhere.test>: Relay access denied |
        relay  | reject_unauth_destination | rcpt=x@Example.COM | DUNNO |
        relay  | reject_unauth_destination | rcpt=x@relay.example.org | DUNNO |
        relay  | reject_unauth_destination | rcpt=x@sub.relay.example.org | DUNNO |
        relay  | reject_unauth_destination | rcpt=a%b@example.com routed | 554 5.7.1 <a%b@example.com>: Relay access denied |
        relay  | reject_unauth_destination | rcpt=- stage=SENDER | DUNNO |
        relay  | defer_unauth_destination  | rcpt=x@elsewhere.test | 454 4.7.1 <x@elsewhere.test>: Relay access denied |
        relay  | defer_unauth_destination  | rcpt=x@example.com | DUNNO |
        relay  | permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination | rcpt=x@elsewhere.test sasl=bob | PERMIT |
        relay  | permit_auth_destination, reject | rcpt=x@relay.example.org | PERMIT |
        relay  | permit_auth_destination, reject | rcpt=x@elsewhere.test | 554 5.7.1 <x@elsewhere.test>: Recipient address rejected: Access denied |
        relay  | permit_auth_destination, reject | rcpt=a%b@example.com routed | 554 5.7.1 <a%b@example.com>: Recipient address rejected: Access denied |
        client | reject_unauth_destination | rcpt=x@elsewhere.test | 554 5.7.1 <x@elsewhere.test>: Relay access denied |
        # syntax checks
        sender | reject_non_fqdn_sender | from=user | 504 5.5.2 <user>: Sender address rejected: need fully-qualified address |
        sender | reject_non_fqdn_sender | from=user@localhost | 504 5.5.2 <user@localhost>: Sender address rejected: need fully-qualified address |
        sender | reject_non_fqdn_sender | from=user@bad_dom!.test | 504 5.5.2 <user@bad_dom!.test>: Sender address rejected: need fully-qualified address |
        sender | reject_non_fqdn_sender | from=user@host.example. | DUNNO |
        sender | reject_non_fqdn_sender | from=user@[192.0.2.1] | DUNNO |
        sender | reject_non_fqdn_sender | from=<> | DUNNO |
        client | reject_non_fqdn_sender | from=user | 504 5.5.2 <user>: Sender address rejected: need fully-qualified address |
        rcpt   | reject_non_fqdn_recipient | rcpt=bob@host | 504 5.5.2 <bob@host>: Recipient address rejected: need fully-qualified address |
        rcpt   | reject_non_fqdn_recipient | rcpt=bob@host.example | DUNNO |
        rcpt   | reject_non_fqdn_recipient | rcpt=- stage=SENDER | DUNNO |
        helo   | reject_non_fqdn_helo_hostname | helo=localhost | 504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname |
        helo   | reject_non_fqdn_hostname      | helo=localhost | 504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname |
        helo   | reject_non_fqdn_helo_hostname | helo=mail.example.com. | DUNNO |
        helo   | reject_non_fqdn_helo_hostname | helo=[192.0.2.1] | DUNNO |
        helo   | reject_non_fqdn_helo_hostname | helo=[300.1.1.1] | 501 5.5.2 <[300.1.1.1]>: Helo command rejected: invalid ip address |
        rcpt   | reject_non_fqdn_helo_hostname | helo=- | DUNNO |
        helo   | reject_invalid_helo_hostname | helo=bad..name | 501 5.5.2 <bad..name>: Helo command rejected: Invalid name |
        helo   | reject_invalid_hostname      | helo=a_b!c | 501 5.5.2 <a_b!c>: Helo command rejected: Invalid name |
        helo   | reject_invalid_helo_hostname | helo=localhost | DUNNO |
        helo   | reject_invalid_helo_hostname | helo=192.0.2.1 | DUNNO |
        helo   | reject_invalid_helo_hostname | helo=[IPv6:2001:db8::1] | DUNNO |
        helo   | reject_invalid_helo_hostname | helo=[nonsense] | 501 5.5.2 <[nonsense]>: Helo command rejected: invalid ip address |
        rcpt   | reject_plaintext_session |  | 450 4.7.1 Session encryption is required |
        rcpt   | reject_plaintext_session | tls | DUNNO |
        rcpt   | reject_multi_recipient_bounce | from=<> count=1 | 550 5.5.3 <r@example.com>: Recipient address rejected: Multi-recipient bounce |
        rcpt   | reject_multi_recipient_bounce | from=<> count=0 | DUNNO |
        rcpt   | reject_multi_recipient_bounce | count=3 | DUNNO |
        data   | reject_multi_recipient_bounce | from=<> count=2 stage=DATA | 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce |
        data   | reject_multi_recipient_bounce | from=<> count=1 stage=DATA | DUNNO |
        eod    | reject_multi_recipient_bounce | from=<> count=2 stage=END_OF_DATA | 550 5.5.3 <END-OF-MESSAGE>: End-of-data rejected: Multi-recipient bounce |
        """)
    void restrictions(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        rcpt   | check_recipient_access test:access, reject | rcpt=ok@t.test | PERMIT |
        rcpt   | check_recipient_access test:access, reject | rcpt=okt@t.test | PERMIT |
        rcpt   | check_recipient_access test:access, reject | rcpt=relay@t.test | PERMIT |
        rcpt   | check_recipient_access test:access, reject | rcpt=digits@t.test | PERMIT |
        rcpt   | check_recipient_access test:access, reject | rcpt=c550@t.test | PERMIT |
        rcpt   | check_recipient_access test:access, reject | rcpt=dunno@t.test | 554 5.7.1 <dunno@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access | rcpt=nothing@nowhere.test | DUNNO |
        rcpt   | check_recipient_access test:access, permit | rcpt=rej@t.test | 554 5.7.1 <rej@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access, permit | rcpt=rejlower@t.test | 554 5.7.1 <rejlower@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access, permit | rcpt=rejtext@t.test | 554 5.7.1 <rejtext@t.test>: Recipient address rejected: go away |
        rcpt   | check_recipient_access test:access, permit | rcpt=rejdsn@t.test | 554 5.1.1 <rejdsn@t.test>: Recipient address rejected: no such user |
        rcpt   | check_recipient_access test:access, permit | rcpt=rejbaddsn@t.test | 554 5.7.1 <rejbaddsn@t.test>: Recipient address rejected: 5.x.1 odd |
        rcpt   | check_recipient_access test:access, permit | rcpt=defer@t.test | 450 4.7.1 <defer@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access, permit | rcpt=defertext@t.test | 450 4.2.2 <defertext@t.test>: Recipient address rejected: mailbox full |
        rcpt   | check_recipient_access test:access, permit | rcpt=c450@t.test | 450 4.7.1 <c450@t.test>: Recipient address rejected: try later |
        rcpt   | check_recipient_access test:access, permit | rcpt=c421@t.test | 421 4.7.1 <c421@t.test>: Recipient address rejected: closing |
        rcpt   | check_recipient_access test:access, permit | rcpt=c550dsn@t.test | 550 5.1.3 <c550dsn@t.test>: Recipient address rejected: bad |
        rcpt   | check_recipient_access test:access, permit | rcpt=c550wrong@t.test | 550 5.1.2 <c550wrong@t.test>: Recipient address rejected: mixed |
        rcpt   | check_recipient_access test:access, permit | rcpt=c550only@t.test | 550 5.1.1 <c550only@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access, permit | rcpt=c250@t.test | 451 4.3.5 Server configuration error |
        rcpt   | check_recipient_access test:access, permit | rcpt=c600@t.test | 451 4.3.5 Server configuration error |
        rcpt   | check_recipient_access test:access, permit | rcpt=dip@t.test | 450 4.7.1 <dip@t.test>: Recipient address rejected: Service unavailable |
        rcpt   | check_recipient_access test:access, permit | rcpt=diptext@t.test | 450 4.7.2 <diptext@t.test>: Recipient address rejected: later please |
        rcpt   | check_recipient_access test:access, reject | rcpt=dip@t.test | 554 5.7.1 <dip@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access, reject | rcpt=dir@t.test | 450 4.7.1 <dir@t.test>: Recipient address rejected: Service unavailable |
        rcpt   | check_recipient_access test:access, permit | rcpt=dir@t.test | PERMIT |
        rcpt   | check_recipient_access test:access, permit | rcpt=warn@t.test | PERMIT | WARN:look here
        rcpt   | check_recipient_access test:access, permit | rcpt=info@t.test | PERMIT | INFO:noted
        rcpt   | check_recipient_access test:access, permit | rcpt=hold@t.test | PERMIT | HOLD:held
        rcpt   | check_recipient_access test:access, reject | rcpt=discard@t.test | PERMIT | DISCARD:gone
        rcpt   | check_recipient_access test:access | rcpt=filter@t.test | DUNNO | FILTER:smtp:[127.0.0.1]:10025
        rcpt   | check_recipient_access test:access | rcpt=filterbad@t.test | DUNNO | WARNING:access table test:access entry "FILTER nocolon" requires transport:destination
        rcpt   | check_recipient_access test:access | rcpt=filterempty@t.test | DUNNO | WARNING:access table test:access entry "FILTER" has FILTER entry without value
        rcpt   | check_recipient_access test:access | rcpt=redirect@t.test | DUNNO | REDIRECT:x@y.test
        rcpt   | check_recipient_access test:access | rcpt=bcc@t.test | DUNNO | BCC:archive@y.test
        rcpt   | check_recipient_access test:access | rcpt=prepend@t.test | DUNNO | PREPEND:X-Test: yes
        rcpt   | check_recipient_access test:access, reject | rcpt=restr@t.test | PERMIT |
        rcpt   | check_recipient_access test:access, permit | rcpt=restr@t.test from=user | 504 5.5.2 <user>: Sender address rejected: need fully-qualified address |
        client | check_recipient_access test:access, permit | rcpt=restrreject@t.test | 554 5.7.1 <restrreject@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access, permit | rcpt=cls@t.test | 554 5.7.1 <cls@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access, permit | rcpt=loop@t.test | 451 4.3.5 Server configuration error |
        rcpt   | check_recipient_access test:access, permit | rcpt=table@t.test | 451 4.3.5 Server configuration error |
        rcpt   | check_recipient_access test:access, permit | rcpt=unknown@t.test | 451 4.3.5 Server configuration error |
        rcpt   | check_recipient_access test:access, permit | rcpt=dns@t.test | PERMIT |
        rcpt   | check_recipient_access test:access, permit | rcpt=x@sub.blocked.test | 554 5.7.1 <x@sub.blocked.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access, permit | rcpt=vip@blocked.test | PERMIT |
        rcpt   | check_recipient_access test:access | rcpt=- stage=SENDER | DUNNO |
        # client, helo, sender tables: the reply class is the check's, not the list's
        rcpt   | check_client_access test:access, permit | client=bad.client.test[192.0.2.99] | 550 5.0.0 <bad.client.test[192.0.2.99]>: Client host rejected: go away |
        rcpt   | check_client_access test:access, permit | client=defer.client.test[192.0.2.98] | 450 4.7.1 <defer.client.test[192.0.2.98]>: Client host rejected: Access denied |
        rcpt   | check_client_access test:access, permit | client=strict.client.test[192.0.2.97] | 554 5.7.1 <strict.client.test[192.0.2.97]>: Client host rejected: Access denied |
        rcpt   | check_client_access test:access, permit | client=unknown[198.51.100.7] | 554 5.7.1 <unknown[198.51.100.7]>: Client host rejected: Access denied |
        rcpt   | check_client_access test:access, reject | client=good.test[203.0.113.9] | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        rcpt   | check_helo_access test:access, permit | helo=helo.bad.test | 554 5.7.1 <helo.bad.test>: Helo command rejected: bad helo |
        rcpt   | check_helo_access test:access, permit | helo=h11.test | 554 5.0.0 <h11.test>: Helo command rejected: odd helo |
        rcpt   | check_helo_access test:access, permit | helo=- | PERMIT |
        rcpt   | check_sender_access test:access, permit | from=spam@s.test | 554 5.1.7 <spam@s.test>: Sender address rejected: unknown sender |
        rcpt   | check_sender_access test:access, permit | from=s12@s.test | 550 5.1.8 <s12@s.test>: Sender address rejected: x |
        rcpt   | check_sender_access test:access, permit | from=s15@s.test | 450 4.1.0 <s15@s.test>: Sender address rejected: y |
        rcpt   | check_sender_access test:access, permit | from=s13@s.test | 554 5.1.7 <s13@s.test>: Sender address rejected: z |
        rcpt   | check_sender_access test:access, permit | from=<> | 554 5.7.1 <>: Sender address rejected: no bounces |
        sender | check_sender_access test:access | from=ok@t.test | PERMIT |
        # a failing table never permits
        rcpt   | check_recipient_access test:fail, permit |  | 451 4.3.0 <r@example.com>: Temporary lookup failure |
        rcpt   | check_client_access test:fail, permit |  | 451 4.3.0 <client.test[203.0.113.5]>: Temporary lookup failure |
        rcpt   | check_sender_access test:fail, permit | from=<> | 451 4.3.0 <>: Temporary lookup failure |
        rcpt   | warn_if_reject, check_helo_access test:fail, permit |  | 451 4.3.0 <client.test>: Temporary lookup failure |
        """)
    void accessTables(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    /** A table in mynetworks: the client address is the key and the value is ignored; a failing table defers. */
    @Test
    void mynetworksTablesMatchTheClientAddress() {
        RestrictionConfig withTable = config(Map.of("mynetworks", "192.0.2.0/24, test:access"));
        check(withTable, "rcpt", "permit_mynetworks, reject", "client=x.test[203.0.113.77]", "PERMIT", null);
        check(withTable, "rcpt", "permit_mynetworks, reject", "client=x.test[203.0.113.78]",
            "554 5.7.1 <r@example.com>: Recipient address rejected: Access denied", null);
        check(config(Map.of("mynetworks", "test:fail")), "rcpt", "permit_mynetworks, permit", "",
            "451 4.3.0 <client.test[203.0.113.5]>: Temporary lookup failure", null);
    }

    /**
     * A bare type:table is the access check of the list's own stage (Postfix's generic_checks),
     * whatever precedes it: after check_sender_access in a recipient list it is
     * check_recipient_access.
     */
    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        sender | test:access | from=rej@t.test | 554 5.7.1 <rej@t.test>: Sender address rejected: Access denied |
        sender | check_sender_access test:empty, test:access | from=spam@s.test | 554 5.1.7 <spam@s.test>: Sender address rejected: unknown sender |
        sender | check_sender_access test:empty test:access, reject | from=ok@t.test | PERMIT |
        client | test:access | client=bad.client.test[192.0.2.9] | 550 5.0.0 <bad.client.test[192.0.2.9]>: Client host rejected: go away |
        helo   | permit_mynetworks, test:access | helo=bad.test | 554 5.7.1 <bad.test>: Helo command rejected: bad helo |
        rcpt   | check_sender_access test:empty, test:access | from=spam@s.test | DUNNO |
        rcpt   | check_sender_access test:empty, test:access | rcpt=rej@t.test | 554 5.7.1 <rej@t.test>: Recipient address rejected: Access denied |
        relay  | test:fail, permit |  | 451 4.3.0 <r@example.com>: Temporary lookup failure |
        """)
    void bareTablesAreTheStagesAccessCheck(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # warn_if_reject: the next restriction only warns
        rcpt | warn_if_reject, reject, permit |  | PERMIT | REJECT_WARNING:554 5.7.1 <r@example.com>: Recipient address rejected: Access denied
        rcpt | warn_if_reject, reject, reject |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied | REJECT_WARNING:554 5.7.1 <r@example.com>: Recipient address rejected: Access denied
        rcpt | warn_if_reject, defer |  | DUNNO | REJECT_WARNING:450 4.3.2 <r@example.com>: Recipient address rejected: Try again later
        rcpt | warn_if_reject, reject_non_fqdn_sender, reject_plaintext_session | from=user | 450 4.7.1 Session encryption is required | REJECT_WARNING:504 5.5.2 <user>: Sender address rejected: need fully-qualified address
        rcpt | warn_if_reject, permit_mynetworks, reject |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        rcpt | warn_if_reject, strict | from=user | DUNNO | REJECT_WARNING:504 5.5.2 <user>: Sender address rejected: need fully-qualified address; REJECT_WARNING:554 5.7.1 <r@example.com>: Recipient address rejected: Access denied
        rcpt | warn_if_reject, check_recipient_access test:access | rcpt=rej@t.test | DUNNO | REJECT_WARNING:554 5.7.1 <rej@t.test>: Recipient address rejected: Access denied
        rcpt | warn_if_reject, loop |  | 451 4.3.5 Server configuration error |
        # defer_if_permit / defer_if_reject
        rcpt | defer_if_permit, permit |  | 450 4.7.0 <r@example.com>: Recipient address rejected: defer_if_permit requested |
        rcpt | defer_if_permit |  | 450 4.7.0 <r@example.com>: Recipient address rejected: defer_if_permit requested |
        rcpt | defer_if_permit, reject |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        rcpt | check_recipient_access test:access, defer_if_permit | rcpt=dip@t.test | 450 4.7.1 <dip@t.test>: Recipient address rejected: Service unavailable |
        rcpt | defer_if_reject, reject |  | 450 4.7.0 <r@example.com>: Recipient address rejected: defer_if_reject requested |
        rcpt | defer_if_reject, permit |  | PERMIT |
        rcpt | defer_if_reject, defer |  | 450 4.3.2 <r@example.com>: Recipient address rejected: Try again later |
        rcpt | defer_if_reject, warn_if_reject, reject, permit |  | PERMIT | REJECT_WARNING:554 5.7.1 <r@example.com>: Recipient address rejected: Access denied
        rcpt | defer_if_reject, reject_non_fqdn_sender | from=user | 450 4.7.0 <r@example.com>: Recipient address rejected: defer_if_reject requested |
        # restriction classes
        rcpt   | strict | from=user | 504 5.5.2 <user>: Sender address rejected: need fully-qualified address |
        rcpt   | strict |  | 554 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        client | strict |  | 554 5.7.1 <client.test[203.0.113.5]>: Client host rejected: Access denied |
        rcpt   | okclass, reject |  | PERMIT |
        rcpt   | loop |  | 451 4.3.5 Server configuration error |
        rcpt   | d1, reject |  | PERMIT |
        rcpt   | e1, reject |  | 451 4.3.5 Server configuration error |
        """)
    void listSemantics(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        rcpt   | reject |  | 454 4.7.1 <r@example.com>: Recipient address rejected: Access denied |
        rcpt   | defer  |  | 450 4.3.2 <r@example.com>: Recipient address rejected: Try again later |
        relay  | reject_unauth_destination | rcpt=x@elsewhere.test | 454 4.7.1 <x@elsewhere.test>: Relay access denied |
        sender | reject_non_fqdn_sender | from=user | 404 4.5.2 <user>: Sender address rejected: need fully-qualified address |
        rcpt   | check_recipient_access test:access | rcpt=c550dsn@t.test | 450 4.1.3 <c550dsn@t.test>: Recipient address rejected: bad |
        rcpt   | defer_if_reject, reject |  | 450 4.7.0 <r@example.com>: Recipient address rejected: defer_if_reject requested |
        rcpt   | warn_if_reject, reject |  | DUNNO | REJECT_WARNING:454 4.7.1 <r@example.com>: Recipient address rejected: Access denied
        """)
    void softBounce(String kind, String list, String state, String expected, String actions) {
        check(config(Map.of("soft_bounce", "yes")), kind, list, state, expected, actions);
    }

    /**
     * reject_unauth_pipelining acts on the session flag that the SMTP server raises; the data
     * and end-of-data lists see the sender, the only recipient, and the client.
     */
    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        data   | reject_unauth_pipelining | stage=DATA pipelined | 503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining |
        data   | reject_unauth_pipelining | stage=DATA | DUNNO |
        eod    | reject_unauth_pipelining | stage=END_OF_DATA pipelined | 503 5.5.0 <END-OF-MESSAGE>: End-of-data rejected: Improper use of SMTP command pipelining |
        rcpt   | reject_unauth_pipelining | pipelined | 503 5.5.0 <r@example.com>: Recipient address rejected: Improper use of SMTP command pipelining |
        client | reject_unauth_pipelining | pipelined stage=CLIENT | 503 5.5.0 <client.test[203.0.113.5]>: Client host rejected: Improper use of SMTP command pipelining |
        data   | warn_if_reject, reject_unauth_pipelining | stage=DATA pipelined | DUNNO | REJECT_WARNING:503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining
        data   | permit_mynetworks, reject_unauth_pipelining | stage=DATA pipelined client=localhost[127.0.0.1] | PERMIT |
        data   | reject | stage=DATA | 554 5.7.1 <DATA>: Data command rejected: Access denied |
        data   | defer | stage=DATA | 450 4.3.2 <DATA>: Data command rejected: Try again later |
        data   | check_sender_access test:access | stage=DATA from=rejtext@t.test | 554 5.7.1 <rejtext@t.test>: Sender address rejected: go away |
        data   | check_recipient_access test:access | stage=DATA rcpt=rej@t.test | 554 5.7.1 <rej@t.test>: Recipient address rejected: Access denied |
        data   | check_recipient_access test:access | stage=DATA rcpt=- | DUNNO |
        data   | check_client_access test:access | stage=DATA client=bad.client.test[192.0.2.9] | 550 5.0.0 <bad.client.test[192.0.2.9]>: Client host rejected: go away |
        eod    | check_sender_access test:access | stage=END_OF_DATA from=hold@t.test | DUNNO | HOLD:held
        eod    | defer_if_permit | stage=END_OF_DATA | 450 4.7.0 <END-OF-MESSAGE>: End-of-data rejected: defer_if_permit requested |
        """)
    void dataAndPipelining(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    /**
     * Before MAIL FROM (client and HELO lists at connect and HELO, smtpd_delay_reject = no) the
     * actions on the message are skipped with a warning, and the list goes on.
     */
    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        client | check_client_access test:access, reject | stage=CLIENT client=discard.client.test[192.0.2.7] | 554 5.7.1 <discard.client.test[192.0.2.7]>: Client host rejected: Access denied | SKIPPED:DISCARD
        client | check_client_access test:access | stage=CLIENT client=discard.client.test[192.0.2.7] | DUNNO | SKIPPED:DISCARD
        helo   | check_recipient_access test:access | stage=HELO rcpt=hold@t.test | DUNNO | SKIPPED:HOLD
        helo   | check_recipient_access test:access | stage=HELO rcpt=filter@t.test | DUNNO | SKIPPED:FILTER
        helo   | check_recipient_access test:access | stage=HELO rcpt=warn@t.test | DUNNO | WARN:look here
        sender | check_sender_access test:access | stage=SENDER from=hold@t.test | DUNNO | HOLD:held
        client | check_client_access test:access | client=discard.client.test[192.0.2.7] | PERMIT | DISCARD:
        """)
    void messageActionsBeforeMailFrom(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    private static final RestrictionConfig CODES = config(Map.of(
        "reject_code", "550", "defer_code", "451", "relay_domains_reject_code", "550",
        "non_fqdn_reject_code", "550", "invalid_hostname_reject_code", "550", "plaintext_reject_code", "530",
        "multi_recipient_bounce_reject_code", "551", "access_map_reject_code", "553", "access_map_defer_code", "452"));

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        rcpt   | reject |  | 550 5.7.1 <r@example.com>: Recipient address rejected: Access denied |
        rcpt   | defer  |  | 451 4.3.2 <r@example.com>: Recipient address rejected: Try again later |
        relay  | reject_unauth_destination | rcpt=x@elsewhere.test | 550 5.7.1 <x@elsewhere.test>: Relay access denied |
        relay  | defer_unauth_destination  | rcpt=x@elsewhere.test | 450 4.7.1 <x@elsewhere.test>: Relay access denied |
        sender | reject_non_fqdn_sender | from=user | 550 5.5.2 <user>: Sender address rejected: need fully-qualified address |
        helo   | reject_invalid_helo_hostname | helo=a..b | 550 5.5.2 <a..b>: Helo command rejected: Invalid name |
        rcpt   | reject_plaintext_session |  | 530 5.7.1 Session encryption is required |
        rcpt   | reject_multi_recipient_bounce | from=<> count=1 | 551 5.5.3 <r@example.com>: Recipient address rejected: Multi-recipient bounce |
        rcpt   | check_recipient_access test:access | rcpt=rej@t.test | 553 5.7.1 <rej@t.test>: Recipient address rejected: Access denied |
        rcpt   | check_recipient_access test:access | rcpt=defer@t.test | 452 4.7.1 <defer@t.test>: Recipient address rejected: Access denied |
        """)
    void codeParameters(String kind, String list, String state, String expected, String actions) {
        check(CODES, kind, list, state, expected, actions);
    }

    private static final RestrictionConfig LOGINS = config(Map.of(
        "smtpd_sender_login_maps", "test:empty, test:logins", "recipient_delimiter", "+"));

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        sender | reject_sender_login_mismatch | sasl=alice | DUNNO |
        sender | reject_sender_login_mismatch | sasl=bob | DUNNO |
        sender | reject_sender_login_mismatch | sasl=mallory | 553 5.7.1 <s@sender.test>: Sender address rejected: not owned by user mallory |
        sender | reject_sender_login_mismatch | from=shared+tag@sender.test sasl=carol | DUNNO |
        sender | reject_sender_login_mismatch | from=x@team.test sasl=dave | DUNNO |
        sender | reject_sender_login_mismatch | from=x@team.test sasl=alice | 553 5.7.1 <x@team.test>: Sender address rejected: not owned by user alice |
        sender | reject_sender_login_mismatch | from=nobody@else.test sasl=alice | 553 5.7.1 <nobody@else.test>: Sender address rejected: not owned by user alice |
        sender | reject_sender_login_mismatch |  | 553 5.7.1 <s@sender.test>: Sender address rejected: not logged in |
        sender | reject_sender_login_mismatch | from=nobody@else.test | DUNNO |
        sender | reject_sender_login_mismatch | from=<> sasl=alice | DUNNO |
        sender | reject_authenticated_sender_login_mismatch |  | DUNNO |
        sender | reject_authenticated_sender_login_mismatch | sasl=mallory | 553 5.7.1 <s@sender.test>: Sender address rejected: not owned by user mallory |
        sender | reject_unauthenticated_sender_login_mismatch | sasl=mallory | DUNNO |
        sender | reject_unauthenticated_sender_login_mismatch |  | 553 5.7.1 <s@sender.test>: Sender address rejected: not logged in |
        sender | reject_known_sender_login_mismatch | from=nobody@else.test sasl=alice | DUNNO |
        sender | reject_known_sender_login_mismatch | sasl=mallory | 553 5.7.1 <s@sender.test>: Sender address rejected: not owned by user mallory |
        sender | warn_if_reject, reject_sender_login_mismatch | sasl=mallory | DUNNO | REJECT_WARNING:553 5.7.1 <s@sender.test>: Sender address rejected: not owned by user mallory
        """)
    void senderLoginMismatch(String kind, String list, String state, String expected, String actions) {
        check(LOGINS, kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        rcpt   | reject_unlisted_recipient | rcpt=bob@local.test | DUNNO |
        rcpt   | reject_unlisted_recipient | rcpt=carol@local.test | 550 5.1.1 <carol@local.test>: Recipient address rejected: User unknown in local recipient table |
        rcpt   | reject_unlisted_recipient | rcpt=bob@virtual.test | 550 5.1.1 <bob@virtual.test>: Recipient address rejected: User unknown in virtual mailbox table |
        rcpt   | reject_unlisted_recipient | rcpt=anyone@elsewhere.test | DUNNO |
        rcpt   | check_recipient_maps | rcpt=carol@local.test | 550 5.1.1 <carol@local.test>: Recipient address rejected: User unknown in local recipient table |
        rcpt   | reject_unlisted_recipient | rcpt=x@fail.test | 451 4.3.0 <x@fail.test>: Temporary lookup failure |
        sender | reject_unlisted_sender | from=carol@local.test | 550 5.1.0 <carol@local.test>: Sender address rejected: User unknown in local recipient table |
        sender | reject_unlisted_sender | from=bob@local.test | DUNNO |
        sender | reject_unlisted_sender | from=<> | DUNNO |
        rcpt   | warn_if_reject, reject_unlisted_recipient | rcpt=carol@local.test | DUNNO | REJECT_WARNING:550 5.1.1 <carol@local.test>: Recipient address rejected: User unknown in local recipient table
        rcpt   | reject_unlisted_recipient | rcpt=known@valias.test | DUNNO |
        rcpt   | reject_unlisted_recipient | rcpt=known+tag@valias.test | DUNNO |
        rcpt   | reject_unlisted_recipient | rcpt=stranger@valias.test | 550 5.1.1 <stranger@valias.test>: Recipient address rejected: User unknown in virtual alias table |
        rcpt   | reject_unlisted_recipient | rcpt=alias@local.test | DUNNO |
        rcpt   | reject_unlisted_recipient | rcpt=canon@local.test | DUNNO |
        rcpt   | reject_unlisted_recipient | rcpt=known@relay.example.org | DUNNO |
        rcpt   | reject_unlisted_recipient | rcpt=stranger@relay.example.org | 550 5.1.1 <stranger@relay.example.org>: Recipient address rejected: User unknown in relay recipient table |
        rcpt   | reject_unlisted_recipient | rcpt=x@sub.relay.example.org | 550 5.1.1 <x@sub.relay.example.org>: Recipient address rejected: User unknown in relay recipient table |
        sender | reject_unlisted_sender | from=stranger@valias.test | 550 5.1.0 <stranger@valias.test>: Sender address rejected: User unknown in virtual alias table |
        """)
    void unlistedAddresses(String kind, String list, String state, String expected, String actions) {
        check(Fixtures.configWithUsers(), kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] reject_code={0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        250 | 450 4.7.1 Service unavailable
        600 | 450 4.7.1 Service unavailable
        421 | 421 4.7.1 <r@example.com>: Recipient address rejected: Access denied
        """)
    void invalidCodesGiveServiceUnavailable(String code, String expected) {
        check(config(Map.of("reject_code", code)), "rcpt", "reject", "", expected, null);
    }
}
