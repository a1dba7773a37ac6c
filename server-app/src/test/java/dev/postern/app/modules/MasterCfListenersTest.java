package dev.postern.app.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.PosternHome;
import dev.postern.config.MainCf;
import dev.postern.config.SmtpdListeners;
import dev.postern.config.SmtpdListeners.Listener;

/** How master.cf's inet smtpd services and smtpserver.xml's blocks make the listeners together. */
class MasterCfListenersTest {
    private static final Path SMTPSERVER_XML = Path.of("../conf/smtpserver.xml");
    private static final String PLAIN_XML = """
        <smtpservers>
          <smtpserver><jmxName>smtpserver</jmxName><connectionLimit>7</connectionLimit>
            <handlerchain coreHandlersPackage="dev.postern.smtpd.PosternCmdHandlerLoader"/></smtpserver>
          <smtpserver><jmxName>submission</jmxName>
            <override>smtpd_tls_security_level = none</override>
            <handlerchain coreHandlersPackage="dev.postern.smtpd.PosternCmdHandlerLoader"/></smtpserver>
          <smtpserver><jmxName>submissions</jmxName>
            <handlerchain coreHandlersPackage="dev.postern.smtpd.PosternCmdHandlerLoader"/></smtpserver>
        </smtpservers>
        """;
    private static final List<String> MAIN_CF = List.of("myhostname = mx.example.com",
        "smtpd_tls_security_level = none", "postern_smtpd_listen = 127.0.0.1:2525",
        "postern_submission_listen = 127.0.0.1:2587", "postern_submissions_listen = 127.0.0.1:2465");

    @TempDir
    Path home;

