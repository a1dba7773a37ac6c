package dev.postern.config;

import static dev.postern.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PostconfTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private MainCf cf;

    @BeforeEach
    void load() throws Exception {
        cf = parse(Map.of("POSTERN_mynetworks", "10.0.0.0/8"),
                "relayhost = [smart.example]:587",
                "smtpd_banner = $myhostname   ESMTP",
                "    ready",
                "myhostname = mx.example.com");
    }

    @Test
    void allParametersSortedAsWrittenOrDefaulted() {
        int status = postconf(false, false);

        List<String> lines = out().lines().toList();
        assertThat(status).isZero();
        assertThat(err()).isEmpty();
        assertThat(lines).hasSize(cf.names().size());
        assertThat(lines.stream().map(line -> line.substring(0, line.indexOf(" =")))).isSorted();
        assertThat(lines).contains(
                "mydestination = $myhostname, localhost.$mydomain, localhost",
                "mydomain = example.com",
                "myhostname = mx.example.com",
                "mynetworks = 10.0.0.0/8",
                "relay_domains =",
                "relayhost = [smart.example]:587",
                "smtpd_banner = $myhostname ESMTP ready",
                "postern_webadmin_listen = 127.0.0.1:8000");
    }

    @Test
    void expandedWithX() {
        postconf(false, true);

        assertThat(out().lines()).contains(
                "mydestination = mx.example.com, localhost.example.com, localhost",
                "smtpd_banner = mx.example.com ESMTP ready",
                "relay_domains =");
    }

    @Test
    void nonDefaultOnlyPrintsTheExplicitSettingsAsWritten() {
        int status = postconf(true, false);

        assertThat(status).isZero();
        assertThat(out()).isEqualTo(String.join("\n",
                "myhostname = mx.example.com",
                "mynetworks = 10.0.0.0/8",
                "relayhost = [smart.example]:587",
                "smtpd_banner = $myhostname ESMTP ready",
                ""));
        assertThat(err()).isEmpty();
    }

    @Test
    void nonDefaultOnlyExpanded() {
        postconf(true, true);

        assertThat(out().lines()).containsExactly(
                "myhostname = mx.example.com",
                "mynetworks = 10.0.0.0/8",
                "relayhost = [smart.example]:587",
                "smtpd_banner = mx.example.com ESMTP ready");
    }

    @Test
    void namedParametersInTheOrderGiven() {
        int status = postconf(false, false, "smtpd_banner", "mydomain", "relay_domains", "mynetworks");

        assertThat(status).isZero();
        assertThat(out().lines()).containsExactly(
                "smtpd_banner = $myhostname ESMTP ready",
                "mydomain = example.com",
                "relay_domains =",
                "mynetworks = 10.0.0.0/8");
    }

    @Test
    void namedWithNonDefaultOnlySkipsDefaults() {
        postconf(true, false, "mydomain", "relayhost", "mail_name");

        assertThat(out().lines()).containsExactly("relayhost = [smart.example]:587");
        assertThat(err()).isEmpty();
    }

    @Test
    void unknownNamesWarnAndFail() {
        int status = postconf(false, false, "relayhost", "nosuch", "mail_name");

        assertThat(status).isEqualTo(1);
        assertThat(out().lines()).containsExactly("relayhost = [smart.example]:587", "mail_name = Postern");
        assertThat(err()).isEqualTo("postconf: warning: nosuch: unknown parameter\n");
    }

    @Test
    void theShortFormIsTheUnexpandedOne() {
        int status = Postconf.print(cf, false, List.of("smtpd_banner"), stream(out), stream(err));

        assertThat(status).isZero();
        assertThat(out()).isEqualTo("smtpd_banner = $myhostname ESMTP ready\n");
    }

    @Test
    void postfixParametersAndUserDefinedOnesShowAsSetOrWithPostfixsDefault() throws Exception {
        cf = parse("inet_protocols = ipv4", "my_checks = reject", "smtpd_recipient_restrictions = $my_checks");

        int status = run("inet_protocols", "disable_vrfy_command", "my_checks");
        assertThat(status).isZero();
        assertThat(out().lines()).containsExactly(
                "inet_protocols = ipv4", "disable_vrfy_command = no", "my_checks = reject");

        out.reset();
        run("-n");
        assertThat(out().lines()).contains("inet_protocols = ipv4", "my_checks = reject");
    }

    @Test
    void defaultsArePosternsForWhatItImplementsAndPostfixsForTheRest() {
        int status = run("-d", "smtpd_milters", "disable_vrfy_command", "mynetworks", "smtpd_tls_protocols", "nosuch");

        assertThat(status).isEqualTo(1);
        assertThat(out().lines()).containsExactly(
                "smtpd_milters =",
                "disable_vrfy_command = no",
                "mynetworks = 127.0.0.1/32 [::1]/128",
                "smtpd_tls_protocols = >=TLSv1");
        assertThat(err()).isEqualTo("postconf: warning: nosuch: unknown parameter\n");
    }

    @Test
    void defaultsOfEveryParameterWithoutNames() {
        run("-d");

        assertThat(out().lines().count()).isGreaterThan(1000);
        assertThat(out().lines()).contains("biff = yes", "postern_smtpd_listen = 0.0.0.0:2525", "relayhost =");
    }

    @Test
    void statusNamesWhatPosternDoesWithEachName() throws Exception {
        cf = parse("my_checks = reject", "smtpd_recipient_restrictions = $my_checks");

        int status = run("--status", "relayhost", "biff", "smtpd_proxy_filter", "postern_smtpd_listen", "my_checks", "nosuch");

        assertThat(status).isEqualTo(1);
        assertThat(out().lines()).containsExactly(
                "relayhost\timplemented",
                "biff\tinert",
                "smtpd_proxy_filter\tnot-implemented",
                "postern_smtpd_listen\timplemented",
                "my_checks\tuser-defined");
    }

    @Test
    void statusOfEveryParameterWithoutNames() {
        run("--status");

        List<String> lines = out().lines().toList();
        assertThat(lines).hasSizeGreaterThan(1000).allMatch(line -> line.matches("[A-Za-z0-9_-]+\t(implemented|inert|not-implemented)"));
        assertThat(lines).contains("inet_protocols\tinert", "smtpd_tls_req_ccert\tnot-implemented");
    }

    @Test
    void optionsThatExcludeEachOtherAreRefused() {
        assertThatThrownBy(() -> run("-n", "-d")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> run("-q")).hasMessageStartingWith("postconf: unknown option \"-q\"");
    }

    private int run(String... arguments) {
        return Postconf.run(cf, List.of(arguments), stream(out), stream(err));
    }

    private int postconf(boolean nonDefaultOnly, boolean expand, String... names) {
        return Postconf.print(cf, nonDefaultOnly, expand, List.of(names), stream(out), stream(err));
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
