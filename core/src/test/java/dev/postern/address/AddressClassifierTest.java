package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.tables.LookupException;

class AddressClassifierTest {
    private final FakeTable aliasTable = FakeTable.fixed("aliases.example", "x", "alias@other.example", "someone@example.org");

    private AddressClassifier classifier(ParentStyle relayStyle) throws Exception {
        return new AddressClassifier(
            DomainMatchList.domains("mydestination", List.of("mx.example.com", "localhost", ".sub.example.com", "both.example"),
                ParentStyle.DOT_MATCHES_SUBDOMAINS, null),
            Set.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"), InetAddress.getByName("203.0.113.5")),
            DomainMatchList.strings("virtual_alias_domains", List.of("alias.example", "both.example", "shared.example",
                "texthash:/etc/postern/virtual"), name -> aliasTable),
            DomainMatchList.strings("virtual_mailbox_domains", List.of("mailbox.example", "shared.example"), null),
            domain -> domain.equals("webadmin.example"),
            DomainMatchList.domains("relay_domains", List.of("relay.example", "!private.relay2.example", "relay2.example",
                "mailbox.example"), relayStyle, null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        mx.example.com            | LOCAL
        MX.Example.COM            | LOCAL
        mx.example.com.           | LOCAL
        localhost                 | LOCAL
        host.mx.example.com       | DEFAULT
        deep.sub.example.com      | LOCAL
        sub.example.com           | DEFAULT
        [127.0.0.1]               | LOCAL
        [IPv6:::1]                | LOCAL
        [ipv6:0:0:0:0:0:0:0:1]    | LOCAL
        [::1]                     | DEFAULT
        [203.0.113.5]             | LOCAL
        [198.51.100.9]            | DEFAULT
        198.51.100.9              | DEFAULT
        both.example              | LOCAL
        alias.example             | VIRTUAL_ALIAS
        sub.alias.example         | DEFAULT
        aliases.example           | VIRTUAL_ALIAS
        shared.example            | VIRTUAL_ALIAS
        mailbox.example           | VIRTUAL_MAILBOX
        webadmin.example          | VIRTUAL_MAILBOX
        relay.example             | RELAY
        mx.relay.example          | RELAY
        a.b.relay.example         | RELAY
        xrelay.example            | DEFAULT
        relay2.example            | RELAY
        private.relay2.example    | DEFAULT
        victim.example            | DEFAULT
        ''                        | DEFAULT
        """)
    void classesInPostfixOrder(String domain, AddressClass expected) throws Exception {
        assertThat(classifier(ParentStyle.PARENT_MATCHES_SUBDOMAINS).classify(domain)).isEqualTo(expected);
    }

    @Test
    void withoutParentStyleRelaySubdomainsNeedADot() throws Exception {
        AddressClassifier classifier = classifier(ParentStyle.DOT_MATCHES_SUBDOMAINS);
        assertThat(classifier.classify("relay.example")).isEqualTo(AddressClass.RELAY);
        assertThat(classifier.classify("mx.relay.example")).isEqualTo(AddressClass.DEFAULT);
    }

    @Test
    void resolvedAddressesAreClassifiedByTheirDomain() throws Exception {
        AddressClassifier classifier = classifier(ParentStyle.PARENT_MATCHES_SUBDOMAINS);
        AddressResolver resolver = new AddressResolver(ResolverParameters.defaults("mx.example.com", "example.com"),
            classifier::isLocal);
        assertThat(classifier.classify(resolver.resolveRecipient("<relaytest%victim.example@[127.0.0.1]>")))
            .isEqualTo(AddressClass.DEFAULT);
        assertThat(classifier.classify(resolver.resolveRecipient("<user@[127.0.0.1]>"))).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify(resolver.resolveRecipient("<postmaster>"))).isEqualTo(AddressClass.LOCAL);
    }

    @Test
    void classProperties() {
        assertThat(AddressClass.LOCAL.isFinalDestination()).isTrue();
        assertThat(AddressClass.RELAY.isFinalDestination()).isFalse();
        assertThat(AddressClass.RELAY.isAuthorizedDestination()).isTrue();
        assertThat(AddressClass.DEFAULT.isAuthorizedDestination()).isFalse();
    }

    @Test
    void tableItemsAreAskedTheDomainAndForDomainListsItsParents() throws Exception {
        FakeTable relayTable = FakeTable.fixed("example.net", "OK");
        DomainMatchList parentStyle = DomainMatchList.domains("relay_domains", List.of("hash:/etc/postfix/relay"),
            ParentStyle.PARENT_MATCHES_SUBDOMAINS, name -> relayTable);
        assertThat(parentStyle.matches("a.b.example.net")).isTrue();
        assertThat(relayTable.queries()).containsExactly("a.b.example.net", "b.example.net", "example.net");

        FakeTable dotTable = FakeTable.fixed(".example.net", "OK");
        DomainMatchList dotStyle = DomainMatchList.domains("relay_domains", List.of("hash:/etc/postfix/relay"),
            ParentStyle.DOT_MATCHES_SUBDOMAINS, name -> dotTable);
        assertThat(dotStyle.matches("a.b.example.net")).isTrue();
        assertThat(dotTable.queries()).containsExactly("a.b.example.net", ".b.example.net", ".example.net");

        FakeTable regexp = FakeTable.pattern("example.net", "OK");
        DomainMatchList patterns = DomainMatchList.domains("relay_domains", List.of("regexp:/etc/postfix/relay"),
            ParentStyle.PARENT_MATCHES_SUBDOMAINS, name -> regexp);
        assertThat(patterns.matches("mx.example.net")).isFalse();
        assertThat(regexp.queries()).containsExactly("mx.example.net");

        FakeTable exact = FakeTable.fixed("example.net", "OK");
        DomainMatchList strings = DomainMatchList.strings("virtual_alias_domains", List.of("hash:/etc/postfix/virtual"), name -> exact);
        assertThat(strings.matches("mx.example.net")).isFalse();
        assertThat(exact.queries()).containsExactly("mx.example.net");
    }

    @Test
    void aFailedTableIsAnErrorNotANo() throws Exception {
        FakeTable broken = FakeTable.fixed().failingOn("victim.example");
        AddressClassifier classifier = new AddressClassifier(DomainMatchList.empty("mydestination"), Set.of(),
            DomainMatchList.strings("virtual_alias_domains", List.of("pgsql:/etc/postern/domains.cf"), name -> broken),
            DomainMatchList.empty("virtual_mailbox_domains"), domain -> false, DomainMatchList.empty("relay_domains"));
        assertThatThrownBy(() -> classifier.classify("victim.example")).isInstanceOf(LookupException.class);
    }

    @Test
    void builtFromParameters() throws Exception {
        Map<String, String> main = Map.of(
            "mydestination", "mx.example.com, localhost.example.com, localhost",
            "virtual_alias_domains", "",
            "virtual_mailbox_domains", "mailbox.example",
            "relay_domains", "relay.example",
            "parent_domain_matches_subdomains", ParentStyle.POSTFIX_DEFAULT);
        AddressClassifier classifier = AddressClassifier.fromParameters(main::get,
            AddressClassifier.ownAddresses(List.of("loopback-only"), List.of("[192.0.2.25]")), null, domain -> false);
        assertThat(classifier.classify("localhost")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("[127.0.0.1]")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("[192.0.2.25]")).isEqualTo(AddressClass.LOCAL);
        assertThat(classifier.classify("mailbox.example")).isEqualTo(AddressClass.VIRTUAL_MAILBOX);
        assertThat(classifier.classify("sub.relay.example")).isEqualTo(AddressClass.RELAY);
        assertThat(classifier.classify("victim.example")).isEqualTo(AddressClass.DEFAULT);
    }

    @Test
    void listSyntaxErrorsNameTheParameter() {
        assertThatThrownBy(() -> DomainMatchList.domains("relay_domains", List.of("hash:/etc/postfix/relay"),
            ParentStyle.PARENT_MATCHES_SUBDOMAINS, null))
            .hasMessage("relay_domains: lookup tables are not supported here: \"hash:/etc/postfix/relay\"");
        assertThatThrownBy(() -> DomainMatchList.strings("virtual_alias_domains", List.of("!"), null))
            .hasMessage("virtual_alias_domains: empty item after \"!\" in \"!\"");
    }

    @Test
    void fileItemsAreMoreItemsAndAMissingFileNamesParameterAndFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("local_domains"), "# local\nexample.com, .example.net\n\nexample.org\n");
        DomainMatchList fromFile = DomainMatchList.domains("mydestination", List.of("localhost", file.toString()),
            ParentStyle.PARENT_MATCHES_SUBDOMAINS, null);
        assertThat(fromFile.matches("example.org")).isTrue();
        assertThat(fromFile.matches("sub.example.net")).isTrue();
        assertThat(fromFile.matches("example.edu")).isFalse();

        Path missing = dir.resolve("nothing");
        assertThatThrownBy(() -> DomainMatchList.domains("relay_domains", List.of(missing.toString()),
            ParentStyle.PARENT_MATCHES_SUBDOMAINS, null))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("relay_domains: cannot read " + missing + ": file not found");
    }
}
