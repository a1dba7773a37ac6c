package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.ExitResult;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.app.harness.RawHttp;
import dev.postern.app.harness.RawHttp.Answer;
import dev.postern.app.harness.SmtpClient;

/**
 * WebAdmin cannot be driven by a web page (issue 14 item 5): requests with an {@code Origin} are refused,
 * so are those whose {@code Host} is not WebAdmin's own address (DNS rebinding), and every route needs the
 * token of var/store/webadmin.token. Administrators use {@code postern user} and {@code postern domain},
 * which send the token themselves; {@code PUT /mailRepositories} cannot create folders outside var/.
 */
class WebAdminSecurityIT {
    private static final String H = "mx.webadmin-it.test";
    private static final String BOB = "bob@" + H;
    private static final String MALLORY = "mallory@" + H;
    private static final String PAGE = "Origin: http://evil.attacker.example";

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /** Shared by both tests: only the command-line test adds a user (and deletes it), never MALLORY. */
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        server = postern.newServer().myhostname(H).start();
    }

    @Test
    void onlyRequestsWithTheTokenFromNoWebPageToItsOwnAddressAreAnswered() throws IOException {
        int port = server.webadminPort();
        String own = "Host: 127.0.0.1:" + port;
        String token = "Authorization: " + server.webAdmin().authorization();
        assertThat(server.webAdmin().users()).as("WebAdmin is up (it starts a moment after SMTP)").doesNotContain(MALLORY);

        Answer answered = RawHttp.exchange(port, "GET", "/users", "", own, token);
        assertThat(answered.status()).as("%s", answered).isEqualTo(200);
        assertThat(RawHttp.exchange(port, "GET", "/users", "", "Host: localhost:" + port, token).status()).isEqualTo(200);
        assertThat(answered.header("Access-Control-Allow-Origin")).as("no CORS invitation").isEmpty();

        Answer preflight = RawHttp.exchange(port, "OPTIONS", "/users/" + MALLORY, "", own, PAGE,
            "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: Content-Type");
        assertThat(preflight.status()).as("%s", preflight).isEqualTo(403);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEmpty();
        Answer fromPage = RawHttp.exchange(port, "PUT", "/users/" + MALLORY, "{\"password\":\"mallory\"}", own, PAGE,
            token, "Content-Type: application/json");
        assertThat(fromPage.status()).as("even with the token: %s", fromPage).isEqualTo(403);
        assertThat(fromPage.body()).contains("Origin");
        assertThat(fromPage.header("Access-Control-Allow-Origin")).isEmpty();

        for (String foreign : List.of("Host: rebind.attacker.example", "Host: rebind.attacker.example:" + port)) {
            Answer flush = RawHttp.exchange(port, "POST", "/postern/queue/flush", "", foreign, token);
            assertThat(flush.status()).as("%s: %s", foreign, flush).isEqualTo(403);
            assertThat(flush.body()).contains("127.0.0.1:" + port);
            assertThat(RawHttp.exchange(port, "POST", "/postern/queue/delete?id=ALL", "", foreign, token).status())
                .isEqualTo(403);
        }

        for (String path : List.of("/users", "/domains", "/healthcheck", "/metrics", "/status", "/postern/queue",
                "/mailQueues/spool", "/no/such/route")) {
            Answer bare = RawHttp.exchange(port, "GET", path, "", own);
            assertThat(bare.status()).as("GET %s without a token: %s", path, bare).isEqualTo(401);
            assertThat(bare.header("WWW-Authenticate")).hasValue("Bearer realm=\"postern\"");
            assertThat(RawHttp.exchange(port, "GET", path, "", own, "Authorization: Bearer not-the-token").status())
                .as("GET %s with a wrong token", path).isEqualTo(401);
        }
        assertThat(RawHttp.exchange(port, "PUT", "/users/" + MALLORY, "{\"password\":\"mallory\"}", own,
            "Content-Type: application/json").status()).isEqualTo(401);
        assertThat(RawHttp.exchange(port, "POST", "/postern/queue/flush", "", own, token.replace("Bearer", "Basic"))
            .status()).isEqualTo(401);

        assertThat(server.webAdmin().users()).as("none of the refused requests created a user").doesNotContain(MALLORY);
        assertThat(RawHttp.exchange(port, "GET", "/healthcheck", "", own, token).status()).isEqualTo(200);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.webAdminTokenFile())))
            .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.webAdminTokenFile().getParent())))
            .isEqualTo("rwx------");
    }

    @Test
    void administratorsUseTheCommandLineAndRepositoriesStayUnderVar() {

        ExitResult add = server.runCommandWithInput("first pass\n", "user", "add", BOB);
        assertThat(add.exitCode()).as("%s", add).isZero();
        assertThat(add.stdout()).contains("postern: user " + BOB + " added");
        assertThat(authenticates(server, BOB, "first pass")).isTrue();
        assertThat(server.runCommand("user", "list").stdoutLines()).contains(BOB);

        ExitResult again = server.runCommandWithInput("other\n", "user", "add", BOB);
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).contains("user " + BOB + " exists");
        assertThat(server.runCommandWithInput("second pass\n", "user", "password", BOB).exitCode()).isZero();
        assertThat(authenticates(server, BOB, "first pass")).isFalse();
        assertThat(authenticates(server, BOB, "second pass")).isTrue();
        ExitResult noPassword = server.runCommandWithInput("", "user", "add", MALLORY);
        assertThat(noPassword.exitCode()).as("%s", noPassword).isEqualTo(2);
        assertThat(noPassword.stderr()).contains("no password");

        assertThat(server.runCommand("user", "delete", BOB).exitCode()).isZero();
        assertThat(server.runCommand("user", "list").stdoutLines()).doesNotContain(BOB);
        assertThat(authenticates(server, BOB, "second pass")).isFalse();
        ExitResult gone = server.runCommand("user", "delete", BOB);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.stderr()).contains("no user " + BOB);

        assertThat(server.runCommand("domain", "add", "virtual.example").exitCode()).isZero();
        assertThat(server.runCommand("domain", "list").stdoutLines()).contains(H, "virtual.example");
        assertThat(server.runCommand("domain", "delete", "virtual.example").exitCode()).isZero();
        assertThat(server.runCommand("domain", "list").stdoutLines()).contains(H).doesNotContain("virtual.example");
        ExitResult configured = server.runCommand("domain", "delete", H);
        assertThat(configured.exitCode()).isEqualTo(1);
        assertThat(configured.stderr()).contains("main.cf");

        Set<String> homeBefore = entries(server.home());
        String own = "Host: 127.0.0.1:" + server.webadminPort();
        String token = "Authorization: " + server.webAdmin().authorization();
        for (String encoded : List.of("x", "~", "..%5Cwa3", "var%2F..%2Fwa4", "var%2Fspool%2F..%2F..%2F..%2Fwa5")) {
            Answer created = RawHttp.exchange(server.webadminPort(), "PUT", "/mailRepositories/" + encoded + "?protocol=file",
                "", own, token);
            assertThat(created.status()).as("%s: %s", encoded, created).isEqualTo(400);
            assertThat(created.body()).contains("mail repositories can only be created under var/");
        }
        assertThat(entries(server.home())).as("no folder appeared in the home").isEqualTo(homeBefore);
        assertThat(entries(server.home().getParent())).noneMatch(name -> name.startsWith("wa"));
        Answer underVar = RawHttp.exchange(server.webadminPort(), "PUT", "/mailRepositories/var%2Fspool%2Fsite?protocol=file",
            "", own, token);
        assertThat(underVar.status()).as("%s", underVar).isEqualTo(204);
        assertThat(server.varDir().resolve("spool/site")).isDirectory();
    }

    private static boolean authenticates(PosternProcess server, String user, String password) {
        try (SmtpClient client = SmtpClient.connect(server.submissionPort())) {
            client.ehlo("laptop.example");
            assertThat(client.starttls().code()).isEqualTo(220);
            client.ehlo("laptop.example");
            int code = client.authLogin(user, password).code();
            client.quit();
            return code == 235;
        }
    }

    /** The names in a folder, the harness's own command files left out. */
    private static Set<String> entries(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(name -> !name.startsWith("command-"))
                .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
