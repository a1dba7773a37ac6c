package dev.postern.config;

import static dev.postern.config.TestConfigs.error;
import static dev.postern.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.configuration2.ImmutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class MainCfValuesTest {

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource
    void postfixDefaults(String name, String expected) throws Exception {
        MainCf cf = parse("myhostname = mx.example.com");

        assertThat(cf.get(name)).isEqualTo(expected);
        assertThat(cf.explicitNames()).doesNotContain(name);
        assertThat(cf.origin(name)).isEqualTo("built-in default");
    }

    static Stream<Arguments> postfixDefaults() {
        return Stream.of(
                Arguments.of("mydomain", "example.com"),
                Arguments.of("myorigin", "mx.example.com"),
                Arguments.of("mydestination", "mx.example.com, localhost.example.com, localhost"),
                Arguments.of("mynetworks", "127.0.0.1/32 [::1]/128"),
                Arguments.of("relay_domains", ""),
                Arguments.of("relayhost", ""),
                Arguments.of("message_size_limit", "10240000"),
                Arguments.of("mail_name", "Postern"),
                Arguments.of("mail_version", Parameters.MAIL_VERSION),
                Arguments.of("smtpd_banner", "mx.example.com ESMTP Postern"),
                Arguments.of("syslog_name", "postern"),
                Arguments.of("queue_minfree", "0"),
                Arguments.of("compatibility_level", "3.6"),
                Arguments.of("postern_smtpd_listen", "0.0.0.0:2525"),
                Arguments.of("postern_submission_listen", "0.0.0.0:2587"),
                Arguments.of("postern_submissions_listen", "0.0.0.0:2465"),
                Arguments.of("postern_webadmin_listen", "127.0.0.1:8000"),
                Arguments.of("postern_dns_servers", ""),
                Arguments.of("maps_rbl_reject_code", "554"),
                Arguments.of("unknown_address_reject_code", "450"),
                Arguments.of("unknown_client_reject_code", "450"),
                Arguments.of("unknown_hostname_reject_code", "450"),
                Arguments.of("unknown_address_tempfail_action", "defer_if_permit"),
                // A raw parameter: its $names are expanded when a reply is made, not at load.
                Arguments.of("default_rbl_reply", "$rbl_code Service unavailable; $rbl_class [$rbl_what] blocked using"
                        + " $rbl_domain${rbl_reason?; $rbl_reason}"));
    }

    @Test
    void mailVersionIsTheBuildVersionOrTheFallback() {
        String fromManifest = MainCf.class.getPackage().getImplementationVersion();
        assertThat(Parameters.MAIL_VERSION).isEqualTo(fromManifest != null ? fromManifest : "0.1.0");
    }

    @ParameterizedTest(name = "myhostname {0} -> mydomain {1}")
    @CsvSource({
            "mx.example.com, example.com",
            "a.b.c.example, b.c.example",
            "example.com, com",
            "host, localdomain"})
    void mydomainIsMyhostnameMinusItsFirstLabel(String myhostname, String mydomain) throws Exception {
        MainCf cf = parse("myhostname = " + myhostname);

        assertThat(cf.get("mydomain")).isEqualTo(mydomain);
        // A derived default is shown as its computed value, as postconf shows it.
        assertThat(cf.raw("mydomain")).isEqualTo(mydomain);
    }

    @Test
    void anExplicitMydomainIsNotDerived() throws Exception {
        MainCf cf = parse("myhostname = mx.example.com", "mydomain = example.org");

        assertThat(cf.get("mydomain")).isEqualTo("example.org");
        assertThat(cf.get("mydestination")).isEqualTo("mx.example.com, localhost.example.org, localhost");
    }

    @Test
    void myhostnameDefaultsToTheMachineName() {
        MainCf cf = MainCf.defaults();

        String expected = MachineHostname.qualify(MachineHostname.lookup(), "localdomain");
        assertThat(cf.get("myhostname")).isEqualTo(expected).contains(".");
        assertThat(cf.get("mydomain")).isEqualTo(MachineHostname.parentDomain(expected));
        assertThat(cf.get("smtpd_banner")).isEqualTo(expected + " ESMTP Postern");
        assertThat(cf.explicitNames()).isEmpty();
        assertThat(cf.file()).isEqualTo(Path.of("main.cf"));
    }

    @Test
    void rawIsTheTextAsWrittenOrDefaulted() throws Exception {
        MainCf cf = parse("myorigin = $mydomain", "myhostname = mx.example.com");

        assertThat(cf.raw("myorigin")).isEqualTo("$mydomain");
        assertThat(cf.raw("myhostname")).isEqualTo("mx.example.com");
        assertThat(cf.raw("smtpd_banner")).isEqualTo("$myhostname ESMTP $mail_name");
        assertThat(cf.raw("relay_domains")).isEmpty();
    }

    @Test
    void namesAreAllKnownParametersAndExplicitNamesTheOnesSet() throws Exception {
        MainCf cf = parse("relayhost = smart.example", "mynetworks = 10.0.0.0/8", "relayhost = other.example");

        assertThat(cf.names()).isEqualTo(Parameters.names());
        assertThat(cf.names()).hasSize(Parameters.all().size()).contains("myhostname", "postern_smtpd_listen");
        assertThat(cf.explicitNames()).containsExactly("mynetworks", "relayhost");
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @MethodSource
    void listsSplitOnCommasAndWhiteSpace(String value, List<String> expected) throws Exception {
        assertThat(parse("mynetworks = " + value).list("mynetworks")).isEqualTo(expected);
    }

    static Stream<Arguments> listsSplitOnCommasAndWhiteSpace() {
        return Stream.of(
                Arguments.of("", List.of()),
                Arguments.of(" , ,, ", List.of()),
                Arguments.of("10.0.0.0/8", List.of("10.0.0.0/8")),
                Arguments.of("10.0.0.0/8,192.0.2.0/24", List.of("10.0.0.0/8", "192.0.2.0/24")),
                Arguments.of("10.0.0.0/8 ,\t192.0.2.0/24  [::1]/128,", List.of("10.0.0.0/8", "192.0.2.0/24", "[::1]/128")),
                Arguments.of("cidr:/etc/a, inline:{ {k = v}, k2=v2 } !1.2.3.4",
                        List.of("cidr:/etc/a", "inline:{ {k = v}, k2=v2 }", "!1.2.3.4")));
    }

    @Test
    void listsSplitTheExpandedValue() throws Exception {
        MainCf cf = parse("myhostname = mx.example.com");

        assertThat(cf.list("mydestination")).containsExactly("mx.example.com", "localhost.example.com", "localhost");
        assertThat(cf.list("mynetworks")).containsExactly("127.0.0.1/32", "[::1]/128");
        assertThat(cf.list("relay_domains")).isEmpty();
    }

    @Test
    void numbersAndBooleans() throws Exception {
        MainCf cf = parse("message_size_limit = 52428800", "mail_name = YES", "relayhost = no");

        assertThat(cf.number("message_size_limit")).isEqualTo(52_428_800L);
        assertThat(cf.number("queue_minfree")).isZero();
        assertThat(cf.bool("mail_name")).isTrue();
        assertThat(cf.bool("relayhost")).isFalse();
        assertThatThrownBy(() -> cf.bool("myorigin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("myorigin: bad boolean value \"" + cf.get("myorigin") + "\" (expected yes or no)");
        assertThatThrownBy(() -> cf.number("mail_name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mail_name: bad numerical value \"YES\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void typeErrorsAreStartupErrors(String line, String message) {
        assertThat(error("# typed", line)).isEqualTo(message);
    }

    static Stream<Arguments> typeErrorsAreStartupErrors() {
        return Stream.of(
                Arguments.of("message_size_limit = 10M",
                        "main.cf:2: message_size_limit: bad numerical value \"10M\""),
                Arguments.of("message_size_limit =",
                        "main.cf:2: message_size_limit: bad numerical value \"\""),
                Arguments.of("queue_minfree = -1",
                        "main.cf:2: queue_minfree: bad numerical value \"-1\" (must not be negative)"),
                Arguments.of("message_size_limit = 99999999999999999999",
                        "main.cf:2: message_size_limit: numerical value \"99999999999999999999\" is out of range"),
                // Checked after expansion: the value that is wrong is the expanded one.
                Arguments.of("message_size_limit = $mail_name",
                        "main.cf:2: message_size_limit: bad numerical value \"Postern\""),
                Arguments.of("postern_smtpd_listen = 0.0.0.0:99999",
                        "main.cf:2: postern_smtpd_listen: bad listen address \"0.0.0.0:99999\":"
                                + " port 99999 is out of range 1-65535"),
                Arguments.of("postern_webadmin_listen = localhost",
                        "main.cf:2: postern_webadmin_listen: bad listen address \"localhost\": missing \":port\""),
                Arguments.of("postern_dns_servers = 127.0.0.1:5353, dns.example",
                        "main.cf:2: postern_dns_servers: bad DNS server \"dns.example\": \"dns.example\" is not an IP"
                                + " address (a DNS server is named by its address)"),
                Arguments.of("postern_dns_servers = 127.0.0.1:0",
                        "main.cf:2: postern_dns_servers: bad DNS server \"127.0.0.1:0\": bad port \"0\" (1-65535)"));
    }

    @Test
    void booleanType() {
        assertThat(ParameterType.toBoolean("p", "yes")).isTrue();
        assertThat(ParameterType.toBoolean("p", "No")).isFalse();
        assertThatThrownBy(() -> ParameterType.BOOLEAN.check("smtpd_delay_reject", "maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("smtpd_delay_reject: bad boolean value \"maybe\" (expected yes or no)");
        assertThatThrownBy(() -> ParameterType.BOOLEAN.check("smtpd_delay_reject", "true"))
                .hasMessage("smtpd_delay_reject: bad boolean value \"true\" (expected yes or no)");
    }

    @Test
    void listenAddresses() throws Exception {
        MainCf cf = parse("postern_submission_listen =", "postern_smtpd_listen = [::1]:2525");

        assertThat(cf.listenAddress("postern_smtpd_listen")).contains(new ListenAddress("::1", 2525));
        assertThat(cf.listenAddress("postern_submission_listen")).isEmpty();
        assertThat(cf.listenAddress("postern_webadmin_listen")).contains(new ListenAddress("127.0.0.1", 8000));
    }

    @Test
    void unknownNamesAreRefusedByEveryAccessor() {
        MainCf cf = MainCf.defaults();
        String message = "unknown parameter \"myhostnam\" (did you mean \"myhostname\"?)";

        assertThatThrownBy(() -> cf.get("myhostnam")).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> cf.raw("myhostnam")).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> cf.list("myhostnam")).hasMessage(message);
        assertThatThrownBy(() -> cf.bool("myhostnam")).hasMessage(message);
        assertThatThrownBy(() -> cf.number("myhostnam")).hasMessage(message);
        assertThatThrownBy(() -> cf.origin("myhostnam")).hasMessage(message);
        assertThatThrownBy(() -> cf.get("nosuch")).hasMessage("unknown parameter \"nosuch\"");
    }

    @Test
    void asConfigurationHoldsTheExpandedValues() throws Exception {
        MainCf cf = parse("myhostname = mx.example.com", "smtpd_banner = $myhostname $${myhostname}");
        ImmutableConfiguration configuration = cf.asConfiguration();

        assertThat(configuration.getString("myhostname")).isEqualTo("mx.example.com");
        assertThat(configuration.getString("mydestination"))
                .isEqualTo("mx.example.com, localhost.example.com, localhost");
        // The literal "${myhostname}" that $$ produced is not interpolated again.
        assertThat(configuration.getString("smtpd_banner")).isEqualTo("mx.example.com ${myhostname}");
        assertThat(configuration.getString("relay_domains")).isEmpty();
        assertThat(configuration.getLong("message_size_limit")).isEqualTo(10_240_000L);
        List<String> keys = new ArrayList<>();
        configuration.getKeys().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(cf.names());
    }

    @Test
    void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("main.cf");
        Files.writeString(file, "# test\nmyhostname = mx.example.com\r\nrelayhost = [smart.example]:587\n");

        MainCf cf = MainCf.load(file, Map.of("POSTERN_mail_name", "Mailer"));

        assertThat(cf.file()).isEqualTo(file);
        assertThat(cf.get("smtpd_banner")).isEqualTo("mx.example.com ESMTP Mailer");
        assertThat(cf.get("relayhost")).isEqualTo("[smart.example]:587");
        assertThat(cf.origin("relayhost")).isEqualTo(file + ":3");

        Files.writeString(file, "myhostname = mx.example.com\nrelay_host = x\n");
        assertThat(MainCf.load(file, Map.of()).warnings())
                .containsExactly(file + ", line 2: unused parameter: relay_host=x (did you mean \"relayhost\"?)");
        Files.writeString(file, "myhostname = mx.example.com\nmessage_size_limit = 10M\n");
        assertThatThrownBy(() -> MainCf.load(file, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2: message_size_limit: bad numerical value \"10M\"");
    }

    @Test
    void loadReportsAnUnreadableFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.cf");
        assertThatThrownBy(() -> MainCf.load(missing, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": cannot read: no such file");

        Path binary = dir.resolve("binary.cf");
        Files.write(binary, new byte[] {'m', 'a', 'i', 'l', '_', 'n', 'a', 'm', 'e', '=', (byte) 0xff, '\n'});
        assertThatThrownBy(() -> MainCf.load(binary, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(binary + ": cannot read: not UTF-8 text");

        Path utf8 = dir.resolve("utf8.cf");
        Files.writeString(utf8, "mail_name = Pöstern\n", StandardCharsets.UTF_8);
        assertThat(MainCf.load(utf8, Map.of()).get("mail_name")).isEqualTo("Pöstern");
    }
}
