package dev.postern.config;

import static dev.postern.config.TestConfigs.error;
import static dev.postern.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Names main.cf sets that are not Postern's: Postfix's parameters by status (inert, not
 * implemented, safety-relevant), and user-defined parameters, as {@link ParameterNameCheck} and the
 * loader treat them.
 */
class PostfixParameterNamesTest {

    @Test
    void postfixParametersPosternDoesNotImplementNoLongerStopTheStart() throws Exception {
        MainCf cf = parse(
            "biff = no",
            "readme_directory = no",
            "inet_protocols = ipv4",
            "alias_database = hash:/etc/aliases",
            "smtp_tls_session_cache_database = btree:${data_directory}/smtp_scache",
            "smtp_tls_eccert_file = /etc/ssl/ec.pem",
            "smtpd_tls_protocols = !SSLv2, !SSLv3",
            "relayhost = [smart.example]");

        assertThat(cf.get("relayhost")).isEqualTo("[smart.example]");
        assertThat(cf.explicitNames()).contains("biff", "inet_protocols", "smtp_tls_eccert_file");
        assertThat(cf.raw("inet_protocols")).isEqualTo("ipv4");
    }

    @Test
    void inertParametersAreAcceptedSilently() throws Exception {
        MainCf cf = parse(
            "biff = yes",
            "readme_directory = /usr/share/doc/postfix",
            "daemon_directory = /usr/lib/postfix/sbin",
            "inet_protocols = all",
            "mail_owner = postfix",
            "smtpd_tls_loglevel = 1",
            "default_process_limit = 10");

        assertThat(cf.warnings()).isEmpty();
        assertThat(ConfigWarnings.of(cf)).isEmpty();
    }

    @Test
    void notImplementedParametersGetOneWarningEachSayingWhatPosternDoesInstead() throws Exception {
        MainCf cf = parse(
            "smtp_tls_eccert_file = /etc/ssl/ec.pem",
            "relayhost = [smart.example]",
            "smtpd_tls_protocols = !SSLv2, !SSLv3");

        assertThat(cf.warnings()).containsExactly(
            "main.cf, line 1: smtp_tls_eccert_file is a Postfix parameter that Postern does not implement;"
                + " the setting is ignored: Postern's SMTP client has no such TLS setting: Java's TLS defaults apply",
            "main.cf, line 3: smtpd_tls_protocols is a Postfix parameter that Postern does not implement;"
                + " the setting is ignored: Postern uses Java's enabled TLS protocols (TLSv1.2 and TLSv1.3)");
        assertThat(ConfigWarnings.of(cf)).containsAll(cf.warnings());
    }

    @Test
    void aSettingEqualToPostfixsDefaultAsksForNothingAndGetsNoWarning() throws Exception {
        MainCf cf = parse(
            "message_reject_characters =",
            "disable_vrfy_command = no",
            "smtpd_helo_required = no",
            "smtpd_sasl_security_options = noanonymous");

        assertThat(cf.warnings()).isEmpty();
    }

    @Test
    void safetyRelevantParametersStopTheStartAllInOneRun() {
        String message = error(
            "message_reject_characters = \\0",
            "biff = no",
            "smtpd_proxy_filter = 127.0.0.1:10024",
            "smtpd_tls_req_ccert = yes",
            "smtp_tls_CApath = /etc/ssl/certs");

        assertThat(message.split("\n")).containsExactly(
            "3 problems:",
            "  main.cf:1: message_reject_characters is a Postfix parameter that Postern does not implement, and ignoring"
                + " it could weaken this site's policy: Postern does not refuse messages for the characters they contain"
                + " (remove the setting, or set postern_allow_unimplemented = yes to run without it)",
            "  main.cf:3: smtpd_proxy_filter is a Postfix parameter that Postern does not implement, and ignoring it"
                + " could weaken this site's policy: Postern has no before-queue proxy filter: mail would be accepted"
                + " without passing through it (remove the setting, or set postern_allow_unimplemented = yes to run"
                + " without it)",
            "  main.cf:4: smtpd_tls_req_ccert is a Postfix parameter that Postern does not implement, and ignoring it"
                + " could weaken this site's policy: Postern does not ask for or verify client certificates (remove the"
                + " setting, or set postern_allow_unimplemented = yes to run without it)");
    }

    @Test
    void postern_allow_unimplementedTurnsThemIntoWarnings() throws Exception {
        MainCf cf = parse(
            "smtpd_proxy_filter = 127.0.0.1:10024",
            "postern_allow_unimplemented = yes");

        assertThat(cf.warnings()).containsExactly(
            "main.cf, line 1: smtpd_proxy_filter is a Postfix parameter that Postern does not implement; the setting is"
                + " ignored (postern_allow_unimplemented = yes): Postern has no before-queue proxy filter: mail would be"
                + " accepted without passing through it");
    }

    @Test
    void theEnvironmentMaySetPostfixParametersAndIsJudgedTheSameWay() throws Exception {
        MainCf cf = parse(Map.of("POSTERN_inet_protocols", "ipv4", "POSTERN_smtpd_tls_protocols", "TLSv1.3"));

        assertThat(cf.raw("inet_protocols")).isEqualTo("ipv4");
        assertThat(cf.warnings()).containsExactly("environment variable POSTERN_smtpd_tls_protocols:"
            + " smtpd_tls_protocols is a Postfix parameter that Postern does not implement; the setting is ignored:"
            + " Postern uses Java's enabled TLS protocols (TLSv1.2 and TLSv1.3)");
    }

