package dev.postern.config;

import static dev.postern.config.TestConfigs.error;
import static dev.postern.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MainCfExpansionTest {

    @Test
    void chainsExpandRecursivelyInAnyOrderAndSyntax() throws Exception {
        MainCf cf = parse(
                "smtpd_banner = ${myorigin} says hi",
                "myorigin = $(mydomain)",
                "mydomain = example.net",
                "myhostname = mx.example.net");

        assertThat(cf.get("smtpd_banner")).isEqualTo("example.net says hi");
        assertThat(cf.raw("smtpd_banner")).isEqualTo("${myorigin} says hi");
        assertThat(cf.get("myorigin")).isEqualTo("example.net");
    }

    @Test
    void defaultsExpandThroughExplicitSettings() throws Exception {
        MainCf cf = parse("myhostname = mx.example.org", "mail_name = Mailer");

        assertThat(cf.get("smtpd_banner")).isEqualTo("mx.example.org ESMTP Mailer");
        assertThat(cf.get("mydestination")).isEqualTo("mx.example.org, localhost.example.org, localhost");
    }

    @Test
    void doubleDollarIsALiteralDollar() throws Exception {
        MainCf cf = parse("smtpd_banner = cost $$5, $$myhostname, $${x} and $$$mail_name");

        assertThat(cf.get("smtpd_banner")).isEqualTo("cost $5, $myhostname, ${x} and $Postern");
    }

    @ParameterizedTest(name = "relayhost=[{0}] {1} -> [{2}]")
    @MethodSource
    void conditionalExpansion(String relayhost, String banner, String expected) throws Exception {
        MainCf cf = parse("relayhost = " + relayhost, "smtpd_banner = " + banner);

        assertThat(cf.get("smtpd_banner")).isEqualTo(expected);
    }

    static Stream<Arguments> conditionalExpansion() {
        return Stream.of(
                Arguments.of("[smart.example]", "${relayhost?via $relayhost}", "via [smart.example]"),
                Arguments.of("", "${relayhost?via $relayhost}", ""),
                Arguments.of("[smart.example]", "${relayhost:direct}", ""),
                Arguments.of("", "${relayhost:direct}", "direct"),
                Arguments.of("", "$(relayhost:direct)", "direct"),
                Arguments.of("x", "a${relayhost?[${mail_name}]}b", "a[Postern]b"),
                Arguments.of("", "a${relayhost?[${mail_name}]}b", "ab"),
                Arguments.of("", "${relayhost:${mail_name?named $mail_name}}", "named Postern"),
                Arguments.of("", "${relayhost?}", ""),
                Arguments.of("x", "${relayhost:}", ""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource
    void expansionErrorsNameWhereTheFaultyValueIsDefined(String[] lines, String message) {
        assertThat(error(lines)).isEqualTo(message);
    }

    static Stream<Arguments> expansionErrorsNameWhereTheFaultyValueIsDefined() {
        return Stream.of(
                Arguments.of(new String[] {"relayhost = smart.example", "smtpd_banner = $myhostname $mail_nmae"},
                        "main.cf:2: smtpd_banner: undefined parameter \"mail_nmae\" (did you mean \"mail_name\"?)"),
                Arguments.of(new String[] {"smtpd_banner = ${nosuch}"},
                        "main.cf:1: smtpd_banner: undefined parameter \"nosuch\""),
                // Found while expanding line 1, but the undefined name is in line 3's value.
                Arguments.of(new String[] {"smtpd_banner = $myorigin", "", "myorigin = $(nosuch)"},
                        "main.cf:3: myorigin: undefined parameter \"nosuch\""),
                // A branch that is not taken is still checked for misspelt names.
                Arguments.of(new String[] {"smtpd_banner = ${relayhost?via $relayhots}"},
                        "main.cf:1: smtpd_banner: undefined parameter \"relayhots\" (did you mean \"relayhost\"?)"),
                Arguments.of(new String[] {"smtpd_banner = ${nosuch?x}"},
                        "main.cf:1: smtpd_banner: undefined parameter \"nosuch\""),
                Arguments.of(new String[] {"mydestination = $mydestination, example.com"},
                        "main.cf:1: mydestination: expansion loop: mydestination -> mydestination"),
                Arguments.of(new String[] {"myorigin = $mydomain", "mydomain = ${myorigin}"},
                        "main.cf:1: myorigin: expansion loop: myorigin -> mydomain -> myorigin"),
                // Through a literal default (myorigin = $myhostname)...
                Arguments.of(new String[] {"myhostname = $myorigin"},
                        "main.cf:1: myhostname: expansion loop: myhostname -> myorigin -> myhostname"),
                // ...and through a derived one (mydomain = myhostname minus its first label).
                Arguments.of(new String[] {"myhostname = mail.$mydomain"},
                        "main.cf:1: myhostname: expansion loop: myhostname -> mydomain -> myhostname"),
                Arguments.of(new String[] {"smtpd_banner = 100$ guaranteed"},
                        "main.cf:1: smtpd_banner: stray \"$\" in \"100$ guaranteed\" (write \"$$\" for a literal \"$\")"),
                Arguments.of(new String[] {"smtpd_banner = cost 5$"},
                        "main.cf:1: smtpd_banner: stray \"$\" in \"cost 5$\" (write \"$$\" for a literal \"$\")"),
                Arguments.of(new String[] {"smtpd_banner = ${myhostname ESMTP"},
                        "main.cf:1: smtpd_banner: missing \"}\" in \"${myhostname ESMTP\""),
                Arguments.of(new String[] {"smtpd_banner = $(myhostname"},
                        "main.cf:1: smtpd_banner: missing \")\" in \"$(myhostname\""),
                Arguments.of(new String[] {"smtpd_banner = ${}"},
                        "main.cf:1: smtpd_banner: bad parameter reference in \"${}\""),
                Arguments.of(new String[] {"smtpd_banner = ${my-hostname}"},
                        "main.cf:1: smtpd_banner: bad parameter reference in \"${my-hostname}\""));
    }

    @Test
    void userDefinedParametersExpandAsInPostfix() throws Exception {
        // Postfix lets main.cf define its own names for use in $name, before or after the use.
        MainCf cf = parse("mynetworks = $mynet ${extra}", "mynet = 10.0.0.0/8", "extra = 192.0.2.0/24");

        assertThat(cf.get("mynetworks")).isEqualTo("10.0.0.0/8 192.0.2.0/24");
        assertThat(cf.warnings()).isEmpty();
    }
}
