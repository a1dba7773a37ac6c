package dev.postern.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyServiceClientTest {
    private static final Map<String, String> REQUEST = request("RCPT", "bob@example.com");

    private static Map<String, String> request(String state, String recipient) {
        Map<String, String> request = new LinkedHashMap<>();
        request.put("request", "smtpd_access_policy");
        request.put("protocol_state", state);
        request.put("recipient", recipient);
        request.put("sender", "");
        return request;
    }

    private static PolicyServiceClient client(String spec, PolicyServiceSettings settings) {
        return new PolicyServiceClient(PolicyServiceAddress.parse(spec, Path.of("var")), settings);
    }

    @Test
    void sendsTheAttributesInOrderAndReadsTheAction() throws IOException {
        try (TinyPolicyServer server = new TinyPolicyServer(r -> "REJECT not for " + r.get("recipient"));
             PolicyServiceClient client = client(server.spec(), PolicyServiceSettings.DEFAULTS)) {
            PolicyServiceClient.Answer answer = client.ask(REQUEST);

            assertThat(answer.action()).isEqualTo("REJECT not for bob@example.com");
            assertThat(answer.warnings()).isEmpty();
            assertThat(server.requests()).hasSize(1);
            assertThat(List.copyOf(server.requests().get(0).entrySet())).containsExactlyElementsOf(REQUEST.entrySet());
        }
    }

    @Test
    void reusesOneConnectionForLaterRequests() throws IOException {
        try (TinyPolicyServer server = new TinyPolicyServer(r -> "DUNNO");
             PolicyServiceClient client = client(server.spec(), PolicyServiceSettings.DEFAULTS)) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.ask(request("RCPT", "r" + i + "@example.com")).action()).isEqualTo("DUNNO");
            }
            assertThat(server.requests()).hasSize(3);
            assertThat(server.connections()).isEqualTo(1);
            assertThat(client.idleConnections()).isEqualTo(1);
        }
    }

    @Test
    void requestLimitOpensANewConnection() throws IOException {
        PolicyServiceSettings settings = PolicyServiceSettings.DEFAULTS.with("test", "request_limit", "2");
        try (TinyPolicyServer server = new TinyPolicyServer(r -> "DUNNO");
             PolicyServiceClient client = client(server.spec(), settings)) {
            for (int i = 0; i < 5; i++) {
                client.ask(REQUEST);
            }
            assertThat(server.connections()).isEqualTo(3);
        }
    }

    @Test
    void maxIdleAndMaxTtlCloseOldConnections() throws IOException {
        AtomicLong now = new AtomicLong();
        PolicyServiceSettings settings = PolicyServiceSettings.DEFAULTS.with("test", "max_idle", "10s")
            .with("test", "max_ttl", "25s");
        try (TinyPolicyServer server = new TinyPolicyServer(r -> "DUNNO");
             PolicyServiceClient client = new PolicyServiceClient(PolicyServiceAddress.parse(server.spec(), Path.of("var")), settings, now::get)) {
            client.ask(REQUEST);
            now.addAndGet(Duration.ofSeconds(9).toNanos());
            client.ask(REQUEST); // idle 9s: reused
            assertThat(server.connections()).isEqualTo(1);
            now.addAndGet(Duration.ofSeconds(11).toNanos());
            client.ask(REQUEST); // idle 11s: a new one
            assertThat(server.connections()).isEqualTo(2);
            for (int i = 0; i < 3; i++) {
                now.addAndGet(Duration.ofSeconds(9).toNanos());
                client.ask(REQUEST); // never idle 10s, but the second connection reaches 25s at the third
            }
            assertThat(server.connections()).isEqualTo(3);
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterMaxIdleWithoutAnotherRequest() throws Exception {
        PolicyServiceSettings settings = PolicyServiceSettings.DEFAULTS.with("test", "max_idle", "2s");
        try (TinyPolicyServer server = new TinyPolicyServer(r -> "DUNNO");
             PolicyServiceClient client = client(server.spec(), settings)) {
            client.ask(REQUEST);
            long idleSince = System.nanoTime();
            assertThat(client.idleConnections()).isEqualTo(1);
            Thread.sleep(300);
            int closedEarly = server.closedByClient();
            // a loaded machine may oversleep past max_idle: only a check made within it says anything
            if (Duration.ofNanos(System.nanoTime() - idleSince).compareTo(Duration.ofMillis(1500)) < 0) {
                assertThat(closedEarly).as("still within max_idle").isZero();
            }

            awaitClosedByClient(server, 1, Duration.ofSeconds(5));
            assertThat(client.idleConnections()).isZero();
            assertThat(client.ask(REQUEST).action()).isEqualTo("DUNNO");
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void closeEndsTheIdleConnectionsAndKeepsNoneAfterwards() throws Exception {
        try (TinyPolicyServer server = new TinyPolicyServer(r -> "DUNNO");
             PolicyServiceClient client = client(server.spec(), PolicyServiceSettings.DEFAULTS)) {
            client.ask(REQUEST);
            client.close();
            awaitClosedByClient(server, 1, Duration.ofSeconds(5));

            // A session of the replaced configuration still asks: it is answered, and nothing stays open.
            assertThat(client.ask(REQUEST).action()).isEqualTo("DUNNO");
            assertThat(client.idleConnections()).isZero();
            awaitClosedByClient(server, 2, Duration.ofSeconds(5));
        }
    }

    private static void awaitClosedByClient(TinyPolicyServer server, int count, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (server.closedByClient() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(server.closedByClient()).isEqualTo(count);
    }

    @Test
    void aServerThatDoesNotAnswerTimesOutAfterTheTryLimit() throws IOException {
        PolicyServiceSettings settings = PolicyServiceSettings.DEFAULTS.with("test", "timeout", "1s")
            .with("test", "retry_delay", "1s").with("test", "try_limit", "2");
        try (TinyPolicyServer server = new TinyPolicyServer(r -> null);
             PolicyServiceClient client = client(server.spec(), settings)) {
            long start = System.nanoTime();
            PolicyServiceClient.Answer answer = client.ask(REQUEST);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(answer.failed()).isTrue();
            String name = server.spec().substring("inet:".length());
            assertThat(answer.warnings()).containsExactly(
                "problem talking to server " + name + ": read timeout after 1s",
                "problem talking to server " + name + ": read timeout after 1s");
            assertThat(server.connections()).isEqualTo(2);
            assertThat(took).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(10));
        }
    }

    @Test
    void aServerThatIsDownFailsEachTry() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        PolicyServiceSettings settings = PolicyServiceSettings.DEFAULTS.with("test", "retry_delay", "1s")
            .with("test", "try_limit", "3");
        try (PolicyServiceClient client = client("inet:127.0.0.1:" + port, settings)) {
            PolicyServiceClient.Answer answer = client.ask(REQUEST);

            assertThat(answer.failed()).isTrue();
            assertThat(answer.warnings()).hasSize(3)
                .allMatch(w -> w.equals("problem talking to server 127.0.0.1:" + port + ": Connection refused"));
        }
    }

    @Test
    void aReplyWithoutActionIsAFailure() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            int port = ((java.net.InetSocketAddress) listener.getLocalAddress()).getPort();
            Thread answering = new Thread(() -> {
                for (int i = 0; i < 1; i++) {
                    try (SocketChannel peer = listener.accept()) {
                        readRequest(peer);
                        peer.write(ByteBuffer.wrap("result=yes\n\n".getBytes(StandardCharsets.UTF_8)));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            answering.start();
            PolicyServiceSettings settings = PolicyServiceSettings.DEFAULTS.with("test", "try_limit", "1");
            try (PolicyServiceClient client = client("inet:127.0.0.1:" + port, settings)) {
                PolicyServiceClient.Answer answer = client.ask(REQUEST);
                assertThat(answer.failed()).isTrue();
                assertThat(answer.warnings()).containsExactly(
                    "problem talking to server 127.0.0.1:" + port + ": reply has no action attribute");
            }
        }
    }

    @Test
    void unixSocketRelativeToTheSocketDirectory(@TempDir Path dir) throws IOException, InterruptedException {
        // Postfix's unix:private/policy is under its queue directory; Postern's under var/
        Files.createDirectories(dir.resolve("private"));
        Path path = dir.resolve("private/policy");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(path))) {
            Thread answering = new Thread(() -> {
                try (SocketChannel peer = listener.accept()) {
                    for (int i = 0; i < 2; i++) {
                        String request = readRequest(peer);
                        String state = request.lines().filter(l -> l.startsWith("protocol_state=")).findFirst().orElse("");
                        peer.write(ByteBuffer.wrap(("action=DEFER_IF_PERMIT seen " + state + "\n\n")
                            .getBytes(StandardCharsets.UTF_8)));
                    }
                } catch (IOException e) {
                    // the test fails on the missing answer
                }
            });
            answering.start();
            PolicyServiceAddress address = PolicyServiceAddress.parse("unix:private/policy", dir);
            assertThat(address.path()).isEqualTo(path.toAbsolutePath());
            assertThat(PolicyServiceAddress.parse("unix:" + path, Path.of("elsewhere")).path()).isEqualTo(path);
            try (PolicyServiceClient client = new PolicyServiceClient(address, PolicyServiceSettings.DEFAULTS)) {
                assertThat(client.ask(request("MAIL", "")).action()).isEqualTo("DEFER_IF_PERMIT seen protocol_state=MAIL");
                assertThat(client.ask(request("RCPT", "x@y")).action()).isEqualTo("DEFER_IF_PERMIT seen protocol_state=RCPT");
            }
            answering.join(5000);
        }
    }

    @Test
    void addressesAndSettingsAreCheckedWhenRead() {
        assertThatThrownBy(() -> PolicyServiceAddress.parse("inet:127.0.0.1", Path.of("var")))
            .hasMessage("\"inet:127.0.0.1\": expected inet:host:port");
        assertThatThrownBy(() -> PolicyServiceAddress.parse("unix:", Path.of("var")))
            .hasMessage("\"unix:\": expected unix:/path or unix:name under var/");
        assertThatThrownBy(() -> PolicyServiceAddress.parse("tcp:1.2.3.4:5", Path.of("var")))
            .hasMessage("\"tcp:1.2.3.4:5\": expected inet:host:port or unix:/path");
        assertThatThrownBy(() -> PolicyServiceSettings.fromParameters(
                Map.of("smtpd_policy_service_try_limit", "0")::get))
            .hasMessage("smtpd_policy_service_try_limit: the value must be at least 1, not 0");
        assertThat(PolicyServiceSettings.fromParameters(Map.of("smtpd_policy_service_timeout", "2m")::get).timeout())
            .isEqualTo(Duration.ofMinutes(2));
    }

    /** Reads one request (up to its empty line) from a blocking channel. */
    private static String readRequest(SocketChannel peer) throws IOException {
        StringBuilder text = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!text.toString().endsWith("\n\n")) {
            one.clear();
            if (peer.read(one) < 0) {
                throw new IOException("closed");
            }
            text.append((char) one.get(0));
        }
        return text.toString();
    }
}
