package dev.postern.testing.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Authoritative DNS for tests: zones the test writes, signed (or not) with keys made at start
 * by ldnsutils' ldns-keygen and ldns-signzone, served by NSD on a loopback port, and the trust
 * anchor (the DS records of the top zones) a validating resolver needs. A zone below another
 * one of the list is delegated from it with its DS record when signed, without one when not (an
 * insecure delegation, provably unsigned); {@link Signing#EXPIRED} signs with signatures that
 * expired in the past, so a validator finds the zone bogus. Debian packages: nsd, ldnsutils.
 */
public final class SignedZones implements AutoCloseable {
    /** How a zone is served. */
    public enum Signing {
        UNSIGNED, SIGNED, EXPIRED
    }

    /**
     * One zone.
     *
     * @param name    the apex, without the trailing dot ({@code test})
     * @param records the records, in zone-file form with names relative to the apex ({@code @},
     *                {@code mx}) or absolute with a dot; SOA and NS are added
     */
    public record Zone(String name, Signing signing, String records) {
        public Zone {
            name = name.toLowerCase(Locale.ROOT);
            Objects.requireNonNull(signing, "signing");
        }

        boolean isBelow(Zone other) {
            return name.endsWith("." + other.name);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final DateTimeFormatter SIGNATURE_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private final Path directory;
    private final int port;
    private final Process nsd;
    private final Path trustAnchorFile;

    private SignedZones(Path directory, int port, Process nsd, Path trustAnchorFile) {
        this.directory = directory;
        this.port = port;
        this.nsd = nsd;
        this.trustAnchorFile = trustAnchorFile;
    }

    /** Signs the zones in {@code directory} and starts NSD on 127.0.0.1 serving them. */
    public static SignedZones start(Path directory, List<Zone> zones) {
        try {
            Files.createDirectories(directory);
            // Children first: a parent zone needs the DS records of its signed children before it is signed.
            List<Zone> ordered = new ArrayList<>(zones);
            ordered.sort((a, b) -> Integer.compare(b.name().split("\\.").length, a.name().split("\\.").length));
            List<String> zoneFiles = new ArrayList<>();
            StringBuilder anchors = new StringBuilder();
            List<Signed> done = new ArrayList<>();
            for (Zone zone : ordered) {
                StringBuilder text = new StringBuilder(header(zone, ordered)).append(zone.records()).append('\n');
                for (Signed child : done) {
                    if (child.zone().isBelow(zone) && directParent(child.zone(), ordered) == zone) {
                        text.append(child.zone().name()).append(". IN NS ns.").append(top(zone, ordered).name()).append(".\n");
                        text.append(child.ds());
                    }
                }
                Signed signed = write(directory, zone, text.toString());
                done.add(signed);
                zoneFiles.add(zone.name() + " " + signed.file());
                if (directParent(zone, ordered) == null) {
                    anchors.append(signed.ds());
                }
            }
            Path anchorFile = directory.resolve("trust-anchors.ds");
            Files.writeString(anchorFile, anchors.toString(), StandardCharsets.UTF_8);
            int port = freePort();
            Path config = directory.resolve("nsd.conf");
            Files.writeString(config, config(directory, port, zoneFiles), StandardCharsets.UTF_8);
            Process nsd = new ProcessBuilder("nsd", "-d", "-c", config.toString()).redirectErrorStream(true)
                .redirectOutput(directory.resolve("nsd.out").toFile()).start();
            SignedZones server = new SignedZones(directory, port, nsd, anchorFile);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Signed(Zone zone, String file, String ds) {
    }

    private static String header(Zone zone, List<Zone> zones) {
        String ns = "ns." + top(zone, zones).name() + ".";
        String apex = zone.name() + ".";
        return "$ORIGIN " + apex + "\n$TTL 300\n"
            + "@ IN SOA " + ns + " hostmaster." + apex + " 1 3600 600 86400 300\n"
            + "@ IN NS " + ns + "\n"
            + (directParent(zone, zones) == null ? "ns." + apex + " IN A 127.0.0.1\n" : "");
    }

    /** The zone of the list this zone is directly below, or null for a top zone. */
    private static Zone directParent(Zone zone, List<Zone> zones) {
        Zone parent = null;
        for (Zone other : zones) {
            if (zone.isBelow(other) && (parent == null || other.name().length() > parent.name().length())) {
                parent = other;
            }
        }
        return parent;
    }

    private static Zone top(Zone zone, List<Zone> zones) {
        Zone parent = directParent(zone, zones);
        return parent == null ? zone : top(parent, zones);
    }

    /** Writes the zone file, signs it as the zone asks; the DS record text when signed. */
    private static Signed write(Path directory, Zone zone, String text) throws IOException {
        Path file = directory.resolve(zone.name() + ".zone");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        if (zone.signing() == Signing.UNSIGNED) {
            return new Signed(zone, file.getFileName().toString(), "");
        }
        String ksk = run(directory, "ldns-keygen", "-a", "ECDSAP256SHA256", "-k", zone.name() + ".").trim();
        String zsk = run(directory, "ldns-keygen", "-a", "ECDSAP256SHA256", zone.name() + ".").trim();
        List<String> sign = new ArrayList<>(List.of("ldns-signzone", "-n", "-f", file + ".signed"));
        if (zone.signing() == Signing.EXPIRED) {
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            sign.addAll(List.of("-i", now.minusDays(30).format(SIGNATURE_TIME), "-e", now.minusDays(1).format(SIGNATURE_TIME)));
        }
        sign.addAll(List.of(file.toString(), ksk, zsk));
        run(directory, sign.toArray(new String[0]));
        String ds = Files.readString(directory.resolve(ksk + ".ds"), StandardCharsets.UTF_8);
        return new Signed(zone, file.getFileName() + ".signed", ds.endsWith("\n") ? ds : ds + "\n");
    }

    private static String config(Path directory, int port, List<String> zoneFiles) {
        StringBuilder text = new StringBuilder("server:\n")
            .append("  ip-address: 127.0.0.1@").append(port).append('\n')
            .append("  port: ").append(port).append('\n')
            .append("  username: \"\"\n  chroot: \"\"\n  database: \"\"\n  server-count: 1\n  verbosity: 1\n")
            // Debian's NSD limits responses per client (RRL); a validator on loopback is one busy client.
            .append("  rrl-ratelimit: 0\n  rrl-whitelist-ratelimit: 0\n")
            .append("  zonesdir: \"").append(directory).append("\"\n")
            .append("  pidfile: \"").append(directory.resolve("nsd.pid")).append("\"\n")
            .append("  xfrdfile: \"").append(directory.resolve("xfrd.state")).append("\"\n")
            .append("  zonelistfile: \"").append(directory.resolve("zone.list")).append("\"\n")
            .append("  logfile: \"").append(directory.resolve("nsd.log")).append("\"\n")
            .append("remote-control:\n  control-enable: no\n");
        for (String zone : zoneFiles) {
            String[] parts = zone.split(" ");
            text.append("zone:\n  name: ").append(parts[0]).append(".\n  zonefile: ").append(parts[1]).append('\n');
        }
        return text.toString();
    }

    private static String run(Path directory, String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
        return output;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                if (!nsd.isAlive() || System.nanoTime() > deadline) {
                    close();
                    throw new IllegalStateException("nsd did not start on 127.0.0.1:" + port + ": " + log());
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private String log() {
        try {
            Path out = directory.resolve("nsd.out");
            Path log = directory.resolve("nsd.log");
            return (Files.exists(out) ? Files.readString(out) : "") + (Files.exists(log) ? Files.readString(log) : "");
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** {@code 127.0.0.1:port}, a {@code postern_dns_servers} value. */
    public String server() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The DS records of the top zones, a {@code postern_dnssec_trust_anchor_file}. */
    public Path trustAnchorFile() {
        return trustAnchorFile;
    }

    @Override
    public void close() {
        nsd.destroy();
        try {
            if (!nsd.waitFor(10, TimeUnit.SECONDS)) {
                nsd.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            nsd.destroyForcibly();
        }
    }
}
