package dev.postern.delivery.smtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Postfix's TLS protocol lists ({@code smtp_tls_protocols}, {@code protocols=}): names to allow
 * ({@code TLSv1.2 TLSv1.3}), names to leave out ({@code !SSLv3 !TLSv1}) and bounds
 * ({@code >=TLSv1.2}, {@code <=TLSv1.3}), separated by spaces, commas or colons. What is left is
 * intersected with what the JVM enables, so an allowed but disabled protocol is never turned on.
 */
final class TlsProtocols {
    /** Oldest first: the order the bounds compare in. SSLv2 has no Java implementation at all. */
    private static final List<String> KNOWN = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private TlsProtocols() {
    }

    /**
     * @return the protocols allowed, in Java's names
     * @throws IllegalArgumentException naming {@code where} and the unknown protocol
     */
    static Set<String> parse(String where, String text) {
        List<String> include = new ArrayList<>();
        Set<String> excluded = new LinkedHashSet<>();
        int lowest = 0;
        int highest = KNOWN.size() - 1;
        for (String word : text.trim().split("[\\s,:]+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (word.startsWith(">=")) {
                lowest = Math.max(lowest, index(where, word.substring(2)));
            } else if (word.startsWith("<=")) {
                highest = Math.min(highest, index(where, word.substring(2)));
            } else if (word.startsWith("!")) {
                excluded.add(KNOWN.get(index(where, word.substring(1))));
            } else {
                include.add(KNOWN.get(index(where, word)));
            }
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (int i = lowest; i <= highest; i++) {
            String protocol = KNOWN.get(i);
            if ((include.isEmpty() || include.contains(protocol)) && !excluded.contains(protocol)) {
                allowed.add(protocol);
            }
        }
        return allowed;
    }

    /** The JVM's enabled protocols that {@code text} allows; empty when none is left. */
    static String[] enabled(String where, String text, String[] jvmEnabled) {
        Set<String> allowed = parse(where, text);
        return Arrays.stream(jvmEnabled).filter(allowed::contains).toArray(String[]::new);
    }

    private static int index(String where, String name) {
        for (int i = 0; i < KNOWN.size(); i++) {
            if (KNOWN.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(where + ": unknown TLS protocol \"" + name + "\" (expected "
            + String.join(", ", KNOWN).toLowerCase(Locale.ROOT).replace("sslv", "SSLv").replace("tlsv", "TLSv") + ")");
    }
}
