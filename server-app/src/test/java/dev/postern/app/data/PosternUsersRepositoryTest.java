package dev.postern.app.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepositoryException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.address.LocalMailboxes;

/**
 * Issue 14 item 7 at the component level: a user lookup made while the server is still starting (the
 * repository not configured yet) is a failed lookup, which delivery defers, never "unknown user".
 */
class PosternUsersRepositoryTest {
    private static final String HOST = "mx.example";

    @TempDir
    Path var;

    private PosternDomainList domains;
    private PosternUsersRepository users;
    private LocalMailboxes mailboxes;

    @BeforeEach
    void setUp() throws Exception {
        domains = new PosternDomainList(Set.of(Domain.of(HOST)), Domain.of(HOST), var.resolve("store/domains"));
        domains.addDomain(Domain.of("virtual.example"));
        FileUsersDAO dao = new FileUsersDAO(var.resolve("store/users.properties"));
        dao.addUser(Username.of("bob@" + HOST), "secret");
        dao.addUser(Username.of("vera@virtual.example"), "secret");
        users = new PosternUsersRepository(domains, dao);
        mailboxes = new LocalMailboxes(List.of(HOST, "localhost"), HOST,
            LocalMailboxes.Directory.of(users::contains, users::supportVirtualHosting, domains::containsDomain));
    }

    @Test
    void aLookupBeforeConfigurationFailsInsteadOfFindingNoUser() {
        assertThatThrownBy(() -> users.contains(Username.of("bob@" + HOST)))
            .isInstanceOf(UsersRepositoryException.class)
            .hasMessageContaining("not configured yet");
    }

    @Test
    void deliveryBeforeConfigurationIsALookupFailureForLocalAndVirtualUsers() {
        for (String recipient : List.of("bob@" + HOST, "bob@localhost", "vera@virtual.example")) {
            assertThatThrownBy(() -> mailboxes.resolve(new MailAddress(recipient)))
                .as(recipient)
                .isInstanceOf(LocalMailboxes.LookupException.class)
                .hasMessageContaining("not configured yet");
        }
    }

    @Test
    void afterConfigurationTheUsersAreFoundWithTheirDomains() throws Exception {
        users.configure(virtualHosting());

        assertThat(mailboxes.resolve(new MailAddress("bob@" + HOST))).isInstanceOf(LocalMailboxes.Mailbox.class);
        assertThat(mailboxes.resolve(new MailAddress("vera@virtual.example"))).isInstanceOf(LocalMailboxes.Mailbox.class);
        assertThat(mailboxes.resolve(new MailAddress("nobody@" + HOST))).isInstanceOf(LocalMailboxes.UnknownUser.class);
    }

    private static BaseHierarchicalConfiguration virtualHosting() {
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("enableVirtualHosting", true);
        return configuration;
    }
}
