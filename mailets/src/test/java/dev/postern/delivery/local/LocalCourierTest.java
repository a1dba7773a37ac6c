package dev.postern.delivery.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.postern.address.LocalMailboxes;
import dev.postern.delivery.Delivery;
import dev.postern.delivery.RecipientResult;
import dev.postern.delivery.route.Route;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;

/** local(8)'s precedence, mailbox formats, aliases, quotas and loop detection, against real files. */
class LocalCourierTest {
    private static final String QID = "3F2A1B4C5D6E";
    private static final Instant NOW = Instant.parse("2024-01-02T03:04:05Z");
    private static final String RAW = "From: alice@remote.example\r\n"
        + "Subject: hello\r\n"
        + "\r\n"
        + "Hello,\r\n"
        + "From the start of a line\r\n"
        + ">From an already quoted line\r\n";
    private static final Set<String> USERS = Set.of("bob@mx.example.com", "carol@mx.example.com", "alice@virtual.example");

    @TempDir
    Path home;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<Forwarded> forwarded = new ArrayList<>();
    private TableRegistry registry;
    private Path mailRoot;

    private record Forwarded(String queueId, MaybeSender sender, List<MailAddress> recipients, String prepended) {
    }

    @BeforeEach
    void setUp() {
        registry = new TableRegistry(home);
        mailRoot = home.resolve("var/mail");
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    // ---- mailboxes

    @Test
    void mboxGetsAFromLineTheHeadersTheQuotedBodyAndABlankLine() throws Exception {
        LocalCourier courier = courier(settings().mbox());

        RecipientResult result = deliver(courier, mail(RAW, "alice@remote.example"), "bob@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(result.text()).isEqualTo("delivered to mailbox");
        assertThat(Files.readString(mailRoot.resolve("mx.example.com/bob"))).isEqualTo(
            "From alice@remote.example  " + asctime() + "\n"
            + "Return-Path: <alice@remote.example>\n"
            + "X-Original-To: bob@localhost\n"
            + "Delivered-To: bob@localhost\n"
            + "From: alice@remote.example\n"
            + "Subject: hello\n"
            + "\n"
            + "Hello,\n"
            + ">From the start of a line\n"
            + ">>From an already quoted line\n"
            + "\n");
    }

    @Test
    void aProbeFindsTheMailboxWithoutWritingIt() throws Exception {
        Mail probe = mail(RAW, "double-bounce@mx.example.com");
        probe.setAttribute(new org.apache.mailet.Attribute(dev.postern.queue.MailAttributes.ADDRESS_PROBE,
            org.apache.mailet.AttributeValue.of(true)));
        LocalCourier courier = courier(settings());

        RecipientResult known = deliver(courier, probe, "bob@localhost");
        RecipientResult unknown = deliver(courier, probe, "nobody@localhost");

        assertThat(known.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(known.text()).isEqualTo("delivers to maildir");
        assertThat(unknown.status()).isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(unknown.text()).isEqualTo("unknown user: \"nobody\"");
        assertThat(mailRoot.resolve("mx.example.com/bob")).doesNotExist();
    }

    @Test
    void theNullSenderIsMailerDaemonOnTheFromLineAndEmptyInReturnPath() throws Exception {
        deliver(courier(settings().mbox()), mail(RAW, null), "bob@localhost");
        deliver(courier(settings().mbox()), mail(RAW, null), "bob@localhost");

        String mbox = Files.readString(mailRoot.resolve("mx.example.com/bob"));
        assertThat(mbox).startsWith("From MAILER-DAEMON  " + asctime() + "\nReturn-Path: <>\n");
        assertThat(mbox.split("\n\nFrom MAILER-DAEMON  ", -1)).as("two messages, separated by a blank line").hasSize(2);
    }

    @Test
    void theExtensionIsRemovedForTheMailboxButKeptInDeliveredTo() throws Exception {
        RecipientResult result = deliver(courier(settings()), mail(RAW, "alice@remote.example"), "Bob+News@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.SENT);
        List<Path> files = files(mailRoot.resolve("mx.example.com/bob/Maildir/new"));
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.get(0))).startsWith("Return-Path: <alice@remote.example>\r\n"
            + "X-Original-To: Bob+News@localhost\r\nDelivered-To: bob+news@localhost\r\n");
    }

    @Test
    void virtualMailboxMapsResultsAreRelativeToTheBaseAndATrailingSlashMeansMaildir() throws Exception {
        Path base = home.resolve("vmail");
        LocalCourier courier = courier(settings()
            .virtualMaps(table("inline:{ alice@virtual.example=virtual.example/alice/, @virtual.example=virtual.example/all }"))
            .virtualBase(base));

        RecipientResult alice = deliver(courier, mail(RAW, "x@remote.example"), "alice@virtual.example");
        RecipientResult other = deliver(courier, mail(RAW, "x@remote.example"), "zed@virtual.example");

        assertThat(alice.text()).isEqualTo("delivered to maildir");
        assertThat(files(base.resolve("virtual.example/alice/new"))).hasSize(1);
        assertThat(other.text()).isEqualTo("delivered to mailbox");
        assertThat(Files.readString(base.resolve("virtual.example/all"))).contains("Delivered-To: zed@virtual.example\n");
    }

    @Test
    void aVirtualMailboxDomainOutsideTheDomainListIsDeliveredThroughVirtualMailboxMaps() throws Exception {
        Path base = home.resolve("vmail");
        LocalCourier courier = courier(settings()
            .virtualMaps(table("inline:{ dave@table-domain.example=table-domain.example/dave/ }"))
            .virtualBase(base));

        RecipientResult dave = deliver(courier, mail(RAW, "x@remote.example"), "dave@table-domain.example");
        RecipientResult nobody = deliver(courier, mail(RAW, "x@remote.example"), "nobody@table-domain.example");

        assertThat(dave.text()).isEqualTo("delivered to maildir");
        assertThat(files(base.resolve("table-domain.example/dave/new"))).hasSize(1);
        assertThat(nobody.text()).isEqualTo("unknown user: \"nobody@table-domain.example\"");
    }

    @Test
    void anExactVirtualMailboxInTheSecondTableBeatsAtDomainInTheFirst() throws Exception {
        Path base = home.resolve("vmail");
        LocalCourier courier = courier(settings()
            .virtualMaps(table("inline:{ @virtual.example=virtual.example/all }"),
                table("inline:{ alice@virtual.example=virtual.example/alice/ }"))
            .virtualBase(base));

        assertThat(deliver(courier, mail(RAW, "x@remote.example"), "alice@virtual.example").text())
            .as("virtual_mailbox_maps is searched key by key across both tables")
            .isEqualTo("delivered to maildir");
        assertThat(files(base.resolve("virtual.example/alice/new"))).hasSize(1);
    }

    // ---- loops

    @Test
    void aDeliveredToNamingTheRecipientIsAForwardingLoop() throws Exception {
        RecipientResult result = deliver(courier(settings()), mail("Delivered-To: <BOB@localhost>\r\n" + RAW, "a@b.example"),
            "bob@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(result.dsn()).isEqualTo("5.4.6");
        assertThat(result.text()).isEqualTo("mail forwarding loop for bob@localhost");
        assertThat(mailRoot.resolve("mx.example.com/bob")).doesNotExist();
    }

    @Test
    void anAliasNamingItselfGoesToTheUsersOwnMailbox() throws Exception {
        aliases("bob: bob, carol");

        RecipientResult result = deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "a@b.example"),
            "bob@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(files(mailRoot.resolve("mx.example.com/bob/Maildir/new"))).hasSize(1);
        assertThat(files(mailRoot.resolve("mx.example.com/carol/Maildir/new"))).hasSize(1);
    }

    // ---- aliases

    @Test
    void anAliasExpandsToLocalUsersAndForwardsTheOthersAsANewMessage() throws Exception {
        aliases("# staff", "Team: bob,", "  carol@mx.example.com, dave@remote.example");

        RecipientResult result = deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "alice@remote.example"),
            "team@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(result.text()).isEqualTo("delivered to maildir, forwarded as 0000000000F1");
        assertThat(Files.readString(files(mailRoot.resolve("mx.example.com/bob/Maildir/new")).get(0)))
            .as("a destination without a domain is a user of $myhostname")
            .startsWith("Return-Path: <alice@remote.example>\r\nX-Original-To: team@localhost\r\n"
                + "Delivered-To: bob@mx.example.com\r\n");
        assertThat(files(mailRoot.resolve("mx.example.com/carol/Maildir/new"))).hasSize(1);
        assertThat(forwarded).containsExactly(new Forwarded(QID, MaybeSender.getMailSender("alice@remote.example"),
            List.of(new MailAddress("dave@remote.example")), "Delivered-To: team@localhost\r\n"));
    }

    @Test
    void anAliasIsFoundWithoutItsExtension() throws Exception {
        aliases("team: carol");

        RecipientResult result = deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "a@b.example"),
            "team+urgent@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(files(mailRoot.resolve("mx.example.com/carol/Maildir/new"))).hasSize(1);
    }

