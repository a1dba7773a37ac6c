package dev.postern.delivery.pipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.config.ComponentParameters;
import dev.postern.config.ConfigException;
import dev.postern.config.MainCf;
import dev.postern.config.MasterCf;
import dev.postern.config.MasterCfService;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.RecipientResult.Status;
import dev.postern.delivery.local.DefaultPrivs;
import dev.postern.delivery.route.Route;

class PipeCourierTest {
    private static final Instant NOW = Instant.parse("2026-12-07T07:30:00Z");

    @TempDir
    Path dir;

    /** A script that writes each argument on a line of args.N and its input to input.N, then exits with $EXIT_WITH. */
    private Path script(String exitLine) throws Exception {
        // as root, the command runs as user=nobody, who must reach the script and write beside it
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = dir.resolve("record.sh");
        Files.writeString(script, "#!/bin/sh\n"
            + "n=$(ls " + dir + " | grep -c '^args')\n"
            + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + dir + "/args.$n\n"
            + "cat > " + dir + "/input.$n\n"
            + exitLine + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private PipeCourier courier(String masterCfLine, String... mainCf) throws ConfigException {
        return courier(masterCfLine, Map.of(), mainCf);
    }

    /** @param settings the component's own settings (Postern knows no default_destination_recipient_limit in main.cf yet) */
    private PipeCourier courier(String masterCfLine, Map<String, String> settings, String... mainCf) throws ConfigException {
        MasterCfService service = MasterCf.parse("master.cf", List.of(masterCfLine), Path.of("master.cf")).services().get(0);
        ComponentParameters parameters = ComponentParameters.of(MainCf.parse("main.cf", List.of(mainCf), Map.of()),
            name -> Optional.ofNullable(settings.get(name)), "test");
        return PipeCourier.create(service, parameters, dir, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Mail mail(String sender, String raw) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        return FakeMail.builder().name("QID").mimeMessage(message).sender(MaybeSender.getMailSender(sender))
            .recipient("placeholder@localhost").remoteAddr("192.0.2.7").build();
    }

    private static List<RecipientResult> deliver(PipeCourier courier, Mail mail, String nexthop, String... recipients)
            throws Exception {
        List<MailAddress> addresses = new java.util.ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        return courier.deliver(new Delivery("4ABC", mail, addresses, new Route("script", nexthop), NOW));
    }

    private List<String> args(int n) throws Exception {
        return Files.readAllLines(dir.resolve("args." + n));
    }

    @Test
    void argvMacrosAreExpandedAndTheMessageIsTheInput() throws Exception {
        Path script = script("exit 0");
        PipeCourier courier = courier("script unix - n n - - pipe flags=Rhu user=nobody argv=" + script
            + " -f ${sender} -n $nexthop ${user} { ext=${extension} } ${domain} ${mailbox} ${original_recipient}"
            + " ${client_address} ${size} $(queue_id) $$", "recipient_delimiter = +");
        Mail mail = mail("Alice@Example.org", "Subject: hi\r\n\r\n.dot\r\nFrom here\r\n");

        List<RecipientResult> results = deliver(courier, mail, "Dest.Example", "Bob+Tag@Dest.Example");

        assertThat(results).extracting(RecipientResult::status).containsExactly(Status.SENT);
        assertThat(results.get(0).text()).isEqualTo("delivered via script service");
        assertThat(results.get(0).relay()).isEqualTo("script");
        assertThat(args(0)).containsExactly("-f", "Alice@example.org", "-n", "dest.example", "bob", "ext=tag",
            "dest.example", "bob+tag", "bob+tag@dest.example", "192.0.2.7", String.valueOf(
                "Subject: hi\r\n\r\n.dot\r\nFrom here\r\n".length()), "4ABC", "$");
        assertThat(Files.readString(dir.resolve("input.0")))
            .isEqualTo("Return-Path: <Alice@example.org>\nSubject: hi\n\n.dot\nFrom here\n");
    }

    @Test
    void flagsEscapeDotsAndFromLinesAndPrependDeliveredToAndTheFromLine() throws Exception {
        Path script = script("exit 0");
        PipeCourier courier = courier("script unix - n n - - pipe flags=FOD.>B user=nobody eol=\\r\\n argv=" + script);

        deliver(courier, mail("a@example.org", "Subject: x\r\n\r\n.dot\r\nFrom here\r\n"), "", "b@example.net");

        String input = Files.readString(dir.resolve("input.0"));
        assertThat(input).startsWith("From a@example.org  Mon Dec  7 ");
        assertThat(input.substring(input.indexOf("\n") + 1)).isEqualTo("X-Original-To: b@example.net\r\n"
            + "Delivered-To: b@example.net\r\nSubject: x\r\n\r\n..dot\r\n>From here\r\n\r\n");
    }

    @Test
    void aRecipientMacroRepeatsItsArgumentForEachRecipientOfACommandUpToTheLimit() throws Exception {
        Path script = script("exit 0");
        PipeCourier courier = courier("script unix - n n - - pipe user=nobody argv=" + script + " -r ${recipient}",
            Map.of("default_destination_recipient_limit", "2"));
        List<RecipientResult> results = deliver(courier, mail("a@example.org", "Subject: x\r\n\r\nbody\r\n"), "",
            "one@example.net", "two@example.net", "three@example.net");

        assertThat(results).extracting(RecipientResult::status).containsOnly(Status.SENT).hasSize(3);
        assertThat(args(0)).containsExactly("-r", "one@example.net", "two@example.net");
        assertThat(args(1)).containsExactly("-r", "three@example.net");
    }

    @Test
    void flagDWithSeveralRecipientsDefersAndALoopBounces() throws Exception {
        Path script = script("exit 0");
        PipeCourier courier = courier("script unix - n n - - pipe flags=D user=nobody argv=" + script);

        List<RecipientResult> several = deliver(courier, mail("a@example.org", "Subject: x\r\n\r\nbody\r\n"), "",
            "one@example.net", "two@example.net");
        List<RecipientResult> loop = deliver(courier, mail("a@example.org",
            "Delivered-To: <One@Example.NET>\r\nSubject: x\r\n\r\nbody\r\n"), "", "one@example.net");

        assertThat(several).extracting(RecipientResult::status, RecipientResult::dsn).containsOnly(
            org.assertj.core.groups.Tuple.tuple(Status.DEFERRED, "4.3.5"));
        assertThat(several.get(0).text()).isEqualTo("pipe flag 'D' requires script_destination_recipient_limit = 1");
        assertThat(loop.get(0).status()).isEqualTo(Status.BOUNCED);
        assertThat(loop.get(0).text()).isEqualTo("mail forwarding loop for one@example.net");
        assertThat(dir.resolve("args.0")).doesNotExist();
    }

    @Test
    void exitStatusesFollowSysexits() throws Exception {
        Mail mail = mail("a@example.org", "Subject: x\r\n\r\nbody\r\n");
        assertThat(result("echo try later; exit 75", mail))
            .extracting(RecipientResult::status, RecipientResult::dsn, RecipientResult::text)
            .containsExactly(Status.DEFERRED, "4.3.0", "temporary failure. Command output: try later");
        assertThat(result("exit 67", mail)).extracting(RecipientResult::status, RecipientResult::dsn)
            .containsExactly(Status.BOUNCED, "5.1.1");
        assertThat(result("echo 4.2.2 mailbox full; exit 1", mail))
            .extracting(RecipientResult::status, RecipientResult::dsn, RecipientResult::text)
            .containsExactly(Status.DEFERRED, "4.2.2", "mailbox full");
        assertThat(result("echo no such list; exit 3", mail))
            .extracting(RecipientResult::status, RecipientResult::dsn).containsExactly(Status.BOUNCED, "5.3.0");
        assertThat(result("echo no such list; exit 3", mail).text()).startsWith("Command died with status 3: \"")
            .endsWith("\". Command output: no such list");
    }

    private RecipientResult result(String exitLine, Mail mail) throws Exception {
        Files.list(dir).forEach(file -> file.toFile().delete());
        Path script = script(exitLine);
        return deliver(courier("script unix - n n - - pipe user=nobody argv=" + script), mail, "", "b@example.net").get(0);
    }

    private static int uid() throws Exception {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    @Test
    void asRootTheCommandRunsAsTheUserAccountNeverAsRoot() throws Exception {
        Path script = script("id -u > " + dir + "/uid");
        deliver(courier("script unix - n n - - pipe user=nobody argv=" + script),
            mail("a@example.org", "Subject: x\r\n\r\nbody\r\n"), "", "b@example.net");

        String expected = uid() == 0 ? String.valueOf(DefaultPrivs.lookUp("test", "nobody").uid())
            : String.valueOf(uid());
        assertThat(Files.readString(dir.resolve("uid")).strip()).isEqualTo(expected).isNotEqualTo("0");
    }

    @Test
    void anAccountThatDoesNotExistDefersTheDeliveryInsteadOfFailingTheLoad() throws Exception {
        Path script = script("exit 0");
        PipeCourier courier = courier("script unix - n n - - pipe user=no-such-account-here argv=" + script);

        RecipientResult result = deliver(courier, mail("a@example.org", "Subject: x\r\n\r\nbody\r\n"), "",
            "b@example.net").get(0);

        if (uid() != 0) {
            assertThat(result.status()).as("not root: the command runs as this process").isEqualTo(Status.SENT);
            return;
        }
        assertThat(result).extracting(RecipientResult::status, RecipientResult::dsn)
            .containsExactly(Status.DEFERRED, "4.3.5");
        assertThat(result.text()).contains("master.cf, line 1").contains("user=no-such-account-here");
        assertThat(dir.resolve("args.0")).doesNotExist();
    }

    @Test
    void aMessageOverSizeBouncesWithoutRunningTheCommand() throws Exception {
        Path script = script("exit 0");
        RecipientResult result = deliver(courier("script unix - n n - - pipe size=10 user=nobody argv=" + script),
            mail("a@example.org", "Subject: x\r\n\r\na longer body\r\n"), "", "b@example.net").get(0);

        assertThat(result).extracting(RecipientResult::status, RecipientResult::dsn, RecipientResult::text)
            .containsExactly(Status.BOUNCED, "5.2.3", "message too large");
        assertThat(dir.resolve("args.0")).doesNotExist();
    }

    @Test
    void badAttributesAreErrorsNamingTheLine() {
        assertThatThrownBy(() -> courier("x unix - n n - - pipe flags=Z user=nobody argv=/bin/true"))
            .hasMessage("master.cf, line 1: x/unix: flags=Z: unknown flag 'Z' (pipe knows BDFORXhqu.>)");
        assertThatThrownBy(() -> courier("x unix - n n - - pipe argv=/bin/true"))
            .hasMessageContaining("master.cf, line 1: x/unix: pipe needs user=NAME");
        assertThatThrownBy(() -> courier("x unix - n n - - pipe user=root argv=/bin/true"))
            .hasMessageContaining("user=root: a pipe command never runs as root");
        assertThatThrownBy(() -> courier("x unix - n n - - pipe user=nobody argv=/bin/echo ${recipeint}"))
            .hasMessageContaining("argv: unknown macro $recipeint");
        assertThatThrownBy(() -> courier("x unix - n n - - pipe user=nobody colour=blue argv=/bin/true"))
            .hasMessageContaining("unknown pipe attribute \"colour=blue\"");
        assertThatThrownBy(() -> courier("x unix - n n - - pipe user=nobody"))
            .hasMessageContaining("pipe needs argv=COMMAND");
    }
}
