package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.app.harness.HeadlessChromium;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.testing.smtp.SmtpSink;

/**
 * WebAdmin's {@code /status} in Debian's Chromium, headless: with one message deferred by the next
 * hop and one held by an access(5) HOLD, the page shows both queue IDs with their reasons and the
 * deferral destination, and renders (a screenshot that is not blank); without the token the
 * browser gets WebAdmin's refusal and none of it.
 */
class StatusPageIT {
    private static final String LATER = "later@slow.example";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();
    @TempDir
    Path browserDirectory;

    @Test
    void showsTheDeferredAndHeldMailWithTheirReasonsAndRefusesWithoutTheToken() throws IOException {
        SmtpSink sink = postern.newSink()
            .setRcptReply(recipient -> recipient.equals(LATER) ? "450 4.2.0 <" + LATER + ">: try again later" : "250 2.1.5 Ok");
        PosternProcess server = postern.newServer().myhostname("mx.status-it.test").relayhost(sink)
            .parameter("minimal_backoff_time", "300s")
            .parameter("smtpd_recipient_restrictions", "check_recipient_access texthash:conf/recipient_access, permit_mynetworks, reject")
            .writeConfFile("recipient_access", "held@remote.example  HOLD waiting for review\n")
            .start();
        String deferred = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "alice@client.example", LATER, "status-1"));
        String held = LocalDeliveryIT.queueIdOf(LocalDeliveryIT.send(server, "alice@client.example", "held@remote.example", "status-2"));
        server.awaitMaillogLine("the deferral of " + deferred, WAIT,
            line -> line.contains(": " + deferred + ": to=<" + LATER + ">") && line.contains(", status=deferred ("));
        String url = "http://127.0.0.1:" + server.webadminPort() + "/status";

        try (HeadlessChromium chromium = new HeadlessChromium(browserDirectory).start()) {
            chromium.load(url, Map.of("Authorization", server.webAdmin().authorization()));
            String text = chromium.evaluate("document.body.innerText");
            assertThat(chromium.evaluate("document.title")).isEqualTo("Postern status: mx.status-it.test");
            assertThat(text).contains(deferred, held, "try again later", "waiting for review", "Top deferral destinations", "slow.example",
                "configuration generation 0");
            assertThat(chromium.evaluate("document.querySelectorAll('svg[role=img]').length")).isEqualTo("2");
            assertThat(chromium.evaluate("document.querySelector('meta[http-equiv=refresh]').content")).isEqualTo("30");

            byte[] png = chromium.screenshot();
            Files.write(browserDirectory.resolve("status.png"), png);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(image).as("a PNG").isNotNull();
            assertThat(image.getWidth()).isGreaterThanOrEqualTo(800);
            assertThat(colours(image)).as("the page drew something (not a blank screenshot)").isGreaterThan(8);

            chromium.load(url, Map.of());
            String refused = chromium.evaluate("document.body.innerText");
            assertThat(refused).contains("Unauthorized").doesNotContain(deferred).doesNotContain(held);
        }
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
