package dev.postern.delivery.route;

import static dev.postern.delivery.route.RoutingFixture.resolve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.tables.LookupException;

/**
 * trivial-rewrite's resolve, table-driven: class transports, transport_maps lookup order and
 * result forms, next-hop precedence, sender-dependent tables, pattern tables, lookup failures.
 * Each row names the recipient (and sender) and the expected {@code transport:nexthop CLASS}.
 */
class RouteResolverTest {
    private static final String SENDER = "alice@sender.example";

    @TempDir
    Path dir;

    private RoutingFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new RoutingFixture(dir);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "bob@mx.example.com   | local:mx.example.com LOCAL",
        "bob@localhost        | local:mx.example.com LOCAL",
        "Bob@MX.Example.COM   | local:mx.example.com LOCAL",
        "x@alias.example      | error:5.1.1 User unknown in virtual alias table VIRTUAL_ALIAS",
        "x@mbox.example       | virtual:mbox.example VIRTUAL_MAILBOX",
        "x@runtime.example    | virtual:runtime.example VIRTUAL_MAILBOX",
        "x@relay.example      | relay:relay.example RELAY",
        // relay_domains is in parent_domain_matches_subdomains by default.
        "x@sub.relay.example  | relay:sub.relay.example RELAY",
        "x@sub.mbox.example   | smtp:sub.mbox.example DEFAULT",
        "x@remote.example     | smtp:remote.example DEFAULT",
        "x@Remote.EXAMPLE     | smtp:remote.example DEFAULT",
        "x@[192.0.2.1]        | smtp:[192.0.2.1] DEFAULT",
    })
    void classTransportsWithPostfixDefaults(String recipient, String expected) throws LookupException {
        assertThat(resolve(fixture.resolver(), recipient, SENDER)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} = {1}: {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        // A class transport without a next hop: the recipient's domain.
        "local_transport   | local                | bob@localhost    | local:localhost LOCAL",
        "local_transport   | lmtp:[lmtp.example]  | bob@localhost    | lmtp:[lmtp.example] LOCAL",
        "virtual_transport | lmtp:unix:/run/lmtp  | x@mbox.example   | lmtp:unix:/run/lmtp VIRTUAL_MAILBOX",
        "virtual_transport | virtual:              | x@mbox.example   | virtual:mbox.example VIRTUAL_MAILBOX",
        "relay_transport   | smtp                 | x@relay.example  | smtp:relay.example RELAY",
        "relay_transport   | relay:[gw.example]:25 | x@relay.example | relay:[gw.example]:25 RELAY",
        "default_transport | relay                | x@remote.example | relay:remote.example DEFAULT",
        "default_transport | smtp:[out.example]   | x@remote.example | smtp:[out.example] DEFAULT",
        // The virtual alias class has no transport parameter.
        "default_transport | smtp:[out.example]   | x@alias.example  | error:5.1.1 User unknown in virtual alias table VIRTUAL_ALIAS",
    })
    void classTransportParameters(String parameter, String value, String recipient, String expected) throws LookupException {
        fixture.with(parameter, value);
        assertThat(resolve(fixture.resolver(), recipient, SENDER)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "user+ext@dest.example         | smtp:[full] DEFAULT",
        "USER+EXT@Dest.Example         | smtp:[full] DEFAULT",
        "user+other@dest.example       | smtp:[noext] DEFAULT",
        "user@dest.example             | smtp:[noext] DEFAULT",
        "other@dest.example            | smtp:[domain] DEFAULT",
        "a@sub.parent.example          | smtp:[parent] DEFAULT",
        "a@deep.sub.parent.example     | smtp:[parent] DEFAULT",
        // .parent.example covers subdomains only; a plain domain covers only itself.
        "a@parent.example              | smtp:[wildcard] DEFAULT",
        "a@plain.example               | smtp:[plain] DEFAULT",
        "a@sub.plain.example           | smtp:[wildcard] DEFAULT",
        // .example is a parent of everything below it, found before the wildcard.
        "a@x.tld.example               | smtp:[tld] DEFAULT",
        "a@elsewhere.org               | smtp:[wildcard] DEFAULT",
        // Lookup order holds for every class but the virtual alias one.
        "user@mx.example.com           | local:[local-user] LOCAL",
        "x@alias.example               | error:5.1.1 User unknown in virtual alias table VIRTUAL_ALIAS",
    })
    void transportMapsLookupOrder(String recipient, String expected) throws LookupException {
        String table = fixture.file("transport",
            "user+ext@dest.example  smtp:[full]",
            "user@dest.example      smtp:[noext]",
            "dest.example           smtp:[domain]",
            ".parent.example        smtp:[parent]",
            "plain.example          smtp:[plain]",
            ".tld.example           smtp:[tld]",
            "user@mx.example.com    :[local-user]",
            "alias.example          smtp:[alias]",
            "*                      smtp:[wildcard]");
        fixture.with("recipient_delimiter", "+").with("transport_maps", "texthash:" + table);
        assertThat(resolve(fixture.resolver(), recipient, SENDER)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "delimiter \"{0}\": {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "''  | user+ext@dest.example   | smtp:[full] DEFAULT",
        "''  | user+other@dest.example | smtp:[domain] DEFAULT",
        "+-  | user-x@dest.example     | smtp:[noext] DEFAULT",
        "+-  | user+x-y@dest.example   | smtp:[noext] DEFAULT",
        "-   | user+x@dest.example     | smtp:[domain] DEFAULT",
    })
    void extensionIsSplitAtRecipientDelimiter(String delimiter, String recipient, String expected) throws LookupException {
        String table = fixture.file("transport",
            "user+ext@dest.example  smtp:[full]",
            "user@dest.example      smtp:[noext]",
            "dest.example           smtp:[domain]");
        fixture.with("recipient_delimiter", delimiter).with("transport_maps", "texthash:" + table);
        assertThat(resolve(fixture.resolver(), recipient, SENDER)).isEqualTo(expected);
    }

    /** Key by key, every table in turn: a more specific key in a later table beats a domain in an earlier one. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "user@dest.example   | smtp:[second-user] DEFAULT",
        "other@dest.example  | smtp:[first-domain] DEFAULT",
        "x@both.example      | smtp:[first-both] DEFAULT",
    })
    void keysBeforeTables(String recipient, String expected) throws LookupException {
        String first = fixture.file("first", "dest.example smtp:[first-domain]", "both.example smtp:[first-both]");
        String second = fixture.file("second", "user@dest.example smtp:[second-user]", "both.example smtp:[second-both]");
        fixture.with("transport_maps", "texthash:" + first + ", texthash:" + second);
        assertThat(resolve(fixture.resolver(), recipient, SENDER)).isEqualTo(expected);
    }

    /**
     * The result forms of transport(5), applied to a default-class recipient with a relayhost and
     * a local one: {@code :} changes nothing, {@code :nexthop} keeps the class transport,
     * {@code transport} and {@code transport:} give the recipient domain (overriding the
     * relayhost), {@code transport:nexthop} sets both.
     */
    @ParameterizedTest(name = "{0} for {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        ":                          | x@remote.example | smtp:[relayhost.example] DEFAULT",
        ":[gw.example]:587          | x@remote.example | smtp:[gw.example]:587 DEFAULT",
        "relay:                     | x@remote.example | relay:remote.example DEFAULT",
        "relay                      | x@remote.example | relay:remote.example DEFAULT",
        "Relay:[gw.example]         | x@remote.example | relay:[gw.example] DEFAULT",
        "smtp:mx.other.example:2525 | x@remote.example | smtp:mx.other.example:2525 DEFAULT",
        "lmtp:unix:/run/dovecot/lmtp | x@remote.example | lmtp:unix:/run/dovecot/lmtp DEFAULT",
        "error:5.7.1 No relaying to Remote | x@remote.example | error:5.7.1 No relaying to Remote DEFAULT",
        "error:                     | x@remote.example | error:Address is undeliverable DEFAULT",
        "retry:4.3.2 Come back later | x@remote.example | retry:4.3.2 Come back later DEFAULT",
        "retry                      | x@remote.example | retry:Address is undeliverable DEFAULT",
        "discard:silently dropped   | x@remote.example | discard:silently dropped DEFAULT",
        "discard:                   | x@remote.example | discard:remote.example DEFAULT",
        ":                          | bob@localhost    | local:mx.example.com LOCAL",
        ":[lmtp.example]            | bob@localhost    | local:[lmtp.example] LOCAL",
        "lmtp:                      | bob@localhost    | lmtp:localhost LOCAL",
        "smtp:[gw.example]          | x@mbox.example   | smtp:[gw.example] VIRTUAL_MAILBOX",
        ":                          | x@relay.example  | relay:[relayhost.example] RELAY",
    })
    void resultForms(String value, String recipient, String expected) throws LookupException {
        String table = fixture.file("transport",
            "remote.example  " + value,
            "localhost       " + value,
            "mbox.example    " + value,
            "relay.example   " + value,
            "*               smtp:[wildcard-must-not-be-reached]");
        fixture.with("relayhost", "[relayhost.example]").with("transport_maps", "texthash:" + table);
        assertThat(resolve(fixture.resolver(), recipient, SENDER)).isEqualTo(expected);
    }

    @Test
    void colonAloneEndsTheSearch() throws LookupException {
        String table = fixture.file("transport", "user@dest.example :", "dest.example smtp:[domain]", "* smtp:[wildcard]");
        fixture.with("transport_maps", "texthash:" + table);
        RouteResolver resolver = fixture.resolver();
        assertThat(resolve(resolver, "user@dest.example", SENDER)).isEqualTo("smtp:dest.example DEFAULT");
        assertThat(resolve(resolver, "other@dest.example", SENDER)).isEqualTo("smtp:[domain] DEFAULT");
    }

    @Test
    void inlineTransportTable() throws LookupException {
        fixture.with("transport_maps", "inline:{dest.example=relay:[gw.example]:2525, .sub.example=:[hub.example]}");
        RouteResolver resolver = fixture.resolver();
        assertThat(resolve(resolver, "a@dest.example", SENDER)).isEqualTo("relay:[gw.example]:2525 DEFAULT");
        assertThat(resolve(resolver, "a@x.sub.example", SENDER)).isEqualTo("smtp:[hub.example] DEFAULT");
        assertThat(resolve(resolver, "a@sub.example", SENDER)).isEqualTo("smtp:sub.example DEFAULT");
    }

    /**
     * Next hop of the relay and default classes: transport_maps &gt; :nexthop of the class
     * transport &gt; sender_dependent_relayhost_maps &gt; relayhost &gt; recipient domain. Each row
     * removes the winner of the row before it ("-" = not set).
     */
    @ParameterizedTest(name = "[{index}] {0}: maps={1} class={2} sdrh={3} relayhost={4} -> {5}")
    @CsvSource(delimiter = '|', value = {
        "x@remote.example | :[tm.example] | smtp:[class.example] | [sdrh.example]  | [rh.example] | smtp:[tm.example] DEFAULT",
        "x@remote.example | -             | smtp:[class.example] | [sdrh.example]  | [rh.example] | smtp:[class.example] DEFAULT",
        "x@remote.example | -             | smtp                 | [sdrh.example]  | [rh.example] | smtp:[sdrh.example] DEFAULT",
        "x@remote.example | -             | smtp                 | DUNNO           | [rh.example] | smtp:[rh.example] DEFAULT",
        "x@remote.example | -             | smtp                 | -               | [rh.example] | smtp:[rh.example] DEFAULT",
        "x@remote.example | -             | smtp                 | -               | -            | smtp:remote.example DEFAULT",
        "x@relay.example  | :[tm.example] | relay:[class.example] | [sdrh.example] | [rh.example] | relay:[tm.example] RELAY",
        "x@relay.example  | -             | relay:[class.example] | [sdrh.example] | [rh.example] | relay:[class.example] RELAY",
        "x@relay.example  | -             | relay                | [sdrh.example]  | [rh.example] | relay:[sdrh.example] RELAY",
        "x@relay.example  | -             | relay                | dunno           | [rh.example] | relay:[rh.example] RELAY",
        "x@relay.example  | -             | relay                | -               | [rh.example] | relay:[rh.example] RELAY",
        "x@relay.example  | -             | relay                | -               | -            | relay:relay.example RELAY",
        // Local and virtual mailbox classes never take the relayhost.
        "bob@localhost    | -             | smtp:[class.example] | [sdrh.example]  | [rh.example] | local:mx.example.com LOCAL",
        "x@mbox.example   | -             | smtp:[class.example] | [sdrh.example]  | [rh.example] | virtual:mbox.example VIRTUAL_MAILBOX",
    })
    void nexthopPrecedence(String recipient, String transportEntry, String classTransport, String senderRelayhost,
            String relayhost, String expected) throws LookupException {
        String domain = recipient.substring(recipient.indexOf('@') + 1);
        if (!transportEntry.equals("-")) {
            fixture.with("transport_maps", "texthash:" + fixture.file("transport", domain + " " + transportEntry));
        }
        fixture.with(domain.equals("relay.example") ? "relay_transport" : "default_transport", classTransport);
        if (!senderRelayhost.equals("-")) {
            fixture.with("sender_dependent_relayhost_maps",
                "texthash:" + fixture.file("sender_relay", SENDER + " " + senderRelayhost));
        }
        fixture.with("relayhost", relayhost.equals("-") ? "" : relayhost);
        assertThat(resolve(fixture.resolver(), recipient, SENDER)).isEqualTo(expected);
    }

    /** sender_dependent_relayhost_maps: the sender, then @domain, <> for the null sender; DUNNO ends the search. */
    @ParameterizedTest(name = "sender {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "alice@sender.example     | smtp:[alice.example] DEFAULT",
        "Alice@Sender.Example     | smtp:[alice.example] DEFAULT",
        "bob@sender.example       | smtp:[domain.example] DEFAULT",
        "carol+list@sender.example | smtp:[domain.example] DEFAULT",
        "dunno@sender.example     | smtp:[rh.example] DEFAULT",
        "x@dunno.example          | smtp:[rh.example] DEFAULT",
        "x@other.example          | smtp:[rh.example] DEFAULT",
        "<>                       | smtp:[null.example] DEFAULT",
    })
    void senderDependentRelayhost(String sender, String expected) throws LookupException {
        String table = fixture.file("sender_relay",
            "alice@sender.example  [alice.example]",
            "dunno@sender.example  DUNNO",
            "@sender.example       [domain.example]",
            "@dunno.example        DUNNO",
            "<>                    [null.example]");
        fixture.with("sender_dependent_relayhost_maps", "texthash:" + table).with("relayhost", "[rh.example]");
        assertThat(resolve(fixture.resolver(), "x@remote.example", sender)).isEqualTo(expected);
    }

    /**
     * sender_dependent_default_transport_maps: replaces default_transport (default class only);
     * a next hop written in its value beats the relayhost, none leaves the relayhost in force.
     */
    @ParameterizedTest(name = "sender {0}, recipient {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "alice@sender.example | x@remote.example | relay:[alice.example] DEFAULT",
        "bob@sender.example   | x@remote.example | lmtp:[rh.example] DEFAULT",
        "dunno@sender.example | x@remote.example | smtp:[rh.example] DEFAULT",
        "x@other.example      | x@remote.example | smtp:[rh.example] DEFAULT",
        "<>                   | x@remote.example | error:5.7.1 No bounces here DEFAULT",
        "alice@sender.example | x@relay.example  | relay:[rh.example] RELAY",
        "alice@sender.example | bob@localhost    | local:mx.example.com LOCAL",
        // transport_maps still wins over it.
        "alice@sender.example | x@mapped.example | smtp:[mapped.example] DEFAULT",
        "alice@sender.example | x@hop.example    | relay:[hop.example] DEFAULT",
    })
    void senderDependentDefaultTransport(String sender, String recipient, String expected) throws LookupException {
        String table = fixture.file("sender_transport",
            "alice@sender.example  relay:[alice.example]",
            "dunno@sender.example  DUNNO",
            "@sender.example       lmtp",
            "<>                    error:5.7.1 No bounces here");
        String transport = fixture.file("transport", "mapped.example smtp:[mapped.example]", "hop.example :[hop.example]");
        fixture.with("sender_dependent_default_transport_maps", "texthash:" + table)
            .with("transport_maps", "texthash:" + transport)
            .with("relayhost", "[rh.example]");
        assertThat(resolve(fixture.resolver(), recipient, sender)).isEqualTo(expected);
    }

    /**
     * Pattern tables answer the whole address only: a regexp that would match a domain, a
     * parent, {@code *} or {@code @domain} key is never asked with one.
     */
    @ParameterizedTest(name = "{0} from {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "special@dest.example | alice@sender.example | smtp:[special] DEFAULT",
        "Special@Dest.Example | alice@sender.example | smtp:[special] DEFAULT",
        "a@dest.example       | alice@sender.example | smtp:[hash-domain] DEFAULT",
        "a@sub.dest.example   | alice@sender.example | smtp:[rh.example] DEFAULT",
        "a@other.example      | alice@sender.example | smtp:[rh.example] DEFAULT",
        "a@other.example      | bob@regexp.example   | smtp:[regexp-sender] DEFAULT",
        "a@other.example      | carol@domain.example | smtp:[rh.example] DEFAULT",
    })
    void patternTables(String recipient, String sender, String expected) throws LookupException {
        String regexp = fixture.file("transport.regexp",
            "/^special@dest\\.example$/  smtp:[special]",
            "/^dest\\.example$/          smtp:[partial-domain]",
            "/^\\.dest\\.example$/       smtp:[partial-parent]",
            "/^\\*$/                     smtp:[partial-wildcard]");
        String hash = fixture.file("transport", "dest.example smtp:[hash-domain]");
        String senders = fixture.file("sender.regexp",
            "/^bob@regexp\\.example$/  [regexp-sender]",
            "/^@domain\\.example$/     [partial-sender-domain]");
        fixture.with("transport_maps", "regexp:" + regexp + " texthash:" + hash)
            .with("sender_dependent_relayhost_maps", "regexp:" + senders)
            .with("relayhost", "[rh.example]");
        assertThat(resolve(fixture.resolver(), recipient, sender)).isEqualTo(expected);
    }

    /** A table that cannot be searched makes the route unknown: thrown, naming the parameter and table. */
    @ParameterizedTest(name = "{0} failing, {1}")
    @CsvSource(delimiter = '|', value = {
        "transport_maps                          | x@remote.example",
        "transport_maps                          | bob@localhost",
        "sender_dependent_relayhost_maps         | x@remote.example",
        "sender_dependent_relayhost_maps         | x@relay.example",
        "sender_dependent_default_transport_maps | x@remote.example",
        "relay_domains                           | x@remote.example",
    })
    void lookupFailureIsThrown(String parameter, String recipient) {
        fixture.with(parameter, "fail:broken");
        RouteResolver resolver = fixture.resolver();
        assertThatThrownBy(() -> resolver.resolve(RoutingFixture.address(recipient), RoutingFixture.sender(SENDER)))
            .isInstanceOf(LookupException.class)
            .hasMessageContaining("fail:broken");
    }

    /** Postfix's maps search: each key in every table before the next key, so the second table's exact entry wins. */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "transport_maps                          | inline:{remote.example=smtp:[first]}, inline:{x@remote.example=smtp:[second]} | smtp:[second] DEFAULT",
        "sender_dependent_relayhost_maps         | inline:{@sender.example=[first]}, inline:{alice@sender.example=[second]}      | smtp:[second] DEFAULT",
        "sender_dependent_default_transport_maps | inline:{@sender.example=relay:[first]}, inline:{alice@sender.example=relay:[second]} | relay:[second] DEFAULT",
    })
    void twoTablesAreSearchedKeyByKey(String parameter, String tables, String expected) throws LookupException {
        fixture.with(parameter, tables);
        assertThat(resolve(fixture.resolver(), "x@remote.example", SENDER)).isEqualTo(expected);
    }

    @Test
    void lookupFailureNamesTheParameterAndKey() {
        fixture.with("transport_maps", "fail:broken");
        RouteResolver resolver = fixture.resolver();
        assertThatThrownBy(() -> resolver.resolve(RoutingFixture.address("x@remote.example"), RoutingFixture.sender(SENDER)))
            .hasMessageStartingWith("transport_maps: fail:broken: lookup of \"x@remote.example\" failed");
    }

    /** Tables that the class does not consult cannot fail it. */
    @ParameterizedTest(name = "{0} failing, {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "transport_maps                          | x@alias.example  | error:5.1.1 User unknown in virtual alias table VIRTUAL_ALIAS",
        "sender_dependent_relayhost_maps         | bob@localhost    | local:mx.example.com LOCAL",
        "sender_dependent_default_transport_maps | x@relay.example  | relay:relay.example RELAY",
    })
    void tablesOutsideTheClassAreNotAsked(String parameter, String recipient, String expected) throws LookupException {
        fixture.with(parameter, "fail:broken");
        assertThat(resolve(fixture.resolver(), recipient, SENDER)).isEqualTo(expected);
    }

    @Test
    void senderDependentTransportWithoutTransportNameDefers() {
        String table = fixture.file("sender_transport", "@sender.example :[gw.example]");
        fixture.with("sender_dependent_default_transport_maps", "texthash:" + table);
        RouteResolver resolver = fixture.resolver();
        assertThatThrownBy(() -> resolver.resolve(RoutingFixture.address("x@remote.example"), RoutingFixture.sender(SENDER)))
            .isInstanceOf(LookupException.class)
            .hasMessageContaining("sender_dependent_default_transport_maps: texthash:sender_transport: \"@sender.example\"")
            .hasMessageContaining("names no transport");
    }

    @ParameterizedTest(name = "{0} = \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "relay_transport   | :[gw.example]",
        "default_transport | ''",
        "local_transport   | :",
    })
    void classTransportWithoutTransportNameIsRefused(String parameter, String value) {
        fixture.with(parameter, value);
        assertThatThrownBy(fixture::resolver)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(parameter + " = ")
            .hasMessageContaining("names no transport");
    }

    @Test
    void missingTableFileIsRefusedAtConstruction() {
        fixture.with("transport_maps", "texthash:no-such-file");
        assertThatThrownBy(fixture::resolver)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("no-such-file");
    }

    /** Tables are opened once, when the resolver is built, not per recipient. */
    @Test
    void tablesAreOpenedOnceAtConstruction() throws LookupException {
        String transport = fixture.file("transport", "dest.example smtp:[gw.example]");
        String senders = fixture.file("sender_relay", "@sender.example [sdrh.example]");
        fixture.with("transport_maps", "texthash:" + transport)
            .with("sender_dependent_relayhost_maps", "texthash:" + senders)
            .with("sender_dependent_default_transport_maps", "inline:{<>=relay}");
        RouteResolver resolver = fixture.resolver();
        assertThat(fixture.opened()).containsExactly("texthash:transport", "texthash:sender_relay", "inline:{<>=relay}");
        for (int i = 0; i < 3; i++) {
            assertThat(resolve(resolver, "a@dest.example", SENDER)).isEqualTo("smtp:[gw.example] DEFAULT");
            assertThat(resolve(resolver, "a@other.example", SENDER)).isEqualTo("smtp:[sdrh.example] DEFAULT");
            assertThat(resolve(resolver, "a@other.example", "<>")).isEqualTo("relay:other.example DEFAULT");
        }
        assertThat(fixture.opened()).hasSize(3);
    }
}
