package dev.postern.restrictions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplyTemplateTest {
    private static final Map<String, String> NAMES = Map.of("rbl_code", "554", "rbl_reason", "why", "empty", "");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        $rbl_code x                   | 554 x
        ${rbl_code}x$(rbl_code)       | 554x554
        a${rbl_reason?; $rbl_reason}  | a; why
        a${empty?; $rbl_reason}       | a
        a${empty:none}                | anone
        a${rbl_reason:none}           | a
        100$$ sure                    | 100$ sure
        ${rbl_reason?${empty:nested}} | nested
        """)
    void expands(String template, String expected) {
        assertThat(ReplyTemplate.expand(template, NAMES::get)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        $nosuch          | unknown name "$nosuch"
        ${rbl_code       | missing "}" in "${rbl_code"
        $ alone          | stray "$" in "$ alone"
        ${rbl_code!x}    | unexpected "!" in "${rbl_code!x}"
        """)
    void refusesMalformedTemplates(String template, String message) {
        assertThatThrownBy(() -> ReplyTemplate.expand(template, NAMES::get))
            .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
