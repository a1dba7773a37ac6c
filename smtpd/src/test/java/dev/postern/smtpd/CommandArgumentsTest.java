package dev.postern.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandArgumentsTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        TO:<bob@example.com>                         | bob@example.com
        TO: <bob@example.com> NOTIFY=NEVER           | bob@example.com
        FROM:<> SIZE=100                             | ''
        TO:<relaytest%victim.example@[127.0.0.1]>    | relaytest%victim.example@[127.0.0.1]
        TO:<"relaytest@victim.example"@[127.0.0.1]>  | "relaytest@victim.example"@[127.0.0.1]
        TO:<"a>b"@example.com>                       | "a>b"@example.com
        TO:<"a\\"> b"@example.com>                   | "a\\"> b"@example.com
        TO:<@[127.0.0.1]:relaytest@victim.example>   | @[127.0.0.1]:relaytest@victim.example
        """)
    void aPathThatCanBeReadIsKeptAsWrittenWithItsReading(String argument, String path) {
        CommandArguments.Reading reading = CommandArguments.read(argument, argument.startsWith("TO") ? "TO" : "FROM", true);
        assertThat(reading.asWritten()).isEqualTo(path);
        assertThat(reading.path()).isPresent();
        assertThat(reading.error()).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        TO:<v\\>@evil.example>                       | v\\>@evil.example
        TO:<victim+\\>@evil.example> NOTIFY=NEVER    | victim+\\>@evil.example
        TO:<unclosed@example.com                     | unclosed@example.com
        TO:postmaster                                | postmaster
        """)
    void aPathThatCannotBeReadIsKeptAsWrittenForTheLogOnly(String argument, String asWritten) {
        CommandArguments.Reading reading = CommandArguments.read(argument, "TO", true);
        assertThat(reading.asWritten()).isEqualTo(asWritten);
        assertThat(reading.path()).isEmpty();
        assertThat(reading.error()).isPresent();
    }
}