    private MainCfConfigurationProvider provider(String xml, String... masterCf) throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.write(home.resolve("conf/master.cf"), List.of(masterCf));
        return new MainCfConfigurationProvider((component, level) -> {
            try (InputStream in = new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
                return FileConfigurationProvider.getConfig(in);
            } catch (java.io.IOException e) {
                throw new ConfigurationException(e);
            }
        }, MainCf.parse("main.cf", MAIN_CF, Map.of()), PosternHome.of(home));
    }

    @Test
    void masterCfServicesAreTheListenersWithTheirOverrides() throws Exception {
        MainCfConfigurationProvider provider = provider(PLAIN_XML,
            "smtp      inet  n       -       y       -       -       smtpd",
            "submission inet n       -       y       -       -       smtpd",
            "  -o syslog_name=postfix/$service_name",
            "  -o { smtpd_recipient_restrictions = permit_sasl_authenticated, reject }",
            "127.0.0.1:10025 inet n - n - - smtpd -o mynetworks=127.0.0.0/8",
            "pickup    unix  n       -       y       60      1       pickup");

        SmtpdListeners listeners = provider.listeners();

        assertThat(listeners.all()).extracting(Listener::name)
            .containsExactly("smtpserver", "submission", "127.0.0.1:10025");
        MainCf submission = listeners.atPort(2587).orElseThrow().mainCf();
        assertThat(submission.get("syslog_name")).isEqualTo("postfix/submission");
        assertThat(submission.get("smtpd_recipient_restrictions")).isEqualTo("permit_sasl_authenticated, reject");
        assertThat(submission.get("smtpd_tls_security_level")).as("smtpserver.xml's override joins").isEqualTo("none");
        assertThat(listeners.atPort(10025).orElseThrow().mainCf().get("mynetworks")).isEqualTo("127.0.0.0/8");
        assertThat(listeners.atPort(2465)).as("submissions is not in master.cf").isEmpty();

        HierarchicalConfiguration<ImmutableNode> config = provider.getConfiguration("smtpserver");
        assertThat(config.getBoolean("smtpserver(2)[@enabled]")).isFalse();
        // James registers an MBean under the jmxName, and a ':' there stops its start
        assertThat(config.getString("smtpserver(3).jmxName")).isEqualTo("127.0.0.1_10025");
        new javax.management.ObjectName("org.apache.james:type=server,name=" + config.getString("smtpserver(3).jmxName"));
        assertThat(config.getString("smtpserver(3).bind")).isEqualTo("127.0.0.1:10025");
        assertThat(config.getString("smtpserver(3).connectionLimit")).as("James settings of the smtpserver block")
            .isEqualTo("7");
        assertThat(config.getString("smtpserver(0).jmxName")).isEqualTo("smtpserver");
        assertThat(config.getString("smtpserver(0).bind")).isEqualTo("127.0.0.1:2525");
    }

    @Test
    void aParameterSetDifferentlyInBothFilesIsAnErrorNamingBoth() throws Exception {
        MainCfConfigurationProvider provider = provider(Files.readString(SMTPSERVER_XML),
            "smtp inet n - y - - smtpd",
            "submission inet n - y - - smtpd -o smtpd_tls_security_level=may");

        assertThatThrownBy(provider::listeners)
            .hasMessageContaining("listener submission: smtpd_tls_security_level is \"may\" in ")
            .hasMessageContaining("master.cf, line 2: submission/inet")
            .hasMessageContaining("but \"encrypt\" in smtpserver.xml: listener submission");
    }

    @Test
    void aListenerMasterCfRunsAndSmtpserverXmlDisablesIsAnError() throws Exception {
        MainCfConfigurationProvider provider = provider(PLAIN_XML.replace("<smtpserver><jmxName>submissions",
            "<smtpserver enabled=\"false\"><jmxName>submissions"), "smtps inet n - y - - smtpd");

        assertThatThrownBy(provider::listeners).hasMessageContaining("master.cf, line 1: smtps/inet runs the listener"
            + " submissions but smtpserver.xml disables it");
    }

    @Test
    void debiansMasterCfRunsTheMxListenerOnly() throws Exception {
        Path debian = Path.of("/usr/share/postfix/master.cf.dist");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(debian));
        MainCfConfigurationProvider provider = provider(Files.readString(SMTPSERVER_XML),
            Files.readAllLines(debian).toArray(String[]::new));

        assertThat(provider.listeners().all()).extracting(Listener::name, Listener::port)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("smtpserver", 2525));
    }

    @Test
    void aPostscreenServiceKeepsTheAddressAndPutsItsSmtpdOnLoopbackBehindAProxyHeader() throws Exception {
        MainCfConfigurationProvider provider = provider(PLAIN_XML,
            "smtp      inet  n       -       y       -       1       postscreen",
            "smtpd     pass  -       -       y       -       -       smtpd",
            "submission inet n       -       y       -       -       smtpd -o smtpd_upstream_proxy_protocol=haproxy");

        List<MainCfConfigurationProvider.PostscreenListener> postscreen = provider.postscreenListeners();
        assertThat(postscreen).extracting(MainCfConfigurationProvider.PostscreenListener::name).containsExactly("smtpserver");
        assertThat(postscreen.get(0).address().port()).isEqualTo(2525);
        int smtpdPort = postscreen.get(0).smtpdPort();
        assertThat(smtpdPort).isNotEqualTo(2525);

        HierarchicalConfiguration<ImmutableNode> config = provider.getConfiguration("smtpserver");
        assertThat(config.getString("smtpserver(0).bind")).isEqualTo("127.0.0.1:" + smtpdPort);
        assertThat(config.getBoolean("smtpserver(0).proxyRequired")).isTrue();
        assertThat(config.getString("smtpserver(1).bind")).isEqualTo("127.0.0.1:2587");
        assertThat(config.getBoolean("smtpserver(1).proxyRequired")).as("smtpd_upstream_proxy_protocol").isTrue();
        // the hooks find the smtpd's parameters by the port the relayed connections arrive on
        assertThat(provider.listeners().atPort(smtpdPort)).isPresent();
    }

    @Test
    void aBadUpstreamProxyProtocolIsNamed() throws Exception {
        MainCfConfigurationProvider provider = provider(PLAIN_XML,
            "smtp      inet  n       -       y       -       -       smtpd -o smtpd_upstream_proxy_protocol=nginx");
        assertThatThrownBy(() -> provider.getConfiguration("smtpserver"))
            .hasMessageContaining("smtpd_upstream_proxy_protocol: \"nginx\" is not empty or haproxy");
    }

    @Test
    void checkNamesAPostscreenValuePosternCannotUse() throws Exception {
        MainCfConfigurationProvider provider = provider(PLAIN_XML,
            "smtp      inet  n       -       y       -       1       postscreen -o postscreen_greet_action=reject",
            "smtpd     pass  -       -       y       -       -       smtpd");
        List<String> problems = new java.util.ArrayList<>();
        provider.listenerSetups(problems::add);
        assertThat(problems).singleElement().asString().startsWith("postscreen in front of listener smtpserver (")
            .contains("master.cf, line 1").endsWith("postscreen_greet_action: \"reject\" is not one of ignore, enforce, drop");
    }

    @Test
    void withoutMasterCfASmtpserverXmlBlockTurnsPostscreenOn() throws Exception {
        MainCfConfigurationProvider provider = provider(PLAIN_XML.replace("<connectionLimit>7</connectionLimit>",
            "<connectionLimit>7</connectionLimit><postscreen>true</postscreen>"));
        Files.delete(home.resolve("conf/master.cf"));

        assertThat(provider.postscreenListeners()).singleElement()
            .satisfies(listener -> assertThat(listener.address().port()).isEqualTo(2525));
        HierarchicalConfiguration<ImmutableNode> config = provider.getConfiguration("smtpserver");
        assertThat(config.getString("smtpserver(0).bind")).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:2525");
        assertThat(config.getBoolean("smtpserver(0).proxyRequired")).isTrue();
        assertThat(config.getBoolean("smtpserver(1).proxyRequired")).isFalse();
    }
}
