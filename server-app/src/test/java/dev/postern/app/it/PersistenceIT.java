package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.WebAdminClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Domains and users added through WebAdmin are kept under var/ and survive a clean restart. */
class PersistenceIT {

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void domainsAndUsersSurviveARestart() {
        PosternProcess server = postern.newServer().myhostname("mx.persistence-it.test").start();
        WebAdminClient web = server.webAdmin();
        web.putDomain("example.org");
        web.putUser("alice@example.org", "secret");
        assertThat(web.domains()).contains("example.org");
        assertThat(web.users()).containsExactly("alice@example.org");

        assertThat(server.stop()).as("exit status after SIGTERM").isZero();
        server.start();

        assertThat(server.webAdmin().domains()).contains("example.org");
        assertThat(server.webAdmin().users()).containsExactly("alice@example.org");
    }
}
