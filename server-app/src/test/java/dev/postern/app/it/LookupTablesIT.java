package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;

/**
 * Lookup tables in the running server: relay_domains given as a table file, changed while the
 * server runs (no restart, no postmap), and a malformed table stopping the start with its
 * file and line.
 */
class LookupTablesIT {
    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void aChangedTableFileIsUsedWithinTwoSecondsWithoutARestart() throws Exception {
        PosternProcess server = postern.newServer()
            .parameter("relay_domains", "texthash:conf/relay_domains");
        Path table = server.confDir().resolve("relay_domains");
        Files.writeString(table, "backup.example  OK\n");
        server.start();

        assertThat(rcptFromUntrusted(server, "user@backup.example")).isEqualTo("250 2.1.5 Ok");
        assertThat(rcptFromUntrusted(server, "user@new.example"))
            .isEqualTo("454 4.7.1 <user@new.example>: Relay access denied");

        Files.writeString(table, "backup.example  OK\nnew.example  OK\n");
        long changed = System.nanoTime();
        Await.until("new.example relayed after the table changed", Duration.ofSeconds(2), Duration.ofMillis(100),
            () -> rcptFromUntrusted(server, "user@new.example").equals("250 2.1.5 Ok"));
        System.out.printf("[LookupTablesIT] table change visible after %d ms%n", (System.nanoTime() - changed) / 1_000_000);
    }

    @Test
    void aMalformedTableStopsTheStartNamingFileAndLine() throws Exception {
        PosternProcess server = postern.newServer()
            .parameter("relay_domains", "hash:conf/broken");
        Files.writeString(server.confDir().resolve("broken"), "# domains\nbackup.example OK\n\"unterminated OK\n");

        ExitResult result = server.runUntilExit(Duration.ofSeconds(60));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("broken:3").doesNotContain("\tat ");
    }

    @Test
    void aTableInMydestinationIsRefusedPlainly() {
        PosternProcess server = postern.newServer().parameter("mydestination", "localhost, hash:conf/local_domains");

        ExitResult result = server.runUntilExit(Duration.ofSeconds(60));

        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr()).contains("mydestination: \"hash:conf/local_domains\": only domain names are supported here")
            .doesNotContain("\tat ");
    }

    private static String rcptFromUntrusted(PosternProcess server, String recipient) {
        try (SmtpClient client = server.connectFrom("127.0.0.2")) {
            client.ehlo("outsider.example");
            client.mailFrom("someone@outsider.example");
            String reply = client.rcptTo(recipient).full();
            client.quit();
            return reply;
        }
    }
}
