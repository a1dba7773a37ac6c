package dev.postern.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrintableTest {
    @Test
    void printableAsciiIsReturnedAsItIs() {
        String text = "3F2A1B4C5D6E: to=<bob@example.com>, relay=mx[192.0.2.1]:25, status=sent (250 2.0.0 Ok)";

        assertThat(Printable.of(text)).isSameAs(text);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        folded with CRLF and a tab      | <a@b>\\r\\n\\tmore            | <a@b> more
        folded with LF and spaces       | <a@b>\\n    more             | <a@b> more
        folded with a bare CR           | <a@b>\\r\\tmore               | <a@b> more
        folded twice                    | a\\r\\n b\\r\\n\\t c           | a b c
        CRLF not followed by blanks     | a\\r\\nDec  7 mx postfix     | a?Dec  7 mx postfix
        bare CR                         | a\\rb                        | a?b
        bare LF                         | a\\nb                        | a?b
        CRLF at the end                 | a\\r\\n                      | a?
        CR CRLF tab                     | a\\r\\r\\n\\tb                | a? b
        tab                             | a\\tb                        | a?b
        escape sequence                 | a\\u001b[1A\\u001b[2Kb       | a?[1A?[2Kb
        NUL                             | a\\u0000b                    | a?b
        backspaces                      | abc\\b\\b\\bxyz              | abc???xyz
        DEL                             | a\\u007fb                    | a?b
        NEL (C1)                        | a\\u0085b                    | a?b
        Unicode line separator          | a\\u2028b\\u2029c            | a?b?c
        bidirectional override          | a\\u202eb                    | a?b
        decoder's replacement character | a\\ufffdb                    | a?b
        lone surrogate                  | a\\ud800b                    | a?b
        UTF-8 letters stay              | j\\u00f6rg@b\\u00fccher.de   | j\\u00f6rg@b\\u00fccher.de
        emoji stays                     | \\ud83d\\udce7 ok            | \\ud83d\\udce7 ok
        """)
    void controlsBecomeQuestionMarksAndFoldedLinesOneLine(String name, String input, String expected) {
        assertThat(Printable.of(unescape(input))).isEqualTo(unescape(expected));
    }

    /** The table's escapes: \r \n \t \b and backslash-u code units. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char kind = text.charAt(++i);
            switch (kind) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + kind + " in " + text);
            }
        }
        return out.toString();
    }
}
