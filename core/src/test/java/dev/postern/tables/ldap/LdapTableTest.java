package dev.postern.tables.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ConfigException;
import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;
import dev.postern.testing.tables.Slapd;

/** ldap: tables against a real OpenLDAP slapd, one per class, on a private loopback port. */
class LdapTableTest {
    private static final String PEOPLE = "ou=people," + Slapd.SUFFIX;
    private static final String LDIF = """
        dn: ou=people,dc=example,dc=test
        objectClass: organizationalUnit
        ou: people

        dn: uid=alice,ou=people,dc=example,dc=test
        objectClass: inetOrgPerson
        objectClass: inetLocalMailRecipient
        uid: alice
        cn: Alice
        sn: A
        mail: alice@example.test
        mailLocalAddress: alice@example.test
        mailLocalAddress: a.smith@example.test
        mailRoutingAddress: alice@mail.example.test

        dn: uid=bob,ou=people,dc=example,dc=test
        objectClass: inetOrgPerson
        objectClass: inetLocalMailRecipient
        uid: bob
        cn: Bob
        sn: B
        mail: bob@example.test
        mail: bob.b@example.test
        mailLocalAddress: bob@example.test
        mailRoutingAddress: bob@mail.example.test

        dn: uid=carol,ou=people,dc=example,dc=test
        objectClass: inetOrgPerson
        objectClass: inetLocalMailRecipient
        uid: carol
        cn: Carol
        sn: C
        mail: carol@example.test
        mailLocalAddress: carol@example.test
        mailHost: forward.example.test

        dn: cn=team,ou=people,dc=example,dc=test
        objectClass: groupOfNames
        objectClass: inetLocalMailRecipient
        cn: team
        mailLocalAddress: team@example.test
        mailRoutingAddress: team-archive@example.test
        member: uid=alice,ou=people,dc=example,dc=test
        member: uid=bob,ou=people,dc=example,dc=test
        member: uid=carol,ou=people,dc=example,dc=test
        member: uid=gone,ou=people,dc=example,dc=test

        dn: cn=all,ou=people,dc=example,dc=test
        objectClass: groupOfNames
        objectClass: inetLocalMailRecipient
        cn: all
        mailLocalAddress: all@example.test
        member: cn=team,ou=people,dc=example,dc=test

        """;

    @TempDir
    static Path slapdDir;
    static Slapd slapd;

    @TempDir
    Path dir;
    TableRegistry registry;

    @BeforeAll
    static void startSlapd() throws Exception {
        assumeTrue(Slapd.installed(), "slapd is not installed (Debian package slapd)");
        slapd = Slapd.start(slapdDir, LDIF);
    }

    @AfterAll
    static void stopSlapd() {
        if (slapd != null) {
            slapd.close();
        }
    }

    @AfterEach
    void closeRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private LookupTable table(String... settings) throws Exception {
        Path file = dir.resolve("table" + System.nanoTime() + ".cf");
        Files.writeString(file, "server_host = " + slapd.url() + "\nsearch_base = " + PEOPLE + "\nversion = 3\n"
            + "bind_dn = " + Slapd.ROOT_DN + "\nbind_pw = " + Slapd.ROOT_PW + "\n"
            + "query_filter = (mailLocalAddress=%s)\nresult_attribute = mailRoutingAddress\n"
            + String.join("\n", settings) + "\n");
        if (registry == null) {
            registry = new TableRegistry(dir);
        }
        return registry.open("ldap:" + file);
    }

    @Test
    void findsAnEntryAndJoinsSeveralValuesWithCommas() throws Exception {
        LookupTable table = table();
        assertThat(table.lookup("alice@example.test")).contains("alice@mail.example.test");
        assertThat(table.lookup("A.Smith@Example.TEST")).contains("alice@mail.example.test");
        assertThat(table.lookup("nobody@example.test")).isEmpty();
        assertThat(table("result_attribute = mail").lookup("bob@example.test")).contains("bob@example.test,bob.b@example.test");
        assertThat(table.isPattern()).isFalse();
    }

    @Test
    void aKeyCannotInjectFilterSyntax() throws Exception {
        LookupTable table = table();
        assertThat(table.lookup("*")).isEmpty();
        assertThat(table.lookup("*@example.test")).isEmpty();
        assertThat(table.lookup("x)(mailLocalAddress=alice@example.test")).isEmpty();
        assertThat(table.lookup("x)(|(mailLocalAddress=*")).isEmpty();
        assertThat(table.lookup("x\0)(mailLocalAddress=*")).isEmpty();
        assertThat(table.lookup("\\2a")).isEmpty();
    }

    @Test
    void expandsGroupsThroughSpecialResultAttributes() throws Exception {
        LookupTable table = table("special_result_attribute = member");
        assertThat(table.lookup("team@example.test").orElseThrow().split(",")).containsExactlyInAnyOrder(
            "team-archive@example.test", "alice@mail.example.test", "bob@mail.example.test");
        // nested: all -> team -> people
        assertThat(table.lookup("all@example.test").orElseThrow().split(",")).hasSize(3);
    }