    @Test
    void anOwnerAliasBecomesTheSenderOfTheExpansion() throws Exception {
        aliases("list: x@remote.example, y@remote.example", "owner-list: bob");

        deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "alice@remote.example"), "list@localhost");

        assertThat(forwarded).hasSize(1);
        assertThat(forwarded.get(0).sender()).isEqualTo(MaybeSender.getMailSender("owner-list@mx.example.com"));
        assertThat(forwarded.get(0).recipients()).containsExactly(new MailAddress("x@remote.example"),
            new MailAddress("y@remote.example"));
    }

    @Test
    void anIncludeFileRelativeToTheHomeListsMoreDestinations() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/staff.txt"), "# the staff\nbob\n\ncarol, erin@remote.example\n");
        aliases("staff: :include:conf/staff.txt");

        RecipientResult result = deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "a@b.example"),
            "staff@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(files(mailRoot.resolve("mx.example.com/bob/Maildir/new"))).hasSize(1);
        assertThat(files(mailRoot.resolve("mx.example.com/carol/Maildir/new"))).hasSize(1);
        assertThat(forwarded).extracting(Forwarded::recipients).containsExactly(List.of(new MailAddress("erin@remote.example")));
    }

    @Test
    void aMissingIncludeFileDefersNamingTheFile() throws Exception {
        aliases("staff: :include:conf/missing.txt");

        RecipientResult result = deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "a@b.example"),
            "staff@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.DEFERRED);
        assertThat(result.text()).startsWith("cannot open include file " + home.resolve("conf/missing.txt"));
    }

    @Test
    void fileAndCommandDestinationsRunFromAliases() throws Exception {
        Path archive = home.resolve("archive.mbox");
        aliases("archive: " + archive + ", \"|cat > piped.txt\"");

        RecipientResult result = deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "alice@remote.example"),
            "archive@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(result.text()).isEqualTo("delivered to file: " + archive + ", delivered to command: cat > piped.txt");
        assertThat(Files.readString(archive)).startsWith("From alice@remote.example  ")
            .contains("Delivered-To: archive@localhost\n").endsWith(">>From an already quoted line\n\n");
        assertThat(Files.readString(home.resolve("piped.txt"))).startsWith("From alice@remote.example  ")
            .contains("Delivered-To: archive@localhost\n").endsWith("\nFrom the start of a line\n>From an already quoted line\n");
    }

    @Test
    void commandsSeeLocalsVariablesAndOfPosternsEnvironmentOnlyTheExportedNames() throws Exception {
        Set<String> locals = Set.of("PATH", "SHELL", "LOGNAME", "USER", "HOME", "SENDER", "RECIPIENT", "ORIGINAL_RECIPIENT",
            "LOCAL", "EXTENSION", "DOMAIN");
        List<String> inherited = System.getenv().keySet().stream().filter(name -> !locals.contains(name))
            .filter(name -> name.matches("[A-Za-z_][A-Za-z0-9_]*")).sorted().toList();
        assertThat(inherited).as("variables of the test JVM to export and to withhold").hasSizeGreaterThanOrEqualTo(2);
        String exported = inherited.get(0);
        aliases("team: \"|env > env.txt\"");

        RecipientResult result = deliver(courier(settings().aliases("texthash:aliases").exportEnvironment(exported)),
            mail(RAW, "alice@remote.example"), "team+news@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.SENT);
        Map<String, String> seen = new TreeMap<>();
        for (String line : Files.readAllLines(home.resolve("env.txt"))) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                seen.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        seen.keySet().removeAll(Set.of("PWD", "SHLVL", "_"));  // the shell's own
        assertThat(seen).containsEntry(exported, System.getenv(exported))
            .containsEntry("PATH", "/usr/bin:/bin").containsEntry("SHELL", "/bin/sh")
            .containsEntry("LOGNAME", "team").containsEntry("USER", "team").containsEntry("LOCAL", "team+news")
            .containsEntry("EXTENSION", "news").containsEntry("DOMAIN", "localhost")
            .containsEntry("RECIPIENT", "team+news@localhost").containsEntry("SENDER", "alice@remote.example");
        assertThat(seen.keySet()).as("nothing else of Postern's environment").isSubsetOf(
            Stream.concat(locals.stream(), Stream.of(exported)).toList());
    }

    @Test
    void asRootAFileIsWrittenOnlyWhereDefaultPrivsMayAndANewOneIsGivenToThatUser() throws Exception {
        DefaultPrivs privs = new DefaultPrivs("mailer", 54321, 54321);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
        Path closed = home.resolve("archive.mbox");
        Path drop = Files.createDirectory(home.resolve("drop"));
        Files.setPosixFilePermissions(drop, PosixFilePermissions.fromString("rwxrwxrwx"));
        aliases("closed: " + closed, "open: " + drop.resolve("archive.mbox"));
        LocalDeliverySettings settings = settings().aliases("texthash:aliases").defaultPrivs(privs).build();

        RecipientResult refused = deliver(courier(settings), mail(RAW, "alice@remote.example"), "closed@localhost");
        RecipientResult written = deliver(courier(settings), mail(RAW, "alice@remote.example"), "open@localhost");

        assertThat(refused.status()).isEqualTo(RecipientResult.Status.DEFERRED);
        assertThat(refused.dsn()).isEqualTo("4.3.0");
        assertThat(refused.text()).isEqualTo("cannot append message to file " + closed + ": not writable by default_privs"
            + " user mailer (Postern runs as root and writes a file for an alias only where that user may)");
        assertThat(closed).doesNotExist();
        assertThat(written.status()).isEqualTo(RecipientResult.Status.SENT);
        Path file = drop.resolve("archive.mbox");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        boolean root = DefaultPrivs.currentUid() == 0;
        assertThat(Files.getAttribute(file, "unix:uid")).as("owner (only root can give a file away)")
            .isEqualTo(root ? 54321 : DefaultPrivs.currentUid());
    }

    @Test
    void fileAndCommandDestinationsAreRefusedWhereNotAllowed() throws Exception {
        Files.writeString(home.resolve("list.txt"), home.resolve("file") + "\n\"|cat > x\"\n");
        aliases("included: :include:list.txt", "direct: \"|cat > y\"");
        LocalDeliverySettings byDefault = settings().aliases("texthash:aliases").build();

        RecipientResult included = deliver(courier(byDefault), mail(RAW, "a@b.example"), "included@localhost");
        RecipientResult direct = deliver(courier(settings().aliases("texthash:aliases").commands()),
            mail(RAW, "a@b.example"), "direct@localhost");

        assertThat(included.status()).isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(included.dsn()).isEqualTo("5.7.1");
        assertThat(included.text()).isEqualTo("mail to file is restricted: " + home.resolve("file"));
        assertThat(direct.text()).isEqualTo("mail to command is restricted: \"cat > y\"");
        assertThat(home.resolve("file")).doesNotExist();
        assertThat(home.resolve("x")).doesNotExist();
        assertThat(home.resolve("y")).doesNotExist();
    }

    @Test
    void aCommandExitingWithTempfailDefersAndAnyOtherStatusBounces() throws Exception {
        aliases("later: \"|exit 75\"", "never: \"|exit 3\"");

        RecipientResult later = deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "a@b.example"),
            "later@localhost");
        RecipientResult never = deliver(courier(settings().aliases("texthash:aliases")), mail(RAW, "a@b.example"),
            "never@localhost");

        assertThat(later.status()).isEqualTo(RecipientResult.Status.DEFERRED);
        assertThat(later.dsn()).isEqualTo("4.3.0");
        assertThat(never.status()).isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(never.dsn()).isEqualTo("5.3.0");
        assertThat(never.text()).isEqualTo("Command died with status 3: \"exit 3\"");
    }

    @Test
    void luserRelayTakesMailForUnknownLocalUsers() throws Exception {
        RecipientResult toLocal = deliver(courier(settings().luserRelay("carol")), mail(RAW, "a@b.example"),
            "nobody@localhost");
        RecipientResult toRemote = deliver(courier(settings().luserRelay("$user@catchall.example")),
            mail(RAW, "a@b.example"), "nobody+ext@localhost");
        RecipientResult without = deliver(courier(settings()), mail(RAW, "a@b.example"), "nobody@localhost");

        assertThat(toLocal.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(files(mailRoot.resolve("mx.example.com/carol/Maildir/new"))).hasSize(1);
        assertThat(toRemote.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(forwarded).extracting(Forwarded::recipients)
            .containsExactly(List.of(new MailAddress("nobody@catchall.example")));
        assertThat(without.status()).isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(without.text()).isEqualTo("unknown user: \"nobody\"");
    }

    // ---- quotas

    @Test
    void aMaildirMessageLargerThanMailboxSizeLimitBounces() throws Exception {
        RecipientResult result = deliver(courier(settings().sizeLimit(50)), mail(RAW, "a@b.example"), "bob@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(result.dsn()).isEqualTo("5.2.2");
        assertThat(result.text()).isEqualTo("cannot update mailbox " + mailRoot.resolve("mx.example.com/bob/Maildir")
            + "/ for user bob. error writing message: File too large");
        assertThat(files(mailRoot.resolve("mx.example.com/bob/Maildir/new"))).isEmpty();
    }

    @Test
    void anMboxThatWouldGrowPastTheLimitBouncesAndIsLeftAsItWas() throws Exception {
        LocalCourier courier = courier(settings().mbox().sizeLimit(400));
        deliver(courier, mail(RAW, "a@b.example"), "bob@localhost");
        Path mbox = mailRoot.resolve("mx.example.com/bob");
        String before = Files.readString(mbox);

        RecipientResult second = deliver(courier, mail(RAW, "a@b.example"), "bob@localhost");

        assertThat(second.dsn()).isEqualTo("5.2.2");
        assertThat(second.text()).isEqualTo("cannot update mailbox " + mbox
            + " for user bob. error writing message: File too large");
        assertThat(Files.readString(mbox)).isEqualTo(before);
    }

    @Test
    void theQuotaTableIsLookedUpByAddressThenByUserAndCountsTheWholeMaildir() throws Exception {
        LocalCourier courier = courier(settings().sizeLimit(0)
            .quotaMaps(table("inline:{ carol@localhost=100000, carol=1, bob=300 }")));

        RecipientResult carol = deliver(courier, mail(RAW, "a@b.example"), "carol@localhost");
        RecipientResult bob1 = deliver(courier, mail(RAW, "a@b.example"), "bob@localhost");
        RecipientResult bob2 = deliver(courier, mail(RAW, "a@b.example"), "bob@localhost");

        assertThat(carol.status()).as("the address entry wins over the user's").isEqualTo(RecipientResult.Status.SENT);
        assertThat(bob1.status()).isEqualTo(RecipientResult.Status.SENT);
        assertThat(bob2.status()).as("the second copy passes bob's 300 bytes").isEqualTo(RecipientResult.Status.BOUNCED);
        assertThat(bob2.dsn()).isEqualTo("5.2.2");
    }

    @Test
    void theAddressInTheSecondQuotaTableBeatsTheUserInTheFirst() throws Exception {
        LocalCourier courier = courier(settings().sizeLimit(0)
            .quotaMaps(table("inline:{ carol=1 }"), table("inline:{ carol@localhost=100000 }")));

        assertThat(deliver(courier, mail(RAW, "a@b.example"), "carol@localhost").status())
            .as("postern_mailbox_quota_maps is searched key by key across both tables")
            .isEqualTo(RecipientResult.Status.SENT);
    }

    @Test
    void aQuotaThatIsNotANumberDefers() throws Exception {
        RecipientResult result = deliver(courier(settings().quotaMaps(table("inline:{ bob=lots }"))),
            mail(RAW, "a@b.example"), "bob@localhost");

        assertThat(result.status()).isEqualTo(RecipientResult.Status.DEFERRED);
        assertThat(result.text()).isEqualTo("temporary lookup failure");
    }

    // ---- helpers

    private void aliases(String... lines) throws IOException {
        Files.writeString(home.resolve("aliases"), String.join("\n", lines) + "\n");
    }

    private LookupTable table(String spec) {
        try {
            return registry.open(spec);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private SettingsBuilder settings() {
        return new SettingsBuilder();
    }

    /** A settings value built step by step, defaults as main.cf's. */
    private final class SettingsBuilder {
        private LocalDeliverySettings.MailboxFormat format = LocalDeliverySettings.MailboxFormat.MAILDIR;
        private long sizeLimit = 51_200_000L;
        private List<LookupTable> quotaMaps = List.of();
        private List<LookupTable> aliasMaps = List.of();
        private Set<String> commands = Set.of("alias", "forward");
        private String luserRelay = "";
        private List<LookupTable> virtualMaps = List.of();
        private Optional<Path> virtualBase = Optional.empty();
        private List<String> exportEnvironment = LocalDeliverySettings.EXPORT_ENVIRONMENT;
        /** As a process that is not root: the unit tests run commands and write files as themselves. */
        private Optional<DefaultPrivs> defaultPrivs = Optional.empty();

        SettingsBuilder mbox() {
            format = LocalDeliverySettings.MailboxFormat.MBOX;
            return this;
        }

        SettingsBuilder sizeLimit(long bytes) {
            sizeLimit = bytes;
            return this;
        }

        SettingsBuilder quotaMaps(LookupTable... tables) {
            quotaMaps = List.of(tables);
            return this;
        }

        SettingsBuilder aliases(String spec) {
            try {
                aliasMaps = List.of(registry.openAliases(spec));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return this;
        }

        SettingsBuilder commands(String... contexts) {
            commands = Set.of(contexts);
            return this;
        }

        SettingsBuilder exportEnvironment(String... names) {
            exportEnvironment = List.of(names);
            return this;
        }

        SettingsBuilder defaultPrivs(DefaultPrivs privs) {
            defaultPrivs = Optional.of(privs);
            return this;
        }

        SettingsBuilder luserRelay(String value) {
            luserRelay = value;
            return this;
        }

        SettingsBuilder virtualMaps(LookupTable... tables) {
            virtualMaps = List.of(tables);
            return this;
        }

        SettingsBuilder virtualBase(Path base) {
            virtualBase = Optional.of(base);
            return this;
        }

        LocalDeliverySettings build() {
            return new LocalDeliverySettings("+", format, new MailboxQuota(sizeLimit, quotaMaps), aliasMaps, commands,
                Set.of("alias", "forward"), luserRelay, virtualMaps, virtualBase, home, Duration.ofSeconds(30),
                exportEnvironment, defaultPrivs);
        }
    }

    private LocalCourier courier(SettingsBuilder settings) {
        return courier(settings.build());
    }

    private LocalCourier courier(LocalDeliverySettings settings) {
        LocalMailboxes mailboxes = new LocalMailboxes(List.of("mx.example.com", "localhost"), "mx.example.com",
            new LocalMailboxes.Directory() {
                @Override
                public boolean hasUser(String localPart, String domain) {
                    return USERS.contains(localPart + "@" + domain);
                }

                @Override
                public boolean hostsDomain(Domain domain) {
                    return domain.asString().equals("virtual.example");
                }
            });
        long[] unique = {0};
        Forwarder forwarder = (original, queueId, sender, recipients, prepended) -> {
            forwarded.add(new Forwarded(queueId, sender, recipients, new String(prepended, StandardCharsets.UTF_8)));
            return String.format("%012X", 0xF0 + forwarded.size());
        };
        return new LocalCourier("local", mailboxes, mailRoot, new MaildirNames(clock, "mx.example.com", () -> ++unique[0]),
            clock, settings, forwarder, "mx.example.com");
    }

    private RecipientResult deliver(LocalCourier courier, Mail mail, String recipient) throws Exception {
        List<RecipientResult> results = courier.deliver(new Delivery(QID, mail, List.of(new MailAddress(recipient)),
            new Route("local", ""), NOW));
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private static Mail mail(String raw, String sender) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        return FakeMail.builder().name(QID).mimeMessage(message)
            .sender(sender == null ? MaybeSender.nullSender() : MaybeSender.getMailSender(sender))
            .recipient("placeholder@localhost").build();
    }

    private static String asctime() {
        return DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).format(NOW.atZone(ZoneId.systemDefault()));
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }
}
