package dev.postern.tables.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import javax.naming.directory.SearchControls;

import org.junit.jupiter.api.Test;

import dev.postern.config.ConfigException;

class LdapSettingsTest {
    private static final Path FILE = Path.of("/etc/postern/ldap-aliases.cf");

    private static LdapSettings parse(String... lines) throws ConfigException {
        return LdapSettings.parse(FILE, List.of(lines));
    }

    @Test
    void defaultsAreThoseOfPostfix() throws Exception {
        LdapSettings settings = parse("search_base = dc=example,dc=com");
        assertThat(settings.serverUrls()).containsExactly("ldap://localhost:389");
        assertThat(settings.queryFilter().expandKey("a@b", s -> s)).contains("(mailacceptinggeneralid=a@b)");
        assertThat(settings.resultAttributes()).containsExactly("maildrop");
        assertThat(settings.scope()).isEqualTo(SearchControls.SUBTREE_SCOPE);
        assertThat(settings.bind()).isTrue();
        assertThat(settings.version()).isEqualTo(2);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.dereference()).isEqualTo("never");
        assertThat(settings.sizeLimit()).isZero();
        assertThat(settings.recursionLimit()).isEqualTo(1000);
    }

    @Test
    void readsEveryFormOfServerHostAndContinuationLines() throws Exception {
        LdapSettings settings = parse(
            "# a comment",
            "server_host = ldap1.example.com, ldap2.example.com:3389",
            "    ldaps://ldap3.example.com ldap://ldap4.example.com:1389/",
            "server_port = 10389",
            "scope = one",
            "result_attribute = mailRoutingAddress, maildrop",
            "size_limit = 5",
            "dereference = 3",
            "domain = Example.COM, example.net",
            "bind = no");
        assertThat(settings.serverUrls()).containsExactly("ldap://ldap1.example.com:10389",
            "ldap://ldap2.example.com:3389", "ldaps://ldap3.example.com", "ldap://ldap4.example.com:1389");
        assertThat(settings.scope()).isEqualTo(SearchControls.ONELEVEL_SCOPE);
        assertThat(settings.resultAttributes()).containsExactly("mailRoutingAddress", "maildrop");
        assertThat(settings.sizeLimit()).isEqualTo(5);
        assertThat(settings.dereference()).isEqualTo("always");
        assertThat(settings.domains()).containsExactly("example.com", "example.net");
        assertThat(settings.bind()).isFalse();
    }

    @Test
    void sizeLimitDefaultsToExpansionLimit() throws Exception {
        assertThat(parse("expansion_limit = 7").sizeLimit()).isEqualTo(7);
    }

    @Test
    void errorsNameTheFileLineAndParameter() {
        assertThatThrownBy(() -> parse("search_base = dc=x", "bind = sasl"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(FILE + ":2: bind: bind = sasl is not supported");
        assertThatThrownBy(() -> parse("scope = subtree")).hasMessageContaining(FILE + ":1: scope: expected sub, one or base");
        assertThatThrownBy(() -> parse("timeout = soon")).hasMessageContaining(":1: timeout: expected a number");
        assertThatThrownBy(() -> parse("query_filter = (mail=%z)")).hasMessageContaining(":1: query_filter: invalid expansion");
        assertThatThrownBy(() -> parse("server_host = ldapi:///var/run/slapd.sock")).hasMessageContaining("not supported");
        assertThatThrownBy(() -> parse("version = 4")).hasMessageContaining(":1: version: expected 2 or 3");
        assertThatThrownBy(() -> parse("  orphan")).hasMessageContaining(FILE + ":1:");
    }

    @Test
    void thePasswordNeverAppearsInTheTextOfTheSettings() throws Exception {
        LdapSettings settings = parse("bind_dn = cn=postfix,dc=example,dc=com", "bind_pw = s3cr3t-Pw");
        assertThat(settings.bindPw()).isEqualTo("s3cr3t-Pw");
        assertThat(settings.toString()).contains("cn=postfix").doesNotContain("s3cr3t-Pw");
    }
}
