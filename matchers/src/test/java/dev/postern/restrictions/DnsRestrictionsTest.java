package dev.postern.restrictions;

import static dev.postern.restrictions.Fixtures.actions;
import static dev.postern.restrictions.Fixtures.config;
import static dev.postern.restrictions.Fixtures.outcome;
import static dev.postern.restrictions.Fixtures.parameterFor;
import static dev.postern.restrictions.Fixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The DNS-based restrictions against the fake DNS of {@link Fixtures#ZONE}, table-driven as
 * {@link RestrictionListTest}: list kind | restriction list | state overrides | expected reply
 * line, or PERMIT / DUNNO | side actions.
 */
class DnsRestrictionsTest {
    private static final RestrictionConfig CONFIG = config();
    private static final String RBL_TEST = "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using rbl.test;"
        + " listed: see https://rbl.test/203.0.113.5";

    private static void check(RestrictionConfig config, String kind, String list, String state, String expected, String actions) {
        Verdict verdict = config.parse(parameterFor(kind), list).evaluate(state(state));
        assertThat(outcome(verdict)).isEqualTo(expected.replace("$RBL_TEST", RBL_TEST));
        assertThat(actions(verdict)).isEqualTo(actions == null ? "" : actions.replace("$RBL_TEST", RBL_TEST));
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # reject_rbl_client: the reversed client address under the list; its TXT record is the reason
        client | reject_rbl_client rbl.test |  | $RBL_TEST |
        rcpt   | reject_rbl_client rbl.test |  | $RBL_TEST |
        client | reject_rbl rbl.test | client=unknown[198.51.100.7] | 554 5.7.1 Service unavailable; Client host [198.51.100.7] blocked using rbl.test |
        client | reject_rbl_client rbl.test | client=x.test[192.0.2.66] | DUNNO |
        client | reject_rbl_client rbl.test | client=unknown[2001:db8::5] | 554 5.7.1 Service unavailable; Client host [2001:db8::5] blocked using rbl.test |
        client | reject_rbl_client zen.test |  | 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.test; first / second |
        client | reject_rbl_client zen.test=127.0.0.[2..3] |  | DUNNO |
        client | reject_rbl_client zen.test=127.0.0.11 |  | 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.test; first / second |
        client | reject_rbl_client zen.test=127.0.[0;1].[10..12] |  | 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.test; first / second |
        client | reject_rbl_client zen.test=127.0.1.[0..255] |  | DUNNO |
        # a DNS list that does not answer is skipped with a warning: never a permit, never a reject
        client | reject_rbl_client rbl.test, reject | client=x.test[192.0.2.55] | 554 5.7.1 <x.test[192.0.2.55]>: Client host rejected: Access denied | WARNING:55.2.0.192.rbl.test: RBL lookup error: timed out
        client | reject_rbl_client rbl.test | client=x.test[192.0.2.55] | DUNNO | WARNING:55.2.0.192.rbl.test: RBL lookup error: timed out
        client | warn_if_reject, reject_rbl_client rbl.test, permit |  | PERMIT | REJECT_WARNING:$RBL_TEST
        # RHS lists: the domain of the name or address
        sender | reject_rhsbl_sender dbl.test |  | 554 5.7.1 Service unavailable; Sender address [s@sender.test] blocked using dbl.test; spam domain |
        sender | reject_rhsbl_sender dbl.test | from=<> | DUNNO |
        sender | reject_rhsbl_sender dbl.test | from=u@[192.0.2.1] | DUNNO |
        sender | reject_rhsbl_sender dbl.test | from=u@host.123 | DUNNO |
        sender | reject_rhsbl_sender dbl.test | from=u@other.test | DUNNO |
        client | reject_rhsbl_client dbl.test |  | 554 5.7.1 Service unavailable; Client host [client.test] blocked using dbl.test |
        client | reject_rhsbl_client dbl.test | client=unknown[203.0.113.5] | DUNNO |
        client | reject_rhsbl_reverse_client dbl.test | client=unknown[192.0.2.66] reverse=client.test namestatus=FORGED | 554 5.7.1 Service unavailable; Unverified Client host [client.test] blocked using dbl.test |
        client | reject_rhsbl_reverse_client dbl.test | client=unknown[192.0.2.66] | DUNNO |
        helo   | reject_rhsbl_helo dbl.test |  | 554 5.7.1 Service unavailable; Helo command [client.test] blocked using dbl.test |
        helo   | reject_rhsbl_helo dbl.test | helo=- | DUNNO |
        rcpt   | reject_rhsbl_recipient dbl.test |  | 554 5.7.1 Service unavailable; Recipient address [r@example.com] blocked using dbl.test |
        # allow lists: OK when listed, but never for a recipient this server would not relay to
        client | permit_dnswl_client wl.test, reject |  | PERMIT |
        client | permit_dnswl_client wl.test, reject | client=x.test[192.0.2.66] | 554 5.7.1 <x.test[192.0.2.66]>: Client host rejected: Access denied |
        relay  | permit_dnswl_client wl.test, reject_unauth_destination | rcpt=x@elsewhere.test | 554 5.7.1 <x@elsewhere.test>: Relay access denied |
        relay  | permit_dnswl_client wl.test, reject_unauth_destination | rcpt=x@example.com | PERMIT |
        client | permit_dnswl_client wl.test, reject | client=x.test[192.0.2.55] | 450 4.7.1 <192.0.2.55>: Client host rejected: Service unavailable | WARNING:55.2.0.192.wl.test: RBL lookup error: timed out
        client | permit_dnswl_client wl.test | client=x.test[192.0.2.55] | DUNNO | WARNING:55.2.0.192.wl.test: RBL lookup error: timed out
        client | permit_rhswl_client wl.test, reject |  | PERMIT |
        client | permit_rhswl_client wl.test, reject | client=unknown[203.0.113.5] | 554 5.7.1 <unknown[203.0.113.5]>: Client host rejected: Access denied |
        """)
    void dnsLists(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # reject_unknown_sender_domain / _recipient_domain: MX, A or AAAA; null MX; temporary failure defers
        sender | reject_unknown_sender_domain |  | DUNNO |
        sender | reject_unknown_sender_domain | from=u@nx.test | 450 4.1.8 <u@nx.test>: Sender address rejected: Domain not found |
        sender | reject_unknown_sender_domain | from=u@nullmx.test | 550 5.7.27 <u@nullmx.test>: Sender address rejected: Domain nullmx.test does not accept mail (nullMX) |
        sender | reject_unknown_sender_domain | from=u@aonly.test | DUNNO |
        sender | reject_unknown_sender_domain | from=u@tempmx2.test | DUNNO |
        sender | reject_unknown_sender_domain | from=u@tempmx.test | 450 4.1.8 <u@tempmx.test>: Sender address rejected: Domain not found |
        sender | reject_unknown_sender_domain, permit | from=u@tempmx.test | 450 4.1.8 <u@tempmx.test>: Sender address rejected: Domain not found |
        sender | reject_unknown_sender_domain, reject | from=u@tempmx.test | 554 5.7.1 <u@tempmx.test>: Sender address rejected: Access denied |
        sender | reject_unknown_sender_domain | from=<> | DUNNO |
        sender | reject_unknown_sender_domain | from=u@example.com | DUNNO |
        sender | reject_unknown_sender_domain | from=u@[192.0.2.1] | DUNNO |
        rcpt   | reject_unknown_sender_domain | from=u@nx.test | 450 4.1.8 <u@nx.test>: Sender address rejected: Domain not found |
        rcpt   | warn_if_reject, reject_unknown_sender_domain, permit | from=u@tempmx.test | PERMIT | REJECT_WARNING:450 4.1.8 <u@tempmx.test>: Sender address rejected: Domain not found
        rcpt   | reject_unknown_recipient_domain | rcpt=x@nx.test | 450 4.1.2 <x@nx.test>: Recipient address rejected: Domain not found |
        rcpt   | reject_unknown_recipient_domain | rcpt=x@nullmx.test | 556 5.1.10 <x@nullmx.test>: Recipient address rejected: Domain nullmx.test does not accept mail (nullMX) |
        rcpt   | reject_unknown_recipient_domain | rcpt=x@relay.example.org | 450 4.1.2 <x@relay.example.org>: Recipient address rejected: Domain not found |
        rcpt   | reject_unknown_recipient_domain |  | DUNNO |
        rcpt   | reject_unknown_recipient_domain | rcpt=x@tempmx.test | 450 4.1.2 <x@tempmx.test>: Recipient address rejected: Domain not found |
        # reject_unknown_helo_hostname: A, AAAA or MX (a null MX will do)
        helo | reject_unknown_helo_hostname |  | DUNNO |
        helo | reject_unknown_hostname | helo=nx.test | 450 4.7.1 <nx.test>: Helo command rejected: Host not found |
        helo | reject_unknown_helo_hostname | helo=mxonly.test | DUNNO |
        helo | reject_unknown_helo_hostname | helo=nullmx.test | DUNNO |
        helo | reject_unknown_helo_hostname | helo=temphelo.test | 450 4.7.1 <temphelo.test>: Helo command rejected: Host not found |
        helo | reject_unknown_helo_hostname, reject | helo=temphelo.test | 554 5.7.1 <temphelo.test>: Helo command rejected: Access denied |
        helo | reject_unknown_helo_hostname | helo=[300.1.1.1] | 501 5.5.2 <[300.1.1.1]>: Helo command rejected: invalid ip address |
        helo | reject_unknown_helo_hostname | helo=[192.0.2.1] | DUNNO |
        helo | reject_unknown_helo_hostname | helo=- | DUNNO |
        # the client's name: forward-confirmed, and the reverse name alone
        client | reject_unknown_client_hostname |  | DUNNO |
        client | reject_unknown_client | client=unknown[192.0.2.66] | 450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.66] |
        client | reject_unknown_client_hostname | client=unknown[192.0.2.66] reverse=forged.test namestatus=FORGED | 450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.66] |
        client | reject_unknown_reverse_client_hostname | client=unknown[192.0.2.66] reverse=forged.test namestatus=FORGED | DUNNO |
        client | reject_unknown_reverse_client_hostname | client=unknown[192.0.2.66] | 450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.66] |
        rcpt   | reject_unknown_client_hostname | client=unknown[2001:db8::9] | 450 4.7.25 Client host rejected: cannot find your hostname, [2001:db8::9] |
        """)
    void namesThatMustExist(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # the MX hosts (the domain itself without MX), by name then by address; the first entry found decides
        sender | check_sender_mx_access test:access | from=u@badmx.test | 554 5.7.1 <u@badmx.test>: Sender address rejected: bad MX |
        sender | check_sender_mx_access test:access | from=u@badaddr.test | 554 5.7.1 <u@badaddr.test>: Sender address rejected: bad server address |
        sender | check_sender_mx_access test:access | from=u@nomx.test | 554 5.7.1 <u@nomx.test>: Sender address rejected: bad server address |
        sender | check_sender_mx_access test:access | from=u@[203.0.113.77] | 554 5.7.1 <u@[203.0.113.77]>: Sender address rejected: bad server address |
        sender | check_sender_mx_access test:access | from=u@nullmx.test | DUNNO |
        sender | check_sender_mx_access test:access | from=<> | DUNNO |
        sender | check_sender_mx_access test:access, reject | from=u@dunnomx.test | 554 5.7.1 <u@dunnomx.test>: Sender address rejected: Access denied |
        sender | check_sender_mx_access test:access | from=u@tempmx.test | DUNNO | WARNING:Unable to look up MX host for tempmx.test: timed out
        sender | check_sender_mx_access test:access | from=u@lostmx.test | DUNNO | WARNING:Unable to look up MX host mx.lost.test for Sender address u@lostmx.test: Host not found, name=mx.lost.test type=AAAA
        # an OK from DNS data is refused
        sender | check_sender_mx_access test:access | from=u@okmx.test | 451 4.3.5 Server configuration error | WARNING:restriction check_sender_mx_access returns OK for u@okmx.test; WARNING:this is not allowed for security reasons; WARNING:use DUNNO instead of OK if you want to make an exception
        # NS hosts of the nearest domain that has some; A: the name's own addresses
        sender | check_sender_ns_access test:access | from=u@sub.badns.test | 554 5.7.1 <u@sub.badns.test>: Sender address rejected: bad NS |
        sender | check_sender_ns_access test:access | from=u@[203.0.113.77] | DUNNO |
        sender | check_sender_a_access test:access | from=u@nomx.test | 554 5.7.1 <u@nomx.test>: Sender address rejected: bad server address |
        sender | check_sender_a_access test:access | from=u@badmx.test | DUNNO |
        helo   | check_helo_mx_access test:access | helo=badmx.test | 554 5.7.1 <badmx.test>: Helo command rejected: bad MX |
        helo   | check_helo_a_access test:access | helo=- | DUNNO |
        client | check_client_ns_access test:access | client=host.badns.test[192.0.2.70] | 554 5.7.1 <host.badns.test[192.0.2.70]>: Client host rejected: bad NS |
        client | check_client_mx_access test:access | client=unknown[192.0.2.70] | DUNNO |
        # the unverified reverse client name: its table (name, parents, then address), its MX, NS and A hosts
        client | check_reverse_client_hostname_access test:reverse | client=unknown[192.0.2.66] reverse=bad.reverse.test namestatus=FORGED | 554 5.7.1 <unknown[192.0.2.66]>: Client host rejected: bad reverse name |
        client | check_reverse_client_hostname_access test:reverse | client=unknown[192.0.2.88] | 554 5.7.1 <unknown[192.0.2.88]>: Client host rejected: bad address |
        client | check_reverse_client_hostname_access test:reverse | client=x.test[192.0.2.66] | DUNNO |
        client | check_client_access test:reverse | client=unknown[192.0.2.66] reverse=bad.reverse.test namestatus=FORGED | DUNNO |
        client | check_reverse_client_hostname_access test:reverse | client=unknown[192.0.2.66] reverse=okrev.test namestatus=FORGED | 451 4.3.5 Server configuration error | WARNING:restriction check_reverse_client_hostname_access returns OK for okrev.test; WARNING:this is not allowed for security reasons; WARNING:use DUNNO instead of OK if you want to make an exception
        client | check_reverse_client_hostname_mx_access test:access | client=unknown[192.0.2.70] reverse=badmx.test namestatus=FORGED | 554 5.7.1 <unknown[192.0.2.70]>: Client host rejected: bad MX |
        client | check_client_mx_access test:access | client=unknown[192.0.2.70] reverse=badmx.test namestatus=FORGED | DUNNO |
        client | check_reverse_client_hostname_mx_access test:access | client=unknown[192.0.2.70] | DUNNO |
        client | check_reverse_client_hostname_mx_access test:access | client=unknown[192.0.2.70] reverse=tempmx.test namestatus=FORGED | DUNNO | WARNING:Unable to look up MX host for tempmx.test: timed out
        client | check_reverse_client_hostname_ns_access test:access | client=unknown[192.0.2.70] reverse=host.badns.test namestatus=FORGED | 554 5.7.1 <unknown[192.0.2.70]>: Client host rejected: bad NS |
        client | check_reverse_client_hostname_a_access test:access | client=unknown[192.0.2.70] reverse=nomx.test namestatus=FORGED | 554 5.7.1 <unknown[192.0.2.70]>: Client host rejected: bad server address |
        rcpt   | check_recipient_mx_access test:access | rcpt=x@badmx.test | 554 5.7.1 <x@badmx.test>: Recipient address rejected: bad MX |
        rcpt   | check_recipient_a_access test:access | rcpt=x@nomx.test | 554 5.7.1 <x@nomx.test>: Recipient address rejected: bad server address |
        """)
    void serverAccess(String kind, String list, String state, String expected, String actions) {
        check(CONFIG, kind, list, state, expected, actions);
    }

    private static final RestrictionConfig MX_BACKUP = Fixtures.configOwning(Map.of("myhostname", "mail.postern.test"), "192.0.2.25");
    private static final RestrictionConfig MX_BACKUP_NETWORKS = Fixtures.configOwning(
        Map.of("myhostname", "mail.postern.test", "permit_mx_backup_networks", "198.51.100.0/28"), "192.0.2.25");
    private static final RestrictionConfig MX_BACKUP_OTHER_NETWORKS = Fixtures.configOwning(
        Map.of("myhostname", "mail.postern.test", "permit_mx_backup_networks", "203.0.113.0/24, 198.51.100.20"), "192.0.2.25");

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # a backup MX (by address, or by $myhostname): OK; never when this server is a primary or no MX at all
        rcpt | permit_mx_backup, reject | rcpt=x@backup.test | PERMIT |
        rcpt | permit_mx_backup, reject | rcpt=x@byname.test | PERMIT |
        rcpt | permit_mx_backup, reject | rcpt=x@primaryhere.test | 554 5.7.1 <x@primaryhere.test>: Recipient address rejected: Access denied |
        rcpt | permit_mx_backup, reject | rcpt=x@samepref.test | 554 5.7.1 <x@samepref.test>: Recipient address rejected: Access denied |
        rcpt | permit_mx_backup, reject | rcpt=x@notus.test | 554 5.7.1 <x@notus.test>: Recipient address rejected: Access denied |
        rcpt | permit_mx_backup, reject | rcpt=x@nomx.test | 554 5.7.1 <x@nomx.test>: Recipient address rejected: Access denied |
        rcpt | permit_mx_backup, reject | rcpt=x@[192.0.2.99] | 554 5.7.1 <x@[192.0.2.99]>: Recipient address rejected: Access denied |
        # authorized destinations, as permit_auth_destination
        rcpt | permit_mx_backup, reject | rcpt=x@example.com | PERMIT |
        rcpt | permit_mx_backup, reject | rcpt=x@relay.example.org | PERMIT |
        # a failed MX lookup: defer_if_reject, never a permit
        rcpt | permit_mx_backup | rcpt=x@tempmx.test | DUNNO |
        rcpt | permit_mx_backup, reject | rcpt=x@tempmx.test | 450 4.4.4 <x@tempmx.test>: Recipient address rejected: Unable to look up mail exchanger information: timed out |
        # a primary MX host that cannot be looked up: a permit that follows is deferred
        rcpt | permit_mx_backup | rcpt=x@primtemp.test | 450 4.4.4 <x@primtemp.test>: Recipient address rejected: Unable to look up host mx.temp.test as mail exchanger |
        """)
    void mxBackup(String kind, String list, String state, String expected, String actions) {
        check(MX_BACKUP, kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        # permit_mx_backup_networks: every address of the primary MX hosts must be in them
        rcpt | NETWORKS | permit_mx_backup, reject | rcpt=x@backup.test | PERMIT |
        rcpt | OTHER    | permit_mx_backup, reject | rcpt=x@backup.test | 554 5.7.1 <x@backup.test>: Recipient address rejected: Access denied |
        rcpt | OTHER    | permit_mx_backup, reject | rcpt=x@example.com | PERMIT |
        rcpt | NETWORKS | permit_mx_backup, reject | rcpt=x@primtemp.test | 450 4.4.4 <x@primtemp.test>: Recipient address rejected: Unable to look up host mx.temp.test as mail exchanger |
        """)
    void mxBackupNetworks(String kind, String networks, String list, String state, String expected, String actions) {
        check(networks.equals("NETWORKS") ? MX_BACKUP_NETWORKS : MX_BACKUP_OTHER_NETWORKS, kind, list, state, expected, actions);
    }

    private static final RestrictionConfig CODES = config(Map.of("unknown_client_reject_code", "550",
        "unknown_address_reject_code", "550", "unknown_hostname_reject_code", "554", "maps_rbl_reject_code", "521"));

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        client | reject_unknown_client_hostname | client=unknown[192.0.2.66] | 550 5.7.25 Client host rejected: cannot find your hostname, [192.0.2.66] |
        client | reject_unknown_client_hostname | client=unknown[192.0.2.66] reverse=f.test namestatus=FORGED | 550 5.7.25 Client host rejected: cannot find your hostname, [192.0.2.66] |
        client | reject_unknown_client_hostname | client=unknown[192.0.2.66] namestatus=TEMPORARY reversestatus=TEMPORARY | 450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.66] |
        client | reject_unknown_reverse_client_hostname | client=unknown[192.0.2.66] | 550 5.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.66] |
        client | reject_unknown_reverse_client_hostname | client=unknown[192.0.2.66] namestatus=TEMPORARY reversestatus=TEMPORARY | 450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.66] |
        sender | reject_unknown_sender_domain | from=u@nx.test | 550 5.1.8 <u@nx.test>: Sender address rejected: Domain not found |
        sender | reject_unknown_sender_domain | from=u@tempmx.test | 450 4.1.8 <u@tempmx.test>: Sender address rejected: Domain not found |
        helo   | reject_unknown_helo_hostname | helo=nx.test | 554 5.7.1 <nx.test>: Helo command rejected: Host not found |
        client | reject_rbl_client rbl.test |  | 521 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using rbl.test; listed: see https://rbl.test/203.0.113.5 |
        """)
    void codeParameters(String kind, String list, String state, String expected, String actions) {
        check(CODES, kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        sender | reject_unknown_sender_domain, reject | from=u@tempmx.test | 450 4.1.8 <u@tempmx.test>: Sender address rejected: Domain not found |
        rcpt   | reject_unknown_recipient_domain, permit | rcpt=x@tempmx.test | 450 4.1.2 <x@tempmx.test>: Recipient address rejected: Domain not found |
        helo   | reject_unknown_helo_hostname, reject | helo=temphelo.test | 450 4.7.1 <temphelo.test>: Helo command rejected: Host not found |
        """)
    void tempfailActionDeferDefersAtOnce(String kind, String list, String state, String expected, String actions) {
        check(config(Map.of("reject_tempfail_action", "defer")), kind, list, state, expected, actions);
        check(config(Map.of("unknown_address_tempfail_action", "defer", "unknown_helo_hostname_tempfail_action", "defer")),
            kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        client | reject_rbl_client rbl.test |  | 550 5.7.9 Go away, 203.0.113.5 (listed: see https://rbl.test/203.0.113.5) |
        client | reject_rbl_client zen.test=127.0.0.[4;10] |  | 554 5.7.1 Listed by zen.test (first / second) for Client host 203.0.113.5 |
        client | reject_rbl_client zen.test |  | 554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.test; first / second |
        sender | reject_rhsbl_sender dbl.test |  | 450 4.7.1 Service unavailable | WARNING:rbl response code configuration error: no code here
        """)
    void rblReplyMaps(String kind, String list, String state, String expected, String actions) {
        check(config(Map.of("rbl_reply_maps", "test:rblreply")), kind, list, state, expected, actions);
    }

    @ParameterizedTest(name = "[{index}] {0}: {1} / {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
        client | reject_rbl_client rbl.test |  | 454 4.7.1 Blocked: 203.0.113.5 is in rbl.test (listed: see https://rbl.test/203.0.113.5) |
        sender | reject_rhsbl_sender dbl.test |  | 454 4.7.1 Blocked: s@sender.test is in dbl.test (spam domain) |
        client | reject_rbl_client zen.test=127.0.0.[2..3] |  | DUNNO |
        """)
    void defaultRblReplyAndSoftBounce(String kind, String list, String state, String expected, String actions) {
        check(config(Map.of("soft_bounce", "yes", "default_rbl_reply", "$rbl_code Blocked: $rbl_what is in $rbl_domain${rbl_reason? ($rbl_reason)}")),
            kind, list, state, expected, actions);
    }
}
