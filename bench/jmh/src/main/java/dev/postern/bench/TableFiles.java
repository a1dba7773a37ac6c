package dev.postern.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The table files the benchmarks read, written once per run into a temporary folder. */
final class TableFiles {
    static final int HASH_ENTRIES = 1_000_000;
    static final int CIDR_ENTRIES = 100_000;
    static final int REGEXP_ENTRIES = 1_000;

    private TableFiles() {
    }

    /** user{i}@domain{i % 10000}.example -> OK{i} */
    static String hashKey(int i) {
        return "user" + i + "@domain" + (i % 10_000) + ".example";
    }

    static Path hash(Path dir) {
        return write(dir.resolve("access"), out -> {
            for (int i = 0; i < HASH_ENTRIES; i++) {
                out.write(hashKey(i) + " OK" + i + "\n");
            }
        });
    }

    /**
     * The {@link #hash} keys with access(5) actions, for check_sender_access: a sender
     * blacklist. The plain hash file's values ({@code OK123}) are not access actions and would
     * be read as a restriction name, i.e. a configuration error.
     */
    static Path senderAccess(Path dir) {
        return write(dir.resolve("sender_access"), out -> {
            for (int i = 0; i < HASH_ENTRIES; i++) {
                out.write(hashKey(i) + " REJECT sender " + i + " is blocked\n");
            }
        });
    }

    /** 100,000 /24 networks in 10.0.0.0/8 and 172.16.0.0/12, one result each. */
    static Path cidr(Path dir) {
        return write(dir.resolve("clients.cidr"), out -> {
            for (int i = 0; i < CIDR_ENTRIES; i++) {
                out.write(cidrNetwork(i) + " REJECT " + i + "\n");
            }
        });
    }

    static String cidrNetwork(int i) {
        int first = i < 65_536 ? 10 : 172;
        int index = i < 65_536 ? i : i - 65_536 + 16 * 256;
        return first + "." + ((index >> 8) & 0xff) + "." + (index & 0xff) + ".0/24";
    }

    static String cidrAddress(int i) {
        return cidrNetwork(i).replace(".0/24", ".77");
    }

    static Path regexp(Path dir) {
        return write(dir.resolve("senders.regexp"), out -> {
            for (int i = 0; i < REGEXP_ENTRIES; i++) {
                out.write("/^user" + i + "@(.+)\\.example$/ REJECT $1 number " + i + "\n");
            }
        });
    }

    private interface Body {
        void write(BufferedWriter out) throws IOException;
    }

    private static Path write(Path file, Body body) {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            body.write(out);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
