package dev.postern.config;

import static dev.postern.config.TestConfigs.error;
import static dev.postern.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MainCfEnvironmentTest {

    @Test
    void anOverrideReplacesTheRawValueBeforeExpansion() throws Exception {
        MainCf cf = parse(Map.of("POSTERN_myhostname", "mx.example"));

        assertThat(cf.get("myhostname")).isEqualTo("mx.example");
        assertThat(cf.get("mydomain")).isEqualTo("example");
        assertThat(cf.get("mydestination")).isEqualTo("mx.example, localhost.example, localhost");
        assertThat(cf.get("smtpd_banner")).isEqualTo("mx.example ESMTP Postern");
        assertThat(cf.raw("mydestination")).isEqualTo("$myhostname, localhost.$mydomain, localhost");
        assertThat(cf.explicitNames()).containsExactly("myhostname");
        assertThat(cf.origin("myhostname")).isEqualTo("environment variable POSTERN_myhostname");
    }

    @Test
    void anOverrideWinsOverMainCfAndMayReferToIt() throws Exception {
        MainCf cf = parse(
                Map.of("POSTERN_relayhost", "[env.example]:587", "POSTERN_myorigin", "$mydomain"),
                "relayhost = file.example",
                "mydomain = example.org");

        assertThat(cf.get("relayhost")).isEqualTo("[env.example]:587");
        assertThat(cf.origin("relayhost")).isEqualTo("environment variable POSTERN_relayhost");
        assertThat(cf.get("myorigin")).isEqualTo("example.org");
        assertThat(cf.explicitNames()).containsExactly("mydomain", "myorigin", "relayhost");
    }

    @Test
    void postfixListsAndPosternParametersCanBeOverridden() throws Exception {
        MainCf cf = parse(Map.of(
                "POSTERN_mynetworks", "10.0.0.0/8, 192.0.2.0/24",
                "POSTERN_postern_smtpd_listen", "127.0.0.1:10025"));

        assertThat(cf.list("mynetworks")).containsExactly("10.0.0.0/8", "192.0.2.0/24");
        assertThat(cf.listenAddress("postern_smtpd_listen")).contains(new ListenAddress("127.0.0.1", 10025));
    }

    @Test
    void upperCaseNamesBelongToTheLauncherAndOtherVariablesAreIgnored() throws Exception {
        MainCf cf = parse(Map.of(
                "POSTERN_HOME", "/opt/postern",
                "POSTERN_OPTS", "-Xmx1g",
                "POSTERN_Myhostname", "ignored.example",
                "POSTERN_", "nothing",
                "PATH", "/usr/bin",
                "myhostname", "not.prefixed.example"),
                "myhostname = mx.example.com");

        assertThat(cf.explicitNames()).containsExactly("myhostname");
        assertThat(cf.get("myhostname")).isEqualTo("mx.example.com");
    }

    @Test
    void aMultiLineValueBecomesOneLine() throws Exception {
        MainCf cf = parse(Map.of("POSTERN_mydestination", " a.example,\n    b.example\r\n c.example \n"));

        assertThat(cf.raw("mydestination")).isEqualTo("a.example, b.example c.example");
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void errorsNameTheVariable(Map<String, String> environment, String message) {
        assertThat(error(environment, List.of("relayhost = smart.example"))).isEqualTo(message);
    }

    static Stream<Arguments> errorsNameTheVariable() {
        return Stream.of(
                Arguments.of(Map.of("POSTERN_relay_host", "x"),
                        "environment variable POSTERN_relay_host: unknown parameter \"relay_host\""
                                + " (did you mean \"relayhost\"?)"),
                Arguments.of(Map.of("POSTERN_no_such_thing", "x"),
                        "environment variable POSTERN_no_such_thing: unknown parameter \"no_such_thing\""),
                Arguments.of(Map.of("POSTERN_message_size_limit", "10M"),
                        "environment variable POSTERN_message_size_limit:"
                                + " message_size_limit: bad numerical value \"10M\""),
                Arguments.of(Map.of("POSTERN_myorigin", "$nosuch"),
                        "environment variable POSTERN_myorigin: myorigin: undefined parameter \"nosuch\""),
                Arguments.of(Map.of("POSTERN_myhostname", "$myorigin"),
                        "environment variable POSTERN_myhostname:"
                                + " myhostname: expansion loop: myhostname -> myorigin -> myhostname"));
    }

    @Test
    void fileErrorsComeBeforeEnvironmentErrors() {
        assertThat(error(Map.of("POSTERN_nosuch", "x"), List.of("foo bar")))
                .isEqualTo("2 problems:\n"
                    + "  main.cf:1: malformed line: missing \"=\" (expected \"name = value\")\n"
                    + "  environment variable POSTERN_nosuch: unknown parameter \"nosuch\"");
    }
}
