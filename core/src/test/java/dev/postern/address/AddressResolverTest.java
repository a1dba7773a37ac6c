package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.postern.config.MainCf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

import dev.postern.address.AddressResolver.Role;
import dev.postern.address.ResolvedAddress.Flag;
import dev.postern.tables.LookupException;

class AddressResolverTest {
    static final String H = "mx.example.com";

    static AddressClassifier classifier() throws Exception {
        return new AddressClassifier(
            DomainMatchList.domains("mydestination", List.of(H, "localhost.example.com", "localhost"),
                ParentStyle.DOT_MATCHES_SUBDOMAINS, null),
            Set.of(InetAddress.getByName("127.0.0.1")),
            DomainMatchList.empty("virtual_alias_domains"),
            DomainMatchList.empty("virtual_mailbox_domains"),
            domain -> false,
            DomainMatchList.domains("relay_domains", List.of("relay.example"), ParentStyle.PARENT_MATCHES_SUBDOMAINS, null));
    }

    static AddressResolver resolver(String settings) throws Exception {
        return new AddressResolver(parameters(settings), classifier()::isLocal);
    }

    /** Postfix's defaults with {@code name=value; ...} changes ({@code -}: none). */
    static ResolverParameters parameters(String settings) {
        Map<String, String> values = new HashMap<>();
        ResolverParameters.SWITCHES.forEach(name -> values.put(name, MainCf.defaults().get(name)));
        values.put("myhostname", H);
        values.put("mydomain", "example.com");
        values.put("myorigin", H);
        if (!settings.equals("-")) {
            for (String setting : settings.split(";")) {
                String[] pair = setting.split("=", 2);
                values.put(pair[0].trim(), pair[1].trim());
            }
        }
        return ResolverParameters.from(values::get);
    }

    @ParameterizedTest(name = "{0} {1} [{2}] -> {3} {4} ({5})")
    @CsvFileSource(resources = "/address/resolve.csv", delimiter = '|', quoteCharacter = '\'')
    void resolvesAsPostfix(String role, String path, String settings, String expected, String flags, String note)
            throws Exception {
        ResolvedAddress result = resolver(settings).resolve(path, Role.valueOf(role.toUpperCase()));

        assertThat(result.address()).as("internal form").isEqualTo(expected.equals("-") ? "" : expected);
        assertThat(result.flags()).as("flags").isEqualTo(flags.equals("-") ? Set.of() : Set.of(Flag.valueOf(flags)));
        assertThat(result.reason().isEmpty()).as("reason given").isEqualTo(flags.equals("-"));
        assertThat(result.input()).isEqualTo(path);
    }

    /**
     * The property the relay check rests on: whatever the client wrote, an address that names
     * the victim never comes out as a plain local address. It is remote, routed or invalid.
     */
    @ParameterizedTest(name = "{0} {1} [{2}]")
    @CsvFileSource(resources = "/address/resolve.csv", delimiter = '|', quoteCharacter = '\'')
    void victimIsNeverLocalWithoutRouting(String role, String path, String settings, String expected, String flags,
            String note) throws Exception {
        if (!role.equals("recipient") || !path.contains("victim")) {
            return;
        }
        ResolvedAddress result = resolver(settings).resolveRecipient(path);
        boolean plainLocal = !result.isError() && !result.isRouted() && classifier().isLocal(result.domain());
        assertThat(plainLocal).as("%s resolved to %s", path, result).isFalse();
        if (note.startsWith("nmap") && !result.isRouted()) {
            assertThat(result.address()).isEqualTo("relaytest@victim.example");
        }
    }

