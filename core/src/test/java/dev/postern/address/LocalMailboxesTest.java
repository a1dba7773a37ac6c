package dev.postern.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.postern.address.LocalMailboxes.AddressClass;
import dev.postern.address.LocalMailboxes.Directory;
import dev.postern.address.LocalMailboxes.Directory.Lookup;
import dev.postern.address.LocalMailboxes.LookupException;
import dev.postern.address.LocalMailboxes.Mailbox;
import dev.postern.address.LocalMailboxes.NotLocal;
import dev.postern.address.LocalMailboxes.UnknownUser;

class LocalMailboxesTest {
    private static final List<String> MYDESTINATION = List.of("mx.example.com", "localhost.example.com", "localhost");

    private final Lookup<Username> users = users("bob@mx.example.com", "alice@virtual.example",
        "a/b@mx.example.com", "x@y@mx.example.com");
    private final LocalMailboxes mailboxes = new LocalMailboxes(MYDESTINATION, "MX.example.com",
        directory(users, domains("mx.example.com", "localhost.example.com", "localhost", "virtual.example")));

    /** A virtual-hosting users repository holding names only, as {@code UsersRepository::contains}. */
    private static Lookup<Username> users(String... names) {
        Set<String> users = Stream.of(names).map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        return username -> users.contains(username.asString());
    }

    /** A fixed domain list, as {@code DomainList::containsDomain}. */
    private static Lookup<Domain> domains(String... names) {
        Set<Domain> domains = Stream.of(names).map(Domain::of).collect(Collectors.toSet());
        return domains::contains;
    }

    /** A lookup whose backend is down. */
    private static <T> Lookup<T> failing() {
        return key -> {
            throw new IOException("connection refused");
        };
    }

