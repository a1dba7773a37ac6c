package dev.postern.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.postern.tables.LookupException;

class HeaderAddressesTest {
    /** The rewriting under test: anything at old.example moves to new.example; "quoted local"@old.example too. */
    private static String rewrite(String address) {
        int at = address.lastIndexOf('@');
        return address.substring(at + 1).toLowerCase(Locale.ROOT).equals("old.example")
            ? address.substring(0, at) + "@new.example" : address;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        bob@old.example                                   | bob@new.example
        Bob Smith <bob@old.example>                       | Bob Smith <bob@new.example>
        "Smith, Bob" <bob@old.example>                    | "Smith, Bob" <bob@new.example>
        "bob@old.example" <bob@old.example>               | "bob@old.example" <bob@new.example>
        bob@old.example (Bob Smith)                       | bob@new.example (Bob Smith)
        bob@old.example (see bob@old.example)             | bob@new.example (see bob@old.example)
        a@old.example, Carol <c@else.example>,d@old.example | a@new.example, Carol <c@else.example>,d@new.example
        Team: a@old.example, b@else.example;              | Team: a@new.example, b@else.example;
        =?UTF-8?Q?J=C3=B6rg?= <j@old.example>             | =?UTF-8?Q?J=C3=B6rg?= <j@new.example>
        "john doe"@old.example                            | "john doe"@new.example
        `a@old.example,\r\n\tb@old.example`               | `a@new.example,\r\n\tb@new.example`
        """)
    void onlyTheAddressTextChanges(String value, String expected) throws LookupException {
        String unescaped = value.replace("\\r\\n\\t", "\r\n\t");
        assertThat(HeaderAddresses.rewrite(unescaped, HeaderAddressesTest::rewrite))
            .contains(expected.replace("\\r\\n\\t", "\r\n\t"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        bob@else.example
        Bob <bob@else.example>
        undisclosed-recipients:;
        localuser
        `"unterminated <bob@old.example>`
        `Bob <bob@old.example`
        """)
    void unchangedOrUnparsableValuesAreLeftAlone(String value) throws LookupException {
        assertThat(HeaderAddresses.rewrite(value, HeaderAddressesTest::rewrite)).isEmpty();
    }
}
