package dev.postern.config;

import static dev.postern.config.TestConfigs.error;
import static dev.postern.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MainCfSyntaxTest {

    @Test
    void continuationLinesJoinWithOneSpace() throws Exception {
        MainCf cf = parse(
                "mydestination = a.example,",
                "    b.example,",
                "\t  c.example   ",
                "relayhost = smart.example");

        assertThat(cf.raw("mydestination")).isEqualTo("a.example, b.example, c.example");
        assertThat(cf.list("mydestination")).containsExactly("a.example", "b.example", "c.example");
        assertThat(cf.get("relayhost")).isEqualTo("smart.example");
    }

    @Test
    void valueMayStartOnAContinuationLine() throws Exception {
        MainCf cf = parse(
                "mynetworks =",
                "    10.0.0.0/8",
                "    192.0.2.0/24");

        assertThat(cf.raw("mynetworks")).isEqualTo("10.0.0.0/8 192.0.2.0/24");
    }

    @Test
    void commentAndBlankLinesInsideALogicalLineDoNotEndIt() throws Exception {
        // Postfix's readlline() skips them and keeps collecting continuation lines.
        MainCf cf = parse(
                "mydestination = a.example,",
                "# b.example is gone",
                "",
                "    c.example");

        assertThat(cf.raw("mydestination")).isEqualTo("a.example, c.example");
    }

    @Test
    void commentsAndBlankLinesAreIgnored() throws Exception {
        MainCf cf = parse(
                "# Postern main.cf",
                "",
                "   # indented comment",
                "   ",
                "relayhost = smart.example",
                "#relayhost = commented.example");

        assertThat(cf.get("relayhost")).isEqualTo("smart.example");
        assertThat(cf.explicitNames()).containsExactly("relayhost");
    }

    @Test
    void hashInsideAValueIsLiteral() throws Exception {
        MainCf cf = parse("smtpd_banner = $myhostname ESMTP #1 # not a comment", "myhostname = mx.example");

        assertThat(cf.raw("smtpd_banner")).isEqualTo("$myhostname ESMTP #1 # not a comment");
        assertThat(cf.get("smtpd_banner")).isEqualTo("mx.example ESMTP #1 # not a comment");
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @MethodSource
    void whiteSpaceAroundTheEqualsSignIsOptional(String line, String expected) throws Exception {
        assertThat(parse(line).raw("relayhost")).isEqualTo(expected);
    }

    static Stream<Arguments> whiteSpaceAroundTheEqualsSignIsOptional() {
        return Stream.of(
                Arguments.of("relayhost=[smart.example]:587", "[smart.example]:587"),
                Arguments.of("relayhost   =   smart.example   ", "smart.example"),
                Arguments.of("relayhost\t=\tsmart.example", "smart.example"),
                Arguments.of("relayhost =", ""),
                Arguments.of("relayhost=", ""),
                Arguments.of("relayhost = a = b", "a = b"),
                Arguments.of("relayhost = smart.example\r", "smart.example"));
    }

    @Test
    void aLaterSettingReplacesAnEarlierOne() throws Exception {
        MainCf cf = parse(
                "relayhost = first.example",
                "mail_name = Mailer",
                "relayhost = second.example");

        assertThat(cf.get("relayhost")).isEqualTo("second.example");
        assertThat(cf.origin("relayhost")).isEqualTo("main.cf:3");
    }

    @Test
    void aLaterSettingAlsoChangesEarlierReferences() throws Exception {
        MainCf cf = parse(
                "myorigin = $mydomain",
                "mydomain = first.example",
                "mydomain = second.example");

        assertThat(cf.get("myorigin")).isEqualTo("second.example");
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void syntaxErrorsNameTheFileAndLine(String[] lines, String message) {
        assertThat(error(lines)).isEqualTo(message);
    }

    static Stream<Arguments> syntaxErrorsNameTheFileAndLine() {
        return Stream.of(
                Arguments.of(new String[] {"# header", "relayhost = x", "myhostname"},
                        "main.cf:3: malformed line: missing \"=\" (expected \"name = value\")"),
                Arguments.of(new String[] {"relayhost = x", "= value"},
                        "main.cf:2: malformed line: missing parameter name before \"=\""),
                Arguments.of(new String[] {"my hostname = x"},
                        "main.cf:1: malformed line: \"my hostname\" is not a parameter name"
                                + " (expected \"name = value\")"),
                Arguments.of(new String[] {"# header", "  relayhost = x", "mail_name = y"},
                        "main.cf:2: continuation line before any parameter"
                                + " (a line that starts with white space continues the previous one)"),
                // Every problem is reported, in file order.
                Arguments.of(new String[] {"relayhost = x", "garbage", "foo = bar", "= value"},
                        "2 problems:\n"
                            + "  main.cf:2: malformed line: missing \"=\" (expected \"name = value\")\n"
                            + "  main.cf:4: malformed line: missing parameter name before \"=\""),
                // Line breaks inside the given strings count as lines, a final one does not.
                Arguments.of(new String[] {"relayhost = x\r\n", "mail_name = y\n# c\r\n\nfoo bar"},
                        "main.cf:5: malformed line: missing \"=\" (expected \"name = value\")"),
                Arguments.of(new String[] {"relayhost = x\r", "my\rhostname = y"},
                        "main.cf:2: malformed line: missing \"=\" (expected \"name = value\")"),
                // An error in a continued line names the line the setting starts on.
                Arguments.of(new String[] {"relayhost = x", "message_size_limit =", "    10M"},
                        "main.cf:2: message_size_limit: bad numerical value \"10M\""));
    }
}