    @Test
    void partsOfTheResult() throws Exception {
        ResolvedAddress routed = resolver("-").resolveRecipient("<relaytest@victim.example@relay.example>");
        assertThat(routed.localPart()).isEqualTo("relaytest@victim.example");
        assertThat(routed.domain()).isEqualTo("relay.example");
        assertThat(routed.isRouted()).isTrue();
        assertThat(routed.reason()).isEqualTo("sender-specified routing");

        ResolvedAddress nullSender = resolver("-").resolveSender("<>");
        assertThat(nullSender.isNullSender()).isTrue();
        assertThat(nullSender.domain()).isEmpty();
        assertThat(resolver("-").resolveRecipient("<>").isNullSender()).isFalse();
    }

    @Test
    void errorsSayWhy() throws Exception {
        AddressResolver resolver = resolver("-");
        assertThat(resolver.resolveRecipient("<relaytest@198.51.100.9>").reason())
            .isEqualTo("numeric domain \"198.51.100.9\" not written as an address literal");
        assertThat(resolver.resolveRecipient("<relaytest@>").reason()).isEqualTo("empty domain");
        assertThat(resolver.resolveRecipient("<>").reason()).isEqualTo("null recipient address");
        assertThat(resolver.resolveRecipient("<user@[::1]>").reason()).isEqualTo("invalid address literal \"[::1]\"");
        assertThat(resolver.resolveRecipient("<-user@victim.example>").reason()).isEqualTo("address begins with \"-\"");
    }

    @Test
    void internalFormsFromLaterStagesResolveToo() throws Exception {
        assertThat(resolver("-").resolveInternal("relaytest@victim.example@mx.example.com").address())
            .isEqualTo("relaytest@victim.example");
        assertThat(resolver("-").resolveInternal("john doe@victim.example").address()).isEqualTo("john doe@victim.example");
    }

    @Test
    void aFailedLocalDomainLookupIsNotAnAnswer() throws Exception {
        AddressResolver resolver = new AddressResolver(ResolverParameters.defaults(H, "example.com"), domain -> {
            throw new LookupException("mydestination: hash:/etc/postfix/local_domains: lookup failed");
        });
        assertThatThrownBy(() -> resolver.resolveRecipient("<relaytest%victim.example@mx.example.com>"))
            .isInstanceOf(LookupException.class)
            .hasMessageContaining("local_domains");
    }

    @Test
    void defaultsAreThoseOfPostfix() {
        ResolverParameters defaults = ResolverParameters.defaults(H, "example.com");
        assertThat(defaults).isEqualTo(new ResolverParameters(H, "example.com", H,
            true, true, true, true, false, false, false, false));
        assertThatThrownBy(() -> ResolverParameters.from(name -> name.equals("swap_bangpath") ? "maybe" : "yes"))
            .hasMessage("swap_bangpath: bad boolean value \"maybe\" (expected yes or no)");
    }

    /**
     * Random paths built from the characters routing tricks use: no exception, always a
     * {@code local@domain} form, and routing left in the local part is always flagged.
     */
    @Test
    void randomPathsNeverBreakTheResolver() throws Exception {
        String[] pieces = {"@", "%", "!", "\"", "[", "]", ".", ":", ",", "<", ">", "(", ")", "\\", " ", "-",
            "relaytest", "victim.example", H, "[127.0.0.1]", "localhost", "x"};
        Random random = new Random(20240601);
        AddressResolver resolver = resolver("-");
        for (int i = 0; i < 20_000; i++) {
            StringBuilder path = new StringBuilder();
            int length = 1 + random.nextInt(8);
            for (int j = 0; j < length; j++) {
                path.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = path.toString();
            assertThatNoException().as(text).isThrownBy(() -> resolver.resolveRecipient(text));
            ResolvedAddress result = resolver.resolveRecipient(text);
            if (!result.isError()) {
                String local = result.localPart();
                boolean routingLeft = local.indexOf('@') >= 0 || local.indexOf('%') >= 0 || local.indexOf('!') >= 0;
                assertThat(routingLeft && !result.isRouted()).as("%s -> %s", text, result).isFalse();
                assertThat(result.address()).as(text).contains("@");
            }
        }
    }
}
