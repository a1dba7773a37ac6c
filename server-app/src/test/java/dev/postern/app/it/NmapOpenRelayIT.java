package dev.postern.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.postern.app.harness.Await;
import dev.postern.app.harness.PosternExtension;
import dev.postern.app.harness.PosternProcess;
import dev.postern.testing.smtp.SmtpSink;

/**
 * Debian's nmap runs its NSE script {@code smtp-open-relay} (16 MAIL FROM/RCPT TO combinations in
 * one session, see docs/testing.md) against the MX listener as a real process. From
 * 127.0.0.2, outside {@code mynetworks = 127.0.0.1/32}, it must find no open relay; from 127.0.0.1,
 * inside {@code mynetworks}, Postern relays as Postfix does and nmap must say so, which shows that
 * the first check can fail.
 *
 * <p>The listener is on a free port, not 25/465/587, and the script's port rule also accepts a port
 * whose service is {@code smtp}: {@code -sV} (service detection) identifies it from Postern's
 * replies. {@code -sT} (connect scan) uses ordinary sockets; {@code -S ADDR -e lo} makes nmap bind
 * its scan, service probes and script connections to ADDR (without {@code -e lo} nmap cannot pick an
 * interface for 127.0.0.2 and quits).
 */
class NmapOpenRelayIT {
    private static final String H = "mx.nmap-it.test";
    private static final String VICTIM = "victim.example";
    /** The Java side's bound on one nmap run; nmap's own {@code --host-timeout} is shorter. */
    private static final Duration NMAP_TIMEOUT = Duration.ofSeconds(180);
    private static final String NO_RELAY = "smtp-open-relay: Server doesn't seem to be an open relay, all tests failed";
    private static final Pattern OPEN_RELAY = Pattern.compile("Server is an open relay \\((\\d+)/16 tests\\)");

    @RegisterExtension
    static final PosternExtension postern = new PosternExtension();
    /**
     * Shared by both tests: each runs nmap from its own address and reads only that address's sessions;
     * nmap never sends DATA, so the sink must stay empty whichever test ran first.
     */
    private static SmtpSink sink;
    private static PosternProcess server;

    @BeforeAll
    static void startSharedServer() {
        sink = postern.newSink();
        server = postern.newServer().myhostname(H).relayhost(sink).mynetworks("127.0.0.1/32").start();
    }

    @Test
    void nmapFindsNoOpenRelayFromAnUntrustedAddress() {
        String nmap = nmapExecutable();

        String output = runNmap(nmap, server, "127.0.0.2");

        assertThat(output).as("nmap output").containsPattern(serviceLine(server));
        assertThat(output).as("nmap output").contains(NO_RELAY).doesNotContain("Server is an open relay");
        // The script's one session, as Postern saw it: 16 transactions, every recipient refused.
        server.awaitMaillogLine("the script's session from 127.0.0.2 ending", Duration.ofSeconds(10),
            line -> line.matches(".* postern/smtpd\\[\\d+\\]: disconnect from unknown\\[127\\.0\\.0\\.2\\] ehlo=1 .*mail=16 rcpt=0/16 .*"));
        List<String> rejects = server.maillogLines().stream()
            .filter(line -> line.contains("NOQUEUE: reject: RCPT from unknown[127.0.0.2]: "))
            .toList();
        assertThat(rejects).as("RCPT rejects from 127.0.0.2 in the mail log").hasSize(16)
            .allMatch(line -> line.endsWith(" proto=ESMTP helo=<" + VICTIM + ">"))
            .anyMatch(line -> line.contains(": 454 4.7.1 <relaytest@" + VICTIM + ">: Relay access denied; from=<> to=<relaytest@"
                + VICTIM + ">"));
        Await.holdsFor("nothing relayed", Duration.ofSeconds(2), () -> sink.messageCount() == 0);
    }

    @Test
    void nmapReportsTheOpenRelayThatMynetworksIs() {
        String nmap = nmapExecutable();

        String output = runNmap(nmap, server, "127.0.0.1");

        assertThat(output).as("nmap output").containsPattern(serviceLine(server)).doesNotContain(NO_RELAY);
        Matcher verdict = OPEN_RELAY.matcher(output);
        assertThat(verdict.find()).as("nmap reports an open relay for a mynetworks client:%n%s", output).isTrue();
        int accepted = Integer.parseInt(verdict.group(1));
        assertThat(output).contains("MAIL FROM:<> -> RCPT TO:<relaytest@" + VICTIM + ">");
        // nmap's count is Postern's: the accepted recipients of the script's session.
        String disconnect = server.awaitMaillogLine("the script's session from 127.0.0.1 ending", Duration.ofSeconds(10),
            line -> line.matches(".* postern/smtpd\\[\\d+\\]: disconnect from localhost\\[127\\.0\\.0\\.1\\] ehlo=1 .*mail=16 .*"));
        assertThat(disconnect).contains(" rcpt=" + accepted + "/16 ");
    }

    /** The port line of nmap's report: open, and service detection called it smtp. */
    private static String serviceLine(PosternProcess server) {
        return "(?m)^" + server.smtpPort() + "/tcp\\s+open\\s+smtp\\s";
    }

    /**
     * Runs nmap from {@code source} against the MX listener, bounded by {@link #NMAP_TIMEOUT}, keeps its
     * output in the server's home and returns it after checking that nmap ended with status 0.
     */
    private static String runNmap(String nmap, PosternProcess server, String source) {
        List<String> command = List.of(nmap, "-n", "-Pn", "-sT", "-sV", "-vv",
            "-S", source, "-e", "lo",
            "-p", String.valueOf(server.smtpPort()),
            "--host-timeout", "150s",
            "--script", "smtp-open-relay",
            "--script-args", "smtp-open-relay.domain=" + VICTIM + ",smtp-open-relay.ip=127.0.0.1",
            "127.0.0.1");
        Path out = server.home().resolve("nmap-from-" + source + ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean ended = process.waitFor(NMAP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            System.out.println("[NmapOpenRelayIT] " + String.join(" ", command) + "\n" + output);
            assertThat(ended).as("nmap ended within %s; it was killed. Output so far:%n%s", NMAP_TIMEOUT, output).isTrue();
            assertThat(process.exitValue()).as("nmap's exit status; output:%n%s", output).isZero();
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while nmap ran", e);
        }
    }

    /** nmap from PATH; its absence fails the test (./test.sh installs Debian's nmap package). */
    private static String nmapExecutable() {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "nmap");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("nmap is not installed (not found on PATH=" + path + "): this test runs Debian's"
            + " `nmap --script smtp-open-relay`; ./test.sh installs it, or run `apt-get install -y nmap`");
    }
}
