package dev.postern.address;

import static dev.postern.address.ParentStyle.DOT_MATCHES_SUBDOMAINS;
import static dev.postern.address.ParentStyle.PARENT_MATCHES_SUBDOMAINS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.tables.LookupException;
import dev.postern.tables.TableSearch;

class AccessKeysTest {

    /** Keys are written " ; "-separated; the order is the test. */
    @ParameterizedTest(name = "{0} [{1}] {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        user+ext@a.b.com     | +   | PARENT | user+ext@a.b.com ; user@a.b.com ; a.b.com ; b.com ; com ; user+ext@ ; user@
        user+ext@a.b.com     | +   | DOT    | user+ext@a.b.com ; user@a.b.com ; a.b.com ; .b.com ; .com ; user+ext@ ; user@
        user+ext@a.b.com     | ''  | PARENT | user+ext@a.b.com ; a.b.com ; b.com ; com ; user+ext@
        user@example.com     | +   | PARENT | user@example.com ; example.com ; com ; user@
        User+Ext@Example.COM | +   | PARENT | user+ext@example.com ; user@example.com ; example.com ; com ; user+ext@ ; user@
        user-ext@example.com | +-  | PARENT | user-ext@example.com ; user@example.com ; example.com ; com ; user-ext@ ; user@
        user+a-b@example.com | -+  | PARENT | user+a-b@example.com ; user@example.com ; example.com ; com ; user+a-b@ ; user@
        +ext@example.com     | +   | PARENT | +ext@example.com ; example.com ; com ; +ext@
        postmaster+x@ex.com  | +   | PARENT | postmaster+x@ex.com ; postmaster@ex.com ; ex.com ; com ; postmaster+x@ ; postmaster@
        MAILER-DAEMON@ex.com | -   | PARENT | mailer-daemon@ex.com ; ex.com ; com ; mailer-daemon@
        double-bounce@ex.com | -   | PARENT | double-bounce@ex.com ; ex.com ; com ; double-bounce@
        other-bounce@ex.com  | -   | PARENT | other-bounce@ex.com ; other@ex.com ; ex.com ; com ; other-bounce@ ; other@
        owner-list@ex.com    | -   | PARENT | owner-list@ex.com ; ex.com ; com ; owner-list@
        list-request@ex.com  | -   | PARENT | list-request@ex.com ; ex.com ; com ; list-request@
        owner-list@ex.com    | +   | PARENT | owner-list@ex.com ; ex.com ; com ; owner-list@
        user@[192.0.2.1]     | +   | PARENT | user@[192.0.2.1] ; [192.0.2.1] ; user@
        user@localhost       | +   | DOT    | user@localhost ; localhost ; user@
        ''                   | +   | PARENT | <>
        """)
    void addressOrder(String address, String delimiter, String style, String expected) {
        ParentStyle parentStyle = style.equals("PARENT") ? PARENT_MATCHES_SUBDOMAINS : DOT_MATCHES_SUBDOMAINS;
        assertThat(AccessKeys.forAddress(address, delimiter, parentStyle).texts())
            .containsExactlyElementsOf(List.of(expected.split(" ; ")));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
        mail.example.com | 192.0.2.10                 | PARENT | mail.example.com ; example.com ; com ; 192.0.2.10 ; 192.0.2 ; 192.0 ; 192
        Mail.Example.COM | 192.0.2.10                 | DOT    | mail.example.com ; .example.com ; .com ; 192.0.2.10 ; 192.0.2 ; 192.0 ; 192
        unknown          | 192.0.2.10                 | PARENT | unknown ; 192.0.2.10 ; 192.0.2 ; 192.0 ; 192
        unknown          | 2001:db8::1                | PARENT | unknown ; 2001:db8::1 ; 2001:db8: ; 2001:db8 ; 2001
        unknown          | 2001:0DB8:0:0:0:0:0:1      | PARENT | unknown ; 2001:db8::1 ; 2001:db8: ; 2001:db8 ; 2001
        unknown          | 2001:db8:0:1:0:0:0:5       | PARENT | unknown ; 2001:db8:0:1::5 ; 2001:db8:0:1: ; 2001:db8:0:1 ; 2001:db8:0 ; 2001:db8 ; 2001
        unknown          | 2001:db8:1:2:3:4:0:5       | PARENT | unknown ; 2001:db8:1:2:3:4:0:5 ; 2001:db8:1:2:3:4:0 ; 2001:db8:1:2:3:4 ; 2001:db8:1:2:3 ; 2001:db8:1:2 ; 2001:db8:1 ; 2001:db8 ; 2001
        unknown          | ::ffff:192.0.2.10          | PARENT | unknown ; 192.0.2.10 ; 192.0.2 ; 192.0 ; 192
        localhost        | 0:0:0:0:0:0:0:1            | PARENT | localhost ; ::1 ; :
        192.0.2.10       | 192.0.2.10                 | PARENT | 192.0.2.10 ; 192.0.2.10 ; 192.0.2 ; 192.0 ; 192
        """)
    void clientOrder(String hostname, String address, String style, String expected) {
        ParentStyle parentStyle = style.equals("PARENT") ? PARENT_MATCHES_SUBDOMAINS : DOT_MATCHES_SUBDOMAINS;
        assertThat(AccessKeys.forClient(hostname, address, parentStyle).texts())
            .containsExactlyElementsOf(List.of(expected.split(" ; ")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        mail.example.com  | PARENT | mail.example.com ; example.com ; com
        Mail.Example.COM  | DOT    | mail.example.com ; .example.com ; .com
        localhost         | PARENT | localhost
        192.0.2.1         | PARENT | 192.0.2.1
        mail.example.com. | PARENT | mail.example.com. ; example.com. ; com.
        """)
    void heloOrder(String name, String style, String expected) {
        ParentStyle parentStyle = style.equals("PARENT") ? PARENT_MATCHES_SUBDOMAINS : DOT_MATCHES_SUBDOMAINS;
        assertThat(AccessKeys.forHelo(name, parentStyle).texts()).containsExactlyElementsOf(List.of(expected.split(" ; ")));
    }

    @Test
    void parentStyleFollowsTheParameter() {
        assertThat(ParentStyle.of(List.of(ParentStyle.POSTFIX_DEFAULT.split(",")), ParentStyle.SMTPD_ACCESS_MAPS))
            .isEqualTo(PARENT_MATCHES_SUBDOMAINS);
        assertThat(ParentStyle.of(List.of("relay_domains"), ParentStyle.SMTPD_ACCESS_MAPS)).isEqualTo(DOT_MATCHES_SUBDOMAINS);
    }

    @Test
    void firstKeyFoundWinsAndTellsWhichKeyMatched() throws Exception {
        FakeTable table = FakeTable.fixed("example.com", "REJECT domain", "user@", "OK");
        Optional<TableSearch.Hit> match = AccessKeys.forAddress("user+x@mail.example.com", "+", PARENT_MATCHES_SUBDOMAINS)
            .walk(search(table));
        assertThat(match).hasValueSatisfying(m -> {
            assertThat(m.key().text()).isEqualTo("example.com");
            assertThat(m.value()).isEqualTo("REJECT domain");
            assertThat(m.table()).isSameAs(table);
        });
        assertThat(table.queries()).containsExactly("user+x@mail.example.com", "user@mail.example.com", "mail.example.com",
            "example.com");
    }

    @Test
    void dunnoEndsTheWalkAsNotFound() throws Exception {
        FakeTable table = FakeTable.fixed("user@example.com", "dunno", "example.com", "REJECT");
        assertThat(AccessKeys.forAddress("user@example.com", "", PARENT_MATCHES_SUBDOMAINS).walk(search(table))).isEmpty();
        assertThat(table.queries()).containsExactly("user@example.com");

        FakeTable client = FakeTable.fixed("mail.example.com", "DUNNO exempt", "192.0.2.10", "REJECT");
        assertThat(AccessKeys.forClient("mail.example.com", "192.0.2.10", PARENT_MATCHES_SUBDOMAINS).walk(search(client))).isEmpty();
        assertThat(client.queries()).containsExactly("mail.example.com");
    }

    @Test
    void notFoundAnywhere() throws Exception {
        FakeTable table = FakeTable.fixed("other.example", "OK");
        assertThat(AccessKeys.forHelo("mail.example.com", PARENT_MATCHES_SUBDOMAINS).walk(search(table))).isEmpty();
        assertThat(table.queries()).containsExactly("mail.example.com", "example.com", "com");
    }

    @Test
    void patternTablesGetOnlyTheWholeStrings() throws Exception {
        FakeTable regexp = FakeTable.pattern("example.com", "REJECT");
        AccessKeys address = AccessKeys.forAddress("user+x@mail.example.com", "+", PARENT_MATCHES_SUBDOMAINS);
        assertThat(address.walk(search(regexp))).isEmpty();
        assertThat(regexp.queries()).containsExactly("user+x@mail.example.com");

        FakeTable cidr = FakeTable.pattern("192.0.2.10", "REJECT");
        AccessKeys client = AccessKeys.forClient("mail.example.com", "192.0.2.10", PARENT_MATCHES_SUBDOMAINS);
        assertThat(client.walk(search(cidr))).hasValueSatisfying(m -> assertThat(m.key().text()).isEqualTo("192.0.2.10"));
        assertThat(cidr.queries()).containsExactly("mail.example.com", "192.0.2.10");
    }

    @Test
    void severalTablesAreAskedKeyByKey() throws Exception {
        FakeTable first = FakeTable.fixed("example.com", "REJECT from first");
        FakeTable second = FakeTable.fixed("user@example.com", "OK from second");
        Optional<TableSearch.Hit> match = AccessKeys.forAddress("user@example.com", "", PARENT_MATCHES_SUBDOMAINS)
            .walk(new TableSearch("check_sender_access", List.of(first, second)));
        assertThat(match).hasValueSatisfying(m -> {
            assertThat(m.value()).isEqualTo("OK from second");
            assertThat(m.table()).isSameAs(second);
        });
        assertThat(first.queries()).containsExactly("user@example.com");
    }

    @Test
    void aFailedLookupPropagates() {
        FakeTable table = FakeTable.fixed("com", "OK").failingOn("example.com");
        assertThatThrownBy(() -> AccessKeys.forAddress("user@example.com", "", PARENT_MATCHES_SUBDOMAINS).walk(search(table)))
            .isInstanceOf(LookupException.class)
            .hasMessageContaining("example.com");
    }

    @Test
    void resolvedAddressesAreTheirInternalForm() throws Exception {
        AddressResolver resolver = new AddressResolver(ResolverParameters.defaults("mx.example.com", "example.com"),
            domain -> domain.equals("mx.example.com"));
        assertThat(AccessKeys.forAddress(resolver.resolveRecipient("<Relaytest%Victim.example@mx.example.com>"), "+",
            PARENT_MATCHES_SUBDOMAINS).texts())
            .containsExactly("relaytest@victim.example", "victim.example", "example", "relaytest@");
        assertThat(AccessKeys.forAddress(resolver.resolveSender("<>"), "+", PARENT_MATCHES_SUBDOMAINS).texts())
            .containsExactly("<>");
    }

    private static TableSearch search(FakeTable table) {
        return new TableSearch("check_sender_access", List.of(table));
    }

    @Test
    void dunnoIsTheFirstWordInAnyCase() {
        assertThat(AccessKeys.isDunno("DUNNO")).isTrue();
        assertThat(AccessKeys.isDunno(" dunno because")).isTrue();
        assertThat(AccessKeys.isDunno("DUNNOT")).isFalse();
        assertThat(AccessKeys.isDunno("OK")).isFalse();
    }
}
