package dev.postern.config;

import static dev.postern.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;

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
