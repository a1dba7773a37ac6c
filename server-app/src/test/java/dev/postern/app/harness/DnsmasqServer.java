package dev.postern.app.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsServer;
import dev.postern.dns.DnsType;
import dev.postern.dns.DnsjavaLookup;

/**
 * A real DNS server for end-to-end tests: Debian's dnsmasq (package {@code dnsmasq-base}, which
 * test.sh installs) serving the records a test gives it, authoritatively for {@code test} and
 * {@code in-addr.arpa} (so that a missing name is NXDOMAIN, not a refusal), on a free port of
 * 127.0.0.1. No upstream servers, no /etc/hosts. A missing dnsmasq is a test failure, not a skip.
 */
public final class DnsmasqServer implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/dnsmasq"), Path.of("/usr/bin/dnsmasq"));

    private final List<String> records = new ArrayList<>();
    private final Path directory;
    private final int port;
    private Process process;

    /** @param directory where the configuration and log go (created if needed) */
    public DnsmasqServer(Path directory) {
        this.directory = directory;
        this.port = FreePorts.allocate();
    }

    /** A dnsmasq option line, e.g. {@code host-record=client.example.test,127.0.0.2} (A and PTR). */
    public DnsmasqServer record(String optionLine) {
        records.add(optionLine);
        return this;
    }

    /** An A record without the PTR that {@code host-record} would add. */
    public DnsmasqServer a(String name, String ipv4) {
        StringBuilder hex = new StringBuilder();
        for (String octet : ipv4.split("\\.")) {
            hex.append(String.format("%02x", Integer.parseInt(octet)));
        }
        return record("dns-rr=" + name + ",1," + hex);
    }

    /** RFC 7505's null MX, {@code 0 .}, which dnsmasq's mx-host cannot write. */
    public DnsmasqServer nullMx(String name) {
        return record("dns-rr=" + name + ",15,000000");
    }

    public DnsmasqServer start() {
        Path binary = CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
            "dnsmasq is not installed (Debian package dnsmasq-base): the DNS tests need a real DNS server;"
                + " run ./test.sh, which installs it, or apt-get install dnsmasq-base"));
        List<String> config = new ArrayList<>(List.of(
            "port=" + port, "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts", "no-poll",
            "keep-in-foreground", "pid-file=", "log-queries", "log-facility=-", "local=/test/", "local=/in-addr.arpa/"));
        config.addAll(records);
        try {
            Files.createDirectories(directory);
            Path conf = directory.resolve("dnsmasq.conf");
            Files.write(conf, config, StandardCharsets.UTF_8);
            process = new ProcessBuilder(binary.toString(), "--conf-file=" + conf)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("dnsmasq.log").toFile())
                .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dnsmasq: " + e, e);
        }
        awaitAnswers();
        return this;
    }

    /** Waits until the server answers (NXDOMAIN for a name it does not know is an answer). */
    private void awaitAnswers() {
        DnsjavaLookup probe = new DnsjavaLookup(List.of(new DnsServer("127.0.0.1", port)), Duration.ofMillis(500), 1);
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new AssertionError("dnsmasq exited with status " + process.exitValue() + ": " + log());
            }
            DnsAnswer answer = probe.query("probe-" + System.nanoTime() + ".readiness.test", DnsType.A);
            if (!answer.isTemporaryFailure()) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("dnsmasq on 127.0.0.1:" + port + " does not answer: " + log());
    }

    /** {@code 127.0.0.1:PORT}, the value for {@code postern_dns_servers}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public String log() {
        try {
            Path log = directory.resolve("dnsmasq.log");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the server: afterwards its port answers nothing (ICMP port unreachable). */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
