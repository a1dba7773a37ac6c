package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;

/**
 * {@code postern explain}: a hypothetical transaction judged and routed by the distribution's own
 * restrictions and routing, without starting the server, asking the DNS or writing under var/.
 */
class ExplainCommandIT {
    private static final String OUTSIDE = "203.0.113.9";

    @RegisterExtension
    final PosternExtension postern = new PosternExtension();

    private PosternProcess server() {
        return postern.newServer().myhostname("mail.example.test").parameter("relayhost", "[relay.example.test]:2525");
    }

    @Test
    void aRelayAttemptFromOutsideIsRefusedByTheRelayRestrictionNamed() {
        PosternProcess server = server();

        ExitResult result = explain(server, "--client", OUTSIDE, "--sender", "a@outside.test", "--rcpt", "x@elsewhere.test");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        // Postfix's default smtpd_relay_restrictions end in defer_unauth_destination
        assertThat(result.stdoutLines()).as("%s", result).containsSubsequence(
            "RCPT TO:<x@elsewhere.test>",
            "  smtpd_relay_restrictions:",
            "    permit_mynetworks -> DUNNO",
            "    defer_unauth_destination -> 454 4.7.1 <x@elsewhere.test>: Relay access denied",
            "  result: DEFER 454 4.7.1 <x@elsewhere.test>: Relay access denied",
            "summary: 0 of 1 recipient would be accepted");
        assertThat(result.stdout()).doesNotContain("route <");
        assertThat(result.stderr()).as("%s", result).isEmpty();
    }

    @Test
    void theSameFromMynetworksIsAcceptedAndRoutedToTheRelayhost() {
        PosternProcess server = server();

        ExitResult result = explain(server, "--client", "127.0.0.1", "--sender", "a@outside.test", "--rcpt", "x@elsewhere.test");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(result.stdoutLines()).as("%s", result).containsSubsequence(
            "  smtpd_relay_restrictions:",
            "    permit_mynetworks -> OK",
            "  relay: permitted by smtpd_relay_restrictions",
            "  result: ACCEPT 250 2.1.5 Ok",
            "  route <x@elsewhere.test>: class default, transport smtp, nexthop [relay.example.test]:2525",
            "summary: 1 of 1 recipient would be accepted");
        assertNothingWritten(server);
    }

    @Test
    void anAccessTableHitShowsTheTableAndTheKey() throws IOException {
        PosternProcess server = server();
        Files.writeString(server.confDir().resolve("sender_access"),
            "spammer.test  REJECT go away\nfiltered.test  FILTER smtp:[127.0.0.1]:10025\n");
        server.appendMainCf("smtpd_sender_restrictions = check_sender_access texthash:conf/sender_access");

        ExitResult result = explain(server, "--client", "127.0.0.1", "--helo", "client.example.test",
            "--sender", "<bob@spammer.test>", "--rcpt", "x@elsewhere.test");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.stdoutLines()).as("%s", result).containsSubsequence(
            "  smtpd_sender_restrictions:",
            "    check_sender_access texthash:conf/sender_access -> 554 5.7.1 <bob@spammer.test>: Sender address rejected: go away",
            "      matched texthash:conf/sender_access key \"spammer.test\" = REJECT go away",
            "  result: REJECT 554 5.7.1 <bob@spammer.test>: Sender address rejected: go away");

        ExitResult filtered = explain(server, "--client", "127.0.0.1", "--sender", "bob@filtered.test",
            "--rcpt", "x@elsewhere.test");

        // the queue manager hands a FILTERed message to the content filter instead of the recipient's route
        assertThat(filtered.exitCode()).as("%s", filtered).isZero();
        assertThat(filtered.stdoutLines()).as("%s", filtered).containsSubsequence(
            "      matched texthash:conf/sender_access key \"filtered.test\" = FILTER smtp:[127.0.0.1]:10025",
            "  action: filter smtp:[127.0.0.1]:10025",
            "  result: ACCEPT 250 2.1.5 Ok",
            "content filter: FILTER smtp:[127.0.0.1]:10025 sends the message, all recipients together, to transport smtp,"
                + " nexthop [127.0.0.1]:10025 instead of the routes above");
    }

    @Test
    void aLocalRecipientNeedsNoRelayPermissionAndGoesToTheLocalTransport() {
        PosternProcess server = server();

        ExitResult result = explain(server, "--client", OUTSIDE, "--client-name", "mx.outside.test",
            "--sender", "a@outside.test", "--rcpt", "postmaster@mail.example.test", "--rcpt", "x@elsewhere.test");

        // the second recipient is refused: the status says not every recipient would be accepted
        assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
        assertThat(result.stdoutLines()).as("%s", result).containsSubsequence(
            "client mx.outside.test[203.0.113.9]",
            "RCPT TO:<postmaster@mail.example.test>",
            "  smtpd_reject_unlisted_recipient -> DUNNO",
            "  relay: not needed (mail.example.test is a destination of this server or relay_domains)",
            "  result: ACCEPT 250 2.1.5 Ok",
            "  route <postmaster@mail.example.test>: class local, transport local, nexthop mail.example.test",
            "RCPT TO:<x@elsewhere.test>",
            "  result: DEFER 454 4.7.1 <x@elsewhere.test>: Relay access denied",
            "summary: 1 of 2 recipients would be accepted");
    }

    @Test
    void aDnsListIsNotAskedAndTheOutcomeSaysSo() {
        PosternProcess server = server();
        server.appendMainCf("smtpd_client_restrictions = reject_rbl_client zen.example.test");

        ExitResult result = explain(server, "--client", OUTSIDE, "--sender", "a@outside.test",
            "--rcpt", "postmaster@mail.example.test");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(3);
        assertThat(result.stdoutLines()).as("%s", result)
            .anyMatch(line -> line.startsWith("    reject_rbl_client zen.example.test -> not evaluated: needs DNS"
                + " (9.113.0.203.zen.example.test A)"));
        assertThat(result.stdoutLines().get(result.stdoutLines().size() - 1)).startsWith("note: restrictions that need DNS");
    }

    @Test
    void aBadOptionIsAUsageError() {
        PosternProcess server = server();

        ExitResult result = explain(server, "--client", OUTSIDE, "--sender", "a@outside.test", "--rcpt", "x@y.test",
            "--bogus", "1");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
        assertThat(result.stdout()).isEmpty();
        assertThat(result.stderrLines()).as("%s", result).singleElement().asString()
            .startsWith("postern: explain: unknown option --bogus; usage: postern explain --client IP");
    }

    private static ExitResult explain(PosternProcess server, String... arguments) {
        return server.runCommand(Stream.concat(Stream.of("explain"), Stream.of(arguments)).toArray(String[]::new));
    }

    /** Only the commands' own output files: explain creates nothing under var/. */
    private static void assertNothingWritten(PosternProcess server) {
        try (Stream<Path> files = Files.walk(server.varDir())) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).as("files under var/").isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
