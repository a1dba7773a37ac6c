package dev.postern.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableRegistry;
import dev.postern.testing.tables.Slapd;
import dev.postern.testing.tables.SocketmapServer;
import dev.postern.testing.tables.TcpTableServer;

/**
 * One lookup in an ldap:, socketmap: or tcp: table, opened through {@link TableRegistry} as the
 * server opens it (kept connection, request encoding, reply parsing), against a server on loopback
 * started here: OpenLDAP's slapd with {@value #ENTRIES} recipients (unindexed filter), or test-support's
 * socketmap and tcp_table servers, which answer from the key alone. A key that is there and one that
 * is not. The mean latency in µs; lookups/s with {@code -bm thrpt -tu s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NetworkTableBenchmark {
    private static final int ENTRIES = 100;
    private static final String PEOPLE = "ou=people," + Slapd.SUFFIX;

    @Param({"ldap", "socketmap", "tcp"})
    public String type;

    private AutoCloseable server;
    private Path dir;
    private TableRegistry registry;
    private LookupTable table;

    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("postern-bench-net");
        String spec = switch (type) {
            case "ldap" -> {
                Slapd slapd = Slapd.start(Files.createDirectory(dir.resolve("slapd")), recipients());
                server = slapd;
                Files.write(dir.resolve("alias.cf"), List.of("server_host = " + slapd.url(), "search_base = " + PEOPLE,
                    "version = 3", "bind_dn = " + Slapd.ROOT_DN, "bind_pw = " + Slapd.ROOT_PW,
                    "query_filter = (mailLocalAddress=%s)", "result_attribute = mailRoutingAddress"));
                yield "ldap:alias.cf";
            }
            case "socketmap" -> {
                SocketmapServer socketmap = SocketmapServer.onLoopback(0, request -> request.startsWith("alias user")
                    ? "OK mailbox@example.net" : "NOTFOUND ");
                server = socketmap;
                yield "socketmap:inet:127.0.0.1:" + socketmap.port() + ":alias";
            }
            default -> {
                TcpTableServer tcp = TcpTableServer.onLoopback(0, request -> request.startsWith("get user")
                    ? "200 mailbox@example.net" : "500 not found");
                server = tcp;
                yield "tcp:127.0.0.1:" + tcp.port();
            }
        };
        registry = new TableRegistry(dir);
        table = registry.open(spec);
        if (table.lookup("user0@example.com").isEmpty()) {
            throw new IllegalStateException(spec + ": user0@example.com not found; the benchmark would time misses only");
        }
    }

    /** {@value #ENTRIES} recipients below {@link #PEOPLE}, as LDIF. */
    private static String recipients() {
        StringBuilder ldif = new StringBuilder("dn: " + PEOPLE + "\nobjectClass: organizationalUnit\nou: people\n\n");
        for (int i = 0; i < ENTRIES; i++) {
            ldif.append("dn: uid=user").append(i).append(',').append(PEOPLE).append('\n')
                .append("objectClass: inetOrgPerson\nobjectClass: inetLocalMailRecipient\n")
                .append("uid: user").append(i).append("\ncn: User ").append(i).append("\nsn: U\n")
                .append("mailLocalAddress: user").append(i).append("@example.com\n")
                .append("mailRoutingAddress: mailbox").append(i).append("@example.net\n\n");
        }
        return ldif.toString();
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        registry.close();
        server.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public Optional<String> hit() throws LookupException {
        return table.lookup("user" + ThreadLocalRandom.current().nextInt(ENTRIES) + "@example.com");
    }

    @Benchmark
    public Optional<String> miss() throws LookupException {
        return table.lookup("nobody" + ThreadLocalRandom.current().nextInt(ENTRIES) + "@example.com");
    }
}
