package dev.postern.smtp;

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
        TO:postmaster                                | postmaster
        TO:<unclosed@example.com                     | unclosed@example.com
        """)
    void thePathIsTakenAsWritten(String argument, String path) {
        assertThat(CommandArguments.path(argument)).isEqualTo(path);
    }
}
