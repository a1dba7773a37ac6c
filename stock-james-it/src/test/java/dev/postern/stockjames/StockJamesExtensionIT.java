package dev.postern.stockjames;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Postern's jars in a stock James 3.8.1 server: the memory app's own main class and classpath,
 * Postern's core, matchers and mailets jars dropped into {@code extensions-jars/}, and a
 * {@code mailetcontainer.xml} that names Postern's {@code Restrictions} matcher and
 * {@code MaildirDelivery} mailet by class. Mail sent over SMTP is split by the matcher: refused
 * recipients land in a James mail repository (read through WebAdmin), the rest in a Maildir.
 */
class StockJamesExtensionIT {
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration DELIVERY = Duration.ofSeconds(30);
    private static final String REFUSED = "var/mail/postern-refused";
    private static final String ERROR = "var/mail/error";

    @TempDir
    Path home;

    @Test
    void theBuildGivesJamesNoPosternClassButTheExtensionJars() throws IOException {
        List<String> classpath = StockJamesServer.classpath();

        assertThat(classpath).anyMatch(jar -> jar.contains("james-server-memory-app-3.8.1"));
        assertThat(classpath).noneMatch(jar -> jar.contains("postern"));
        try (Stream<Path> jars = Files.list(StockJamesServer.preparedDirectory().resolve("extensions-jars"))) {
            assertThat(jars.map(jar -> jar.getFileName().toString()))
                .containsExactlyInAnyOrder("postern-core-0.1.0-SNAPSHOT.jar", "postern-matchers-0.1.0-SNAPSHOT.jar",
                    "postern-mailets-0.1.0-SNAPSHOT.jar");
        }
        Path jars = StockJamesServer.preparedDirectory().resolve("extensions-jars");
        assertThat(entries(jars.resolve("postern-matchers-0.1.0-SNAPSHOT.jar")))
            .contains("dev/postern/matchers/Restrictions.class");
        assertThat(entries(jars.resolve("postern-mailets-0.1.0-SNAPSHOT.jar")))
            .contains("dev/postern/mailets/MaildirDelivery.class");
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(JarEntry::getName).toList();
        }
    }

    @Test
    void posternMatcherSplitsMailAndPosternMailetDeliversTheRest() throws Exception {
        try (StockJamesServer james = StockJamesServer.start(home, Map.of()).awaitStarted(START)) {
            WebAdmin webAdmin = new WebAdmin(james.webAdminPort());
            webAdmin.addUser("alice@example.com", "secret");

            try (SmtpSession smtp = new SmtpSession(james.smtpPort())) {
                assertThat(smtp.command("EHLO client.example.org")).startsWith("250");
                assertThat(smtp.command("MAIL FROM:<bob@sender.test>")).startsWith("250");
                // Stock James accepts all three: it lets loopback clients relay.
                assertThat(smtp.command("RCPT TO:<alice@example.com>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<gone@example.com>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<x@elsewhere.test>")).startsWith("250");
                assertThat(smtp.data("Subject: split by Postern\n\nhello from the test\n")).startsWith("250");
            }

            List<String> refused = await(() -> webAdmin.mailKeys(REFUSED), keys -> !keys.isEmpty(), james);
            assertThat(refused).as("mails in " + REFUSED).hasSize(1);
            assertThat(webAdmin.recipients(REFUSED, refused.get(0)))
                .as("check_recipient_access refuses gone@, reject_unauth_destination refuses the outside domain")
                .containsExactlyInAnyOrder("gone@example.com", "x@elsewhere.test");

            Path maildir = james.home().resolve("var/mail/example.com/alice/Maildir/new");
            List<Path> delivered = await(() -> files(maildir), files -> !files.isEmpty(), james);
            assertThat(delivered).hasSize(1);
            String message = Files.readString(delivered.get(0));
            assertThat(message).contains("Delivered-To: alice@example.com").contains("Subject: split by Postern");
            assertThat(webAdmin.mailKeys(ERROR)).as("nothing bounced").isEmpty();
            assertThat(james.log()).contains("Relay access denied").contains("this user has moved away");
        }
    }

    @Test
    void aBadRestrictionListStopsTheStartNamingTheMatcher() throws Exception {
        Map<String, UnaryOperator<String>> badList = Map.of("mailetcontainer.xml",
            xml -> xml.replace("permit_mynetworks, reject_unauth_destination", "permit_mynetworks, bogus_word"));
        try (StockJamesServer james = StockJamesServer.start(home, badList)) {
            assertThat(james.awaitLog("bogus_word", START)).as("the start error names the word").isTrue();

            String log = james.log();
            assertThat(log).contains("matcher dev.postern.matchers.Restrictions");
            assertThat(james.hasStarted()).isFalse();
        }
    }

    private interface Probe<T> {
        T get() throws Exception;
    }

    private interface Check<T> {
        boolean test(T value);
    }

    /** Polls until the check holds; returns the last value (the assertion after it explains a timeout). */
    private static <T> T await(Probe<T> probe, Check<T> done, StockJamesServer james) throws Exception {
        Instant deadline = Instant.now().plus(DELIVERY);
        T value = probe.get();
        while (!done.test(value) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            value = probe.get();
        }
        if (!done.test(value)) {
            System.err.println(james.log());
        }
        return value;
    }

    private static List<Path> files(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.toList();
        }
    }
}
