package dev.postern.smtpd;

import dev.postern.testing.FakeDomainList;
import dev.postern.testing.FakeUsersRepository;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.config.MainCf;

class LocalRecipientHookTest {
    private static final String LOCAL_UNKNOWN = "Recipient address rejected: User unknown in local recipient table";
    private static final String VIRTUAL_UNKNOWN = "Recipient address rejected: User unknown in virtual mailbox table";

    private static HookResult doRcpt(FakeUsersRepository users, FakeDomainList domains, String recipient,
                                     String... overrides) throws Exception {
        LocalRecipientHook hook = new LocalRecipientHook(users, domains,
            new HookEnvironment(MainCf.parse("main.cf", List.of("myhostname = mx.example.com"), Map.of()), null));
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        for (int i = 0; i < overrides.length; i += 2) {
            config.addProperty(overrides[i], overrides[i + 1]);
        }
        hook.init(config);
        return hook.doRcpt(FakeSessions.empty(), MaybeSender.getMailSender("alice@remote.example"), new MailAddress(recipient));
    }

    private static HookResult doRcpt(String recipient) throws Exception {
        return doRcpt(new FakeUsersRepository("bob@mx.example.com", "alice@virtual.example", "a/b@mx.example.com"),
            new FakeDomainList("mx.example.com", "localhost.example.com", "localhost", "virtual.example"), recipient);
    }

