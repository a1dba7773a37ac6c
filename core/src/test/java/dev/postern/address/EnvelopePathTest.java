package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.james.core.MailAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvelopePathTest {

    @ParameterizedTest(name = "{0} -> [{1}] [{2}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        TO:<bob@example.com>                          | bob@example.com                         | ''
        to: <bob@example.com>  NOTIFY=NEVER           | bob@example.com                         | NOTIFY=NEVER
        TO:<postmaster>                               | postmaster                              | ''
        TO:<bob@example.com.>                         | bob@example.com                         | ''
        TO:<@a.example,@b.example:bob@example.com>    | bob@example.com                         | ''
        TO:<relaytest%victim.example@[127.0.0.1]>     | relaytest%victim.example@[127.0.0.1]    | ''
        TO:<"relaytest@victim.example"@[127.0.0.1]>   | "relaytest@victim.example"@[127.0.0.1]  | ''
        TO:<"a\\"> b"@example.com>                    | "a\\"> b"@example.com                   | ''
        TO:<victim.example!relaytest>                 | victim.example!relaytest                | ''
        TO:<bob@[IPv6:::1]> ORCPT=rfc822;bob@x        | bob@[IPv6:::1]                          | ORCPT=rfc822;bob@x
        FROM:<> SIZE=100                              | ''                                      | SIZE=100
        FROM:<a+tag@x.example> AUTH=<>                | a+tag@x.example                         | AUTH=<>
        """)
    void readsWhatRfc5321Allows(String argument, String mailbox, String parameters) throws Exception {
        EnvelopePath path = EnvelopePath.parse(argument, argument.toUpperCase().startsWith("TO") ? "TO" : "FROM", true);
        assertThat(path.mailbox()).isEqualTo(mailbox);
        assertThat(path.parameters()).isEqualTo(parameters);
    }

    /** Every form here has, or had, a second reading somewhere between the restrictions and the router. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
        TO:<v\\>@evil.example>                        | \\
        TO:<victim+\\>@evil.example>                  | \\
        TO:<v\\@x@evil.example>                       | \\
        TO:<"unclosed@evil.example>                   | unterminated quoted string
        TO:<bob@[127.0.0.1>                           | unterminated address literal
        TO:<bob@[1.2.[3].4]>                          | inside an address literal
        TO:<bob@evil.example                          | not closed
        TO:<bob@local.example>@evil.example>          | after the closing >
        TO:<<bob@evil.example>>                       | local part
        TO:<bob@local.example <x@evil.example>>       | not closed
        TO:<bob (comment) @evil.example>              | not closed
        TO:<bob(c)@evil.example>                      | not closed
        TO:<bob @evil.example>                        | not closed
        TO:<bob@evil.example@local.example>           | not closed
        TO:<"a"b@evil.example>                        | not closed
        TO:<bob@>                                     | empty domain
        TO:<@evil.example>                            | source route
        TO:bob@evil.example                           | not enclosed
        RCPT:<bob@evil.example>                       | expected TO
        """)
    void refusesWhatCouldBeReadTwoWays(String argument, String reason) {
        assertThatThrownBy(() -> EnvelopePath.parse(argument, "TO", true))
            .isInstanceOf(EnvelopePath.SyntaxException.class)
            .hasMessageContaining(reason);
    }

    @Test
    void refusesControlAnd8BitCharacters() {
        for (String hostile : new String[] {"bo\rb@x.example", "bo\nb@x.example", "bob@x.example\0", "b\tob@x.example",
            "bob\u001b@x.example", "b\u007fob@x.example", "b\u00e9@x.example", "\"a\rb\"@x.example"}) {
            assertThatThrownBy(() -> EnvelopePath.parse("TO:<" + hostile + ">", "TO", true))
                .as(hostile).isInstanceOf(EnvelopePath.SyntaxException.class).hasMessageContaining("control or 8-bit");
        }
    }

    @Test
    void withoutBracketEnforcementTheFirstWordIsThePath() throws Exception {
        EnvelopePath path = EnvelopePath.parse("TO:bob@example.com NOTIFY=NEVER", "TO", false);
        assertThat(path.mailbox()).isEqualTo("bob@example.com");
        assertThat(path.parameters()).isEqualTo("NOTIFY=NEVER");
        assertThatThrownBy(() -> EnvelopePath.parse("TO:v\\>@evil.example", "TO", false))
            .isInstanceOf(EnvelopePath.SyntaxException.class);
    }

    @Test
    void anUnqualifiedPathIsQualifiedOnce() throws Exception {
        EnvelopePath path = EnvelopePath.parse("TO:<postmaster>", "TO", true);
        assertThat(path.isQualified()).isFalse();
        assertThat(path.qualified("mx.example.com")).isEqualTo("postmaster@mx.example.com");
        EnvelopePath quoted = EnvelopePath.parse("TO:<\"a@b\">", "TO", true);
        assertThat(quoted.isQualified()).as("an @ inside quotes is no domain").isFalse();
        assertThat(quoted.qualified("mx.example.com")).isEqualTo("\"a@b\"@mx.example.com");
    }

    @Test
    void readsAsComparesLocalPartAndDomainAsJamesHoldsThem() throws Exception {
        assertThat(EnvelopePath.readsAs("bob@Example.COM", new MailAddress("bob@example.com"))).isTrue();
        assertThat(EnvelopePath.readsAs("bob@[127.0.0.1]", new MailAddress("bob@[127.0.0.1]"))).isTrue();
        assertThat(EnvelopePath.readsAs("bob@local.example", new MailAddress("bob@evil.example"))).isFalse();
        assertThat(EnvelopePath.readsAs("v@local.example", new MailAddress("v\\>@local.example"))).isFalse();
        assertThat(EnvelopePath.readsAs("bob", new MailAddress("bob@example.com"))).isFalse();
    }
}
