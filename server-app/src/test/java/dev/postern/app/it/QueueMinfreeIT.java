package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.SmtpClient;

/**
 * A queue file system short of space refuses mail at MAIL FROM with Postfix's 452 instead of
 * accepting what it cannot store. The shortage is simulated with a queue_minfree larger
 * than any disk, which is the same check the server makes against the real free space.
 */
class QueueMinfreeIT {
    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    @Test
    void mailFromIsRefusedWhenTheQueueFileSystemIsShortOfSpace() {
        PosternProcess server = postern.newServer().parameter("queue_minfree", "9000000000000000000").start();
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("alice@client.example").full()).isEqualTo("452 4.3.1 Insufficient system storage");
            client.quit();
        }
        server.awaitMaillogLine("the reject line", java.time.Duration.ofSeconds(10), line -> line.contains(
            "NOQUEUE: reject: MAIL from localhost[127.0.0.1]: 452 4.3.1 Insufficient system storage; from=<alice@client.example>"));
    }

    @Test
    void mailIsAcceptedWithTheDefaultReserve() {
        PosternProcess server = postern.newServer().start();
        try (SmtpClient client = server.connect()) {
            client.ehlo("client.example");
            assertThat(client.mailFrom("alice@client.example").code()).isEqualTo(250);
            client.quit();
        }
    }
}