    private static HookResult rejected(String recipient, String text) {
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.deny())
            .smtpReturnCode("550")
            .smtpDescription("5.1.1 <" + recipient + ">: " + text)
            .build();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // one namespace for every mydestination domain
        "bob@mx.example.com", "bob@localhost", "Bob@LOCALHOST.example.com", "\"bob\"@localhost",
        // postmaster always exists
        "postmaster@localhost", "PostMaster@mx.example.com", "postmaster@virtual.example",
        "alice@virtual.example", "ALICE@Virtual.Example",
    })
    void knownRecipientsAreLeftToTheOtherHooks(String recipient) throws Exception {
        assertThat(doRcpt(recipient)).isEqualTo(HookResult.DECLINED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"carol@localhost", "carol@mx.example.com", "alice@localhost", "\"a/b\"@localhost",
        "\".hidden\"@localhost", "\"bob@elsewhere\"@localhost"})
    void unknownLocalRecipientsAreRejected(String recipient) throws Exception {
        assertThat(doRcpt(recipient)).isEqualTo(rejected(new MailAddress(recipient).asString(), LOCAL_UNKNOWN));
    }

    @Test
    void theReplyIsPostfixs() throws Exception {
        HookResult result = doRcpt("carol@localhost");
        assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription())
            .isEqualTo("550 5.1.1 <carol@localhost>: Recipient address rejected: User unknown in local recipient table");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bob@virtual.example", "carol@virtual.example"})
    void unknownVirtualMailboxRecipientsAreRejected(String recipient) throws Exception {
        assertThat(doRcpt(recipient)).isEqualTo(rejected(recipient, VIRTUAL_UNKNOWN));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"anyone@remote.example", "bob@sub.localhost", "bob@relay.example.org"})
    void otherDomainsAreNotThisHooksBusiness(String recipient) throws Exception {
        assertThat(doRcpt(recipient)).isEqualTo(HookResult.DECLINED);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"carol@localhost", "bob@localhost", "carol@virtual.example"})
    void aFailedUserLookupDefers(String recipient) throws Exception {
        HookResult result = doRcpt(new FakeUsersRepository().failing(), new FakeDomainList("virtual.example"), recipient);
        assertThat(result).isEqualTo(HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode("451")
            .smtpDescription("4.3.0 <" + recipient + ">: Temporary lookup failure")
            .build());
    }

    @Test
    void aFailedDomainLookupDefers() throws Exception {
        HookResult result = doRcpt(new FakeUsersRepository(), new FakeDomainList().failing(), "anyone@remote.example");
        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription())
            .isEqualTo("451 4.3.0 <anyone@remote.example>: Temporary lookup failure");
    }

    @Test
    void postmasterNeedsNoLookupAtAll() throws Exception {
        assertThat(doRcpt(new FakeUsersRepository().failing(), new FakeDomainList(), "postmaster@localhost"))
            .isEqualTo(HookResult.DECLINED);
    }

    @Test
    void mydestinationCanBeOverriddenPerListener() throws Exception {
        FakeUsersRepository users = new FakeUsersRepository("bob@mx.example.com");
        FakeDomainList domains = new FakeDomainList("mx.example.com", "example.org");
        assertThat(doRcpt(users, domains, "bob@example.org", "mydestination", "example.org"))
            .isEqualTo(HookResult.DECLINED);
        assertThat(doRcpt(users, domains, "carol@example.org", "mydestination", "example.org"))
            .isEqualTo(rejected("carol@example.org", LOCAL_UNKNOWN));
        // localhost is no longer a local domain for this listener, nor a DomainList one
        assertThat(doRcpt(users, domains, "carol@localhost", "mydestination", "example.org"))
            .isEqualTo(HookResult.DECLINED);
    }

    private static final String[] TABLES = {
        "recipient_delimiter", "+",
        "virtual_alias_domains", "valias.example, other.valias.example",
        "virtual_alias_maps", "inline:{known@valias.example=bob@mx.example.com, @other.valias.example=bob@mx.example.com,"
            + " alias@localhost=bob@mx.example.com}",
        "canonical_maps", "inline:{canon@localhost=bob@mx.example.com}",
        "sender_canonical_maps", "inline:{sender@localhost=bob@mx.example.com}",
        "relay_domains", "relay.example",
        "relay_recipient_maps", "inline:{known@relay.example=x, @open.relay.example=x}",
    };

    /** "-" for DECLINED, else the 550 reply's table. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
        known@valias.example          | -
        Known+tag@VALIAS.example      | -
        stranger@valias.example       | virtual alias table
        postmaster@valias.example     | virtual alias table
        anyone@other.valias.example   | -
        alias@localhost               | -
        canon@localhost               | -
        sender@localhost              | local recipient table
        carol@localhost               | local recipient table
        bob@localhost                 | -
        known@relay.example           | -
        stranger@relay.example        | relay recipient table
        x@sub.relay.example           | relay recipient table
        anyone@open.relay.example     | -
        anyone@remote.example         | -
        """)
    void aliasAndRelayRecipientTables(String recipient, String table) throws Exception {
        HookResult result = doRcpt(new FakeUsersRepository("bob@mx.example.com"),
            new FakeDomainList("mx.example.com", "localhost.example.com", "localhost"), recipient, TABLES);
        if (table.equals("-")) {
            assertThat(result).isEqualTo(HookResult.DECLINED);
        } else {
            assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription()).isEqualTo("550 5.1.1 <" + recipient
                + ">: Recipient address rejected: User unknown in " + table);
            assertThat(result.getResult()).isEqualTo(HookReturnCode.deny());
        }
    }

    @Test
    void withoutRelayRecipientMapsEveryRelayRecipientIsValid() throws Exception {
        assertThat(doRcpt(new FakeUsersRepository(), new FakeDomainList("mx.example.com"), "stranger@relay.example",
            "relay_domains", "relay.example")).isEqualTo(HookResult.DECLINED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"stranger@valias.example, virtual_alias_maps", "stranger@relay.example, relay_recipient_maps",
        "carol@localhost, canonical_maps"})
    void aFailedTableLookupDefers(String recipient, String parameter) throws Exception {
        HookResult result = doRcpt(new FakeUsersRepository("bob@mx.example.com"), new FakeDomainList("mx.example.com", "localhost"),
            recipient, "virtual_alias_domains", "valias.example", "relay_domains", "relay.example", parameter, "fail:broken");
        assertThat(result.getResult()).isEqualTo(HookReturnCode.denySoft());
        assertThat(result.getSmtpRetCode() + " " + result.getSmtpDescription())
            .isEqualTo("451 4.3.0 <" + recipient + ">: Temporary lookup failure");
    }

    @Test
    void aRemoteRecipientNeedsNoTableAtAll() throws Exception {
        assertThat(doRcpt(new FakeUsersRepository(), new FakeDomainList("mx.example.com"), "anyone@remote.example",
            "virtual_alias_maps", "fail:broken", "canonical_maps", "fail:broken")).isEqualTo(HookResult.DECLINED);
    }

    @Test
    void unlistedSendersUseTheSenderCanonicalMaps() throws Exception {
        LocalRecipientHook hook = new LocalRecipientHook(new FakeUsersRepository("bob@mx.example.com"),
            new FakeDomainList("mx.example.com", "localhost"),
            new HookEnvironment(MainCf.parse("main.cf", List.of("myhostname = mx.example.com"), Map.of()), null));
        BaseHierarchicalConfiguration config = new BaseHierarchicalConfiguration();
        config.addProperty("smtpd_reject_unlisted_sender", "yes");
        config.addProperty("sender_canonical_maps", "inline:{sender@localhost=bob@mx.example.com}");
        hook.init(config);
        MailAddress bob = new MailAddress("bob@localhost");
        assertThat(hook.doRcpt(FakeSessions.empty(), MaybeSender.getMailSender("sender@localhost"), bob))
            .isEqualTo(HookResult.DECLINED);
        HookResult unknown = hook.doRcpt(FakeSessions.empty(), MaybeSender.getMailSender("carol@localhost"), bob);
        assertThat(unknown.getSmtpRetCode() + " " + unknown.getSmtpDescription())
            .isEqualTo("550 5.1.0 <carol@localhost>: Sender address rejected: User unknown in local recipient table");
    }
}