    @Test
    void aNameNobodyDefinesOrUsesGetsPostfixsUnusedParameterWarningWithASuggestion() throws Exception {
        MainCf cf = parse(
            "relayhost = [smart.example]",
            "smtpd_helo_requird = yes",
            "relay_host = x",
            "my_own_note = kept");

        assertThat(cf.warnings()).containsExactly(
            "main.cf, line 2: unused parameter: smtpd_helo_requird=yes (did you mean \"smtpd_helo_required\"?)",
            "main.cf, line 3: unused parameter: relay_host=x (did you mean \"relayhost\"?)",
            "main.cf, line 4: unused parameter: my_own_note=kept");
    }

    @Test
    void aUserDefinedParameterExpandsInARestrictionList() throws Exception {
        MainCf cf = parse(
            "smtpd_recipient_restrictions = $my_checks, ${final_word}",
            "my_checks = permit_mynetworks,",
            "    reject_unauth_destination",
            "final_word = permit");

        assertThat(cf.list("smtpd_recipient_restrictions"))
            .containsExactly("permit_mynetworks", "reject_unauth_destination", "permit");
        assertThat(cf.get("my_checks")).isEqualTo("permit_mynetworks, reject_unauth_destination");
        assertThat(cf.warnings()).isEmpty();
        assertThat(cf.explicitNames()).contains("my_checks", "final_word");
    }

    @Test
    void aPostfixParameterMainCfLeavesUnsetExpandsToPostfixsDefault() throws Exception {
        MainCf cf = parse("smtpd_banner = $myhostname ESMTP ($config_directory)", "myhostname = mx.example");

        assertThat(cf.get("smtpd_banner")).isEqualTo("mx.example ESMTP (/etc/postfix)");
    }

    @Test
    void anUndefinedReferenceIsStillAnError() {
        assertThat(error("smtpd_recipient_restrictions = $my_chekcs", "my_checks = reject"))
            .isEqualTo("main.cf:1: smtpd_recipient_restrictions: undefined parameter \"my_chekcs\"");
    }

    @Test
    void aListenerOverrideMaySetPostfixAndUserDefinedNamesAndIsJudgedTheSameWay() throws Exception {
        MainCf base = parse("mua_checks = permit_sasl_authenticated, reject");
        String where = "smtpserver.xml: listener submission";

        MainCf submission = base.withOverrides(
            Map.of("smtpd_recipient_restrictions", "$mua_checks", "mua_checks", "reject", "inet_protocols", "ipv4"), where);
        assertThat(submission.list("smtpd_recipient_restrictions")).containsExactly("reject");

        assertThat(catchThrowableOfType(
                () -> base.withOverrides(Map.of("smtpd_proxy_filter", "127.0.0.1:10024"), where), ConfigException.class))
            .hasMessageStartingWith(where + ": smtpd_proxy_filter is a Postfix parameter that Postern does not implement");
        assertThat(catchThrowableOfType(
                () -> base.withOverrides(Map.of("mua_chekcs", "reject"), where), ConfigException.class))
            .hasMessageStartingWith(where + ": unknown parameter \"mua_chekcs\"");
    }

    /** Debian's /usr/share/postfix/main.cf.dist, Postfix's sample: read where Postfix is installed. */
    @Test
    void postfixsSampleMainCfLoadsUnchangedAndEveryNameItMentionsIsKnown() throws Exception {
        Path sample = Path.of("/usr/share/postfix/main.cf.dist");
        assumeTrue(Files.isReadable(sample), "Postfix's sample main.cf is not installed");
        List<String> lines = Files.readAllLines(sample, StandardCharsets.UTF_8);

        MainCf cf = MainCf.parse(sample.toString(), lines, Map.of());
        assertThat(cf.explicitNames()).contains("inet_protocols", "debugger_command", "unknown_local_recipient_reject_code");
        assertThat(cf.warnings()).isEmpty();

        // Every name the sample mentions, commented out or not, that Postern does not implement, set to
        // Postfix's default in one file. (Implemented ones are checked by their own tests; some of Postfix's
        // defaults use its ${{...} <level {2} ? ...} expressions, which Postern's expansion does not read.)
        Set<String> mentioned = new LinkedHashSet<>();
        Pattern setting = Pattern.compile("#?([a-z0-9_]+) = .*");
        for (String line : lines) {
            Matcher matcher = setting.matcher(line);
            if (matcher.matches()) {
                mentioned.add(matcher.group(1));
            }
        }
        assertThat(mentioned).hasSizeGreaterThan(30);
        List<String> defaults = new ArrayList<>();
        for (String name : mentioned) {
            PostfixParameter parameter = PostfixParameters.find(name).orElseThrow(
                () -> new AssertionError(name + " in main.cf.dist is not a Postfix parameter of the data file"));
            if (parameter.hasFixedDefault() && parameter.status() != ParameterStatus.IMPLEMENTED) {
                defaults.add(name + " = " + parameter.postfixDefault());
            }
        }
        assertThat(defaults).hasSizeGreaterThan(15);
        MainCf allDefaults = MainCf.parse("main.cf", defaults, Map.of());
        assertThat(allDefaults.warnings()).isEmpty();
        assertThat(allDefaults.explicitNames()).hasSize(defaults.size());
    }
}