    @Test
    void leafAndTerminalResultAttributes() throws Exception {
        LookupTable leaf = table("special_result_attribute = member", "result_attribute =",
            "leaf_result_attribute = mail");
        assertThat(leaf.lookup("team@example.test").orElseThrow().split(",")).containsExactlyInAnyOrder(
            "alice@example.test", "bob@example.test", "bob.b@example.test", "carol@example.test");
        LookupTable terminal = table("special_result_attribute = member", "terminal_result_attribute = mailHost");
        assertThat(terminal.lookup("team@example.test").orElseThrow().split(",")).containsExactlyInAnyOrder(
            "team-archive@example.test", "alice@mail.example.test", "bob@mail.example.test", "forward.example.test");
    }

    @Test
    void resultFormatDomainScopeAndExpansions() throws Exception {
        assertThat(table("result_format = smtp:[%d]").lookup("alice@example.test")).contains("smtp:[mail.example.test]");
        LookupTable byUid = table("query_filter = (uid=%u)", "result_attribute = mail", "domain = example.test");
        assertThat(byUid.lookup("carol@example.test")).contains("carol@example.test");
        assertThat(byUid.lookup("carol@other.test")).isEmpty();
        assertThat(byUid.lookup("carol")).isEmpty();
        LookupTable baseScope = table("search_base = uid=%u," + PEOPLE, "scope = base", "query_filter = (objectClass=*)",
            "result_attribute = mail");
        assertThat(baseScope.lookup("alice@example.test")).contains("alice@example.test");
        assertThat(baseScope.lookup("nobody@example.test")).isEmpty();
        assertThat(baseScope.lookup("x,uid=alice@example.test")).isEmpty();
        LookupTable oneLevelAbove = table("search_base = " + Slapd.SUFFIX, "scope = one");
        assertThat(oneLevelAbove.lookup("alice@example.test")).isEmpty();
    }

    @Test
    void limitsAndBadCredentialsAreLookupErrors() throws Exception {
        LookupTable sized = table("query_filter = (mail=*)", "result_attribute = mail", "size_limit = 2");
        assertThatThrownBy(() -> sized.lookup("anything")).isInstanceOf(LookupException.class)
            .hasMessageContaining("size_limit");
        LookupTable expansion = table("special_result_attribute = member", "expansion_limit = 2");
        assertThatThrownBy(() -> expansion.lookup("team@example.test")).isInstanceOf(LookupException.class)
            .hasMessageContaining("expansion_limit");
        LookupTable wrong = table("bind_pw = not-the-Password");
        assertThatThrownBy(() -> wrong.lookup("alice@example.test")).isInstanceOf(LookupException.class)
            .hasMessageNotContaining("not-the-Password");
    }

    @Test
    void aServerThatIsDownIsALookupErrorAndRecoveryIsAutomatic() throws Exception {
        LookupTable table = table("timeout = 2");
        assertThat(table.lookup("alice@example.test")).contains("alice@mail.example.test");
        slapd.stop();
        try {
            assertThatThrownBy(() -> table.lookup("alice@example.test")).isInstanceOf(LookupException.class)
                .hasMessageContaining(slapd.url());
        } finally {
            slapd.start();
        }
        assertThat(table.lookup("alice@example.test")).contains("alice@mail.example.test");
    }

    @Test
    void aServerThatNeverAnswersTimesOutAsALookupError() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("127.0.0.1"))) {
            LookupTable table = table("server_host = ldap://127.0.0.1:" + silent.getLocalPort(), "timeout = 1");
            long start = System.nanoTime();
            assertThatThrownBy(() -> table.lookup("alice@example.test")).isInstanceOf(LookupException.class)
                .hasMessageContaining("timed out");
            assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds").isLessThan(5_000);
        }
    }

    @Test
    void afterARestartEveryIdleConnectionIsReplacedNotJustOne() throws Exception {
        Path file = dir.resolve("pool.cf");
        Files.writeString(file, "server_host = " + slapd.url() + "\nsearch_base = " + PEOPLE + "\nversion = 3\n"
            + "query_filter = (mailLocalAddress=%s)\nresult_attribute = mailRoutingAddress\n");
        LdapSettings settings = LdapSettings.load(file);
        LdapConnections connections = new LdapConnections(settings);
        javax.naming.ldap.LdapContext first = connections.take();
        javax.naming.ldap.LdapContext second = connections.take();
        connections.giveBack(first);
        connections.giveBack(second);
        try (LdapTable table = new LdapTable("ldap:" + file, settings, connections)) {
            slapd.stop();
            slapd.start();
            assertThat(table.lookup("alice@example.test")).contains("alice@mail.example.test");
        }
    }

    @Test
    void failsOverToTheNextServer() throws Exception {
        LookupTable table = table("server_host = ldap://127.0.0.1:1 " + slapd.url());
        assertThat(table.lookup("alice@example.test")).contains("alice@mail.example.test");
    }

    @Test
    void proxyIsTheSameSharedTable() throws Exception {
        LookupTable table = table();
        assertThat(registry.open("proxy:" + table.name())).isSameAs(table);
    }

    @Test
    void bindSaslIsRefusedWhenTheTableIsOpened() {
        assertThatThrownBy(() -> table("bind = sasl")).isInstanceOf(ConfigException.class)
            .hasMessageContaining("bind = sasl is not supported");
    }
}