    private static Directory directory(Lookup<Username> users, Lookup<Domain> domains) {
        return Directory.of(users, () -> true, domains);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // one namespace for every mydestination domain, folded to lower case
        "bob@localhost, bob@localhost, bob, mx.example.com/bob/Maildir",
        "bob@mx.example.com, bob@mx.example.com, bob, mx.example.com/bob/Maildir",
        "BOB@LocalHost.Example.COM, bob@localhost.example.com, bob, mx.example.com/bob/Maildir",
        "'\"bob\"@localhost', bob@localhost, bob, mx.example.com/bob/Maildir",
        // postmaster always exists
        "postmaster@localhost, postmaster@localhost, postmaster, mx.example.com/postmaster/Maildir",
        "PostMaster@mx.example.com, postmaster@mx.example.com, postmaster, mx.example.com/postmaster/Maildir",
        // virtual mailbox domains: the user is the whole address
        "alice@virtual.example, alice@virtual.example, alice@virtual.example, virtual.example/alice/Maildir",
        "Alice@VIRTUAL.example, alice@virtual.example, alice@virtual.example, virtual.example/alice/Maildir",
        // ...and a postmaster without a mailbox of its own goes to the local one
        "postmaster@virtual.example, postmaster@virtual.example, postmaster, mx.example.com/postmaster/Maildir",
    })
    void findsTheMailbox(String recipient, String address, String user, String directory) throws Exception {
        assertThat(mailboxes.resolve(new MailAddress(recipient)))
            .isEqualTo(new Mailbox(address, user, Path.of(directory)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "carol@localhost, carol@localhost, carol",
        "Carol@MX.example.com, carol@mx.example.com, carol",
        // a user of another domain is not a user of the local class
        "alice@localhost, alice@localhost, alice",
        "carol@virtual.example, carol@virtual.example, carol@virtual.example",
        // only the local class shares one namespace
        "bob@virtual.example, bob@virtual.example, bob@virtual.example",
    })
    void reportsUnknownUsers(String recipient, String address, String user) throws Exception {
        assertThat(mailboxes.resolve(new MailAddress(recipient))).isEqualTo(new UnknownUser(address, user));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\"a/b\"@localhost", "\".hidden\"@localhost", "a/b@localhost", "\"x@y\"@localhost",
        "\"a/b\"@virtual.example", "\".alice\"@virtual.example"})
    void refusesNamesThatLeaveTheirDirectoryEvenForExistingUsers(String recipient) throws Exception {
        assertThat(mailboxes.resolve(new MailAddress(recipient))).isInstanceOf(UnknownUser.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bob@remote.example", "bob@sub.localhost", "bob@example.com"})
    void leavesOtherDomainsAlone(String recipient) throws Exception {
        assertThat(mailboxes.resolve(new MailAddress(recipient))).isInstanceOf(NotLocal.class);
    }

    @Test
    void aFailedUserLookupIsNeverAnUnknownUser() {
        LocalMailboxes failing = new LocalMailboxes(MYDESTINATION, "mx.example.com",
            directory(failing(), domains("virtual.example")));
        assertThatThrownBy(() -> failing.resolve(new MailAddress("carol@localhost")))
            .isInstanceOf(LookupException.class).hasMessageContaining("carol@mx.example.com");
        assertThatThrownBy(() -> failing.resolve(new MailAddress("carol@virtual.example")))
            .isInstanceOf(LookupException.class);
    }

    @Test
    void aFailedDomainLookupIsNeverNotLocal() throws Exception {
        LocalMailboxes failing = new LocalMailboxes(MYDESTINATION, "mx.example.com",
            directory(users, failing()));
        assertThatThrownBy(() -> failing.resolve(new MailAddress("alice@virtual.example")))
            .isInstanceOf(LookupException.class).hasMessageContaining("virtual.example");
        // mydestination needs no domain lookup
        assertThat(failing.resolve(new MailAddress("bob@localhost"))).isInstanceOf(Mailbox.class);
    }

    @Test
    void refusesAHostnameThatIsNoDirectoryName() {
        assertThatThrownBy(() -> new LocalMailboxes(MYDESTINATION, "../etc", directory(users, domains())))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("myhostname: ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "carol@localhost, LOCAL",
        "\"a/b\"@localhost, LOCAL",
        "'\"x@y\"@localhost', LOCAL",
        "carol@virtual.example, VIRTUAL_MAILBOX",
        "bob@virtual.example, VIRTUAL_MAILBOX",
        "\".alice\"@virtual.example, VIRTUAL_MAILBOX",
    })
    void anUnknownUserNamesTheTableItIsMissingFrom(String recipient, AddressClass expected) throws Exception {
        assertThat(mailboxes.resolve(new MailAddress(recipient)))
            .isInstanceOfSatisfying(UnknownUser.class, unknown -> assertThat(unknown.addressClass()).isEqualTo(expected));
        assertThat(AddressClass.LOCAL.table()).isEqualTo("local recipient table");
        assertThat(AddressClass.VIRTUAL_MAILBOX.table()).isEqualTo("virtual mailbox table");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bob@localhost", "carol@localhost", "\"a/b\"@localhost", "postmaster@localhost",
        "alice@virtual.example", "carol@virtual.example", "postmaster@virtual.example", "bob@remote.example"})
    void theSmtpServerFindsTheSameUnknownUsersAsDelivery(String recipient) throws Exception {
        MailAddress address = new MailAddress(recipient);
        LocalMailboxes.Resolution resolution = mailboxes.resolve(address);
        assertThat(mailboxes.unknownUser(address))
            .isEqualTo(resolution instanceof UnknownUser unknown ? Optional.of(unknown) : Optional.empty());
    }

    @Test
    void theSmtpServerNeedsNoUserLookupForPostmaster() throws Exception {
        LocalMailboxes failing = new LocalMailboxes(MYDESTINATION, "mx.example.com",
            directory(failing(), domains("virtual.example")));
        assertThat(failing.unknownUser(new MailAddress("postmaster@localhost"))).isEmpty();
        assertThat(failing.unknownUser(new MailAddress("postmaster@virtual.example"))).isEmpty();
        // delivery must know whether it has a mailbox of its own
        assertThatThrownBy(() -> failing.resolve(new MailAddress("postmaster@virtual.example")))
            .isInstanceOf(LookupException.class);
        assertThatThrownBy(() -> failing.unknownUser(new MailAddress("carol@virtual.example")))
            .isInstanceOf(LookupException.class);
    }

    @Test
    void usersAreLookedUpByTheirJamesUserName() throws Exception {
        assertThat(LocalMailboxes.username("bob", "mx.example.com", true)).contains(Username.of("bob@mx.example.com"));
        assertThat(LocalMailboxes.username("bob", "mx.example.com", false)).contains(Username.of("bob"));
        assertThat(LocalMailboxes.username("", "mx.example.com", true)).isEmpty();

        LocalMailboxes withoutVirtualHosting = new LocalMailboxes(MYDESTINATION, "mx.example.com",
            Directory.of(users("bob"), () -> false, domains("virtual.example")));
        assertThat(withoutVirtualHosting.resolve(new MailAddress("bob@localhost"))).isInstanceOf(Mailbox.class);
        assertThat(withoutVirtualHosting.resolve(new MailAddress("carol@localhost"))).isInstanceOf(UnknownUser.class);
    }

    @Test
    void aFailingVirtualHostingQueryIsAFailedLookup() {
        LocalMailboxes failing = new LocalMailboxes(MYDESTINATION, "mx.example.com",
            Directory.of(users("bob@mx.example.com"), () -> {
                throw new IOException("connection refused");
            }, domains()));
        assertThatThrownBy(() -> failing.resolve(new MailAddress("bob@localhost")))
            .isInstanceOf(LookupException.class).hasMessage("user lookup failed for bob@mx.example.com: connection refused");
    }

    @Test
    void theRecipientDelimiterExtensionIsRemovedToFindTheUser() throws Exception {
        LocalMailboxes withDelimiter = mailboxes.with("+-", LocalMailboxes.Listings.NONE);

        assertThat(withDelimiter.resolve(new MailAddress("Bob+News@localhost")))
            .isEqualTo(new LocalMailboxes.Mailbox("bob+news@localhost", "bob", Path.of("mx.example.com", "bob", "Maildir")));
        assertThat(withDelimiter.resolve(new MailAddress("alice-lists@virtual.example")))
            .isEqualTo(new LocalMailboxes.Mailbox("alice-lists@virtual.example", "alice-lists@virtual.example",
                Path.of("virtual.example", "alice", "Maildir")));
        assertThat(mailboxes.unknownUser(new MailAddress("bob+news@localhost"))).as("no delimiter, no extension").isPresent();
        assertThat(withDelimiter.unknownUser(new MailAddress("bob+news@localhost"))).isEmpty();
    }

    @Test
    void listedNamesAreKnownRecipientsWithAndWithoutTheirExtension() throws Exception {
        List<String> asked = new java.util.ArrayList<>();
        LocalMailboxes listed = mailboxes.with("+", new LocalMailboxes.Listings() {
            @Override
            public boolean localListed(String localPart) {
                asked.add(localPart);
                return localPart.equals("team");
            }

            @Override
            public boolean virtualListed(String address) {
                asked.add(address);
                return address.equals("anyone@virtual.example");
            }
        });

        assertThat(listed.unknownUser(new MailAddress("team+x@localhost"))).isEmpty();
        assertThat(asked).containsExactly("team+x", "team");
        assertThat(listed.unknownUser(new MailAddress("anyone@virtual.example"))).isEmpty();
        assertThat(listed.unknownUser(new MailAddress("nobody@localhost")))
            .contains(new LocalMailboxes.UnknownUser("nobody@localhost", "nobody"));
    }

    @Test
    void aFailingListingIsAFailedLookup() {
        LocalMailboxes broken = mailboxes.with("", new LocalMailboxes.Listings() {
            @Override
            public boolean localListed(String localPart) throws IOException {
                throw new IOException("alias table unreadable");
            }

            @Override
            public boolean virtualListed(String address) {
                return false;
            }
        });

        assertThatThrownBy(() -> broken.unknownUser(new MailAddress("nobody@localhost")))
            .isInstanceOf(LocalMailboxes.LookupException.class)
            .hasMessageContaining("nobody@localhost").hasMessageContaining("alias table unreadable");
    }

    @Test
    void aDomainOfVirtualMailboxDomainsIsOfTheVirtualMailboxClassWithoutBeingInTheDomainList() throws Exception {
        DomainMatchList virtualMailboxDomains = Directory.virtualMailboxDomains(
            name -> name.equals("virtual_mailbox_domains") ? "table.example" : "", spec -> null);
        LocalMailboxes withTables = new LocalMailboxes(MYDESTINATION, "mx.example.com",
            directory(users("dora@table.example"), domains()).alsoHosting(virtualMailboxDomains));

        assertThat(withTables.resolve(new MailAddress("dora@table.example")))
            .isEqualTo(new Mailbox("dora@table.example", "dora@table.example", Path.of("table.example/dora/Maildir")));
        assertThat(withTables.unknownUser(new MailAddress("nobody@table.example")))
            .contains(new UnknownUser("nobody@table.example", "nobody@table.example"));
        assertThat(mailboxes.resolve(new MailAddress("dora@table.example"))).as("without alsoHosting")
            .isEqualTo(new NotLocal());
    }
}
