package dev.postern.delivery.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The TLS policy of one next hop: a security level and its attributes, as an
 * {@code smtp_tls_policy_maps} entry writes them ({@code secure match=nexthop:.example.com
 * protocols=>=TLSv1.2}) or as main.cf's {@code smtp_tls_*} defaults give them.
 *
 * @param level      the security level
 * @param match      what the server certificate must match: names and the strategies
 *                   {@code hostname}, {@code nexthop}, {@code dot-nexthop} (verify, secure), or
 *                   certificate and public-key fingerprints (fingerprint); unused at other levels
 * @param servername the TLS SNI name: empty for the server's host name (Postern's default),
 *                   {@code hostname} for the same, or an explicit name
 * @param ciphers    the cipher grade ({@code export}, {@code low}, {@code medium}, {@code high}, {@code null})
 * @param protocols  the TLS protocols, Postfix's syntax ({@code >=TLSv1.2}, {@code !SSLv3 !TLSv1})
 * @param exclude    cipher names or name parts to leave out
 */
public record TlsPolicy(TlsLevel level, List<String> match, String servername, String ciphers, String protocols,
                        List<String> exclude) {

    public TlsPolicy {
        match = List.copyOf(match);
        exclude = List.copyOf(exclude);
    }

    /**
     * What the record would print, written out: the SMTP client's session cache keys each delivery's
     * sessions by it, and the generated form runs {@code String.format} on every call.
     */
    @Override
    public String toString() {
        return "TlsPolicy[level=" + level + ", match=" + match + ", servername=" + servername + ", ciphers=" + ciphers
            + ", protocols=" + protocols + ", exclude=" + exclude + "]";
    }

    /** A policy with only a level, everything else at Postern's defaults. */
    public static TlsPolicy of(TlsLevel level) {
        return new TlsPolicy(level, List.of(), "", "medium", ">=TLSv1", List.of());
    }

    /** The same policy with other certificate match patterns (MTA-STS: the MX host name). */
    public TlsPolicy withMatch(List<String> other) {
        return new TlsPolicy(level, other, servername, ciphers, protocols, exclude);
    }

    /** The same policy at another level: DANE and MTA-STS raise or lower a destination's level. */
    public TlsPolicy withLevel(TlsLevel other) {
        return new TlsPolicy(other, match, servername, ciphers, protocols, exclude);
    }

    /**
     * Reads the value of an {@code smtp_tls_policy_maps} entry: a level, then {@code name=value}
     * attributes. Attributes the entry leaves out keep the values of {@code defaults} (main.cf);
     * {@code match=} given at one level replaces the default list of that level.
     *
     * @param where names the entry in messages ({@code smtp_tls_policy_maps: hash:/etc/postfix/tls_policy: "example.com"})
     * @param defaults the policy main.cf gives each level, by level
     * @throws IllegalArgumentException naming {@code where} and what is wrong
     */
    public static TlsPolicy parse(String value, String where, Function<TlsLevel, TlsPolicy> defaults) {
        String[] words = value.trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException(where + ": empty TLS policy");
        }
        TlsLevel level;
        try {
            level = TlsLevel.parse(where, words[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": unknown TLS security level \"" + words[0]
                + "\" (expected none, may, dane, dane-only, fingerprint, encrypt, verify or secure)", e);
        }
        TlsPolicy base = defaults.apply(level);
        List<String> match = base.match();
        String servername = base.servername();
        String ciphers = base.ciphers();
        String protocols = base.protocols();
        List<String> exclude = base.exclude();
        List<String> matches = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            String word = words[i];
            int equals = word.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(where + ": \"" + word + "\" is not name=value");
            }
            String name = word.substring(0, equals).toLowerCase(Locale.ROOT);
            String attribute = word.substring(equals + 1);
            switch (name) {
                case "match" -> matches.addAll(splitMatch(level, attribute));
                case "servername" -> servername = attribute;
                case "ciphers" -> ciphers = TlsCiphers.grade(where + ": ciphers", attribute);
                case "protocols" -> protocols = attribute;
                // A policy table cannot hold spaces in a value: Postfix separates with ":".
                case "exclude" -> exclude = List.of(attribute.split("[:,\\s]+"));
                // tafile= (dane) and connection_reuse=, enable_rpk= are Postfix features Postern
                // has no use for yet; an unknown name is a mistake worth stopping for.
                case "tafile", "connection_reuse" -> { }
                default -> throw new IllegalArgumentException(where + ": unknown attribute \"" + name
                    + "\" (expected match, servername, ciphers, protocols, exclude)");
            }
        }
        if (!matches.isEmpty()) {
            match = matches;
        }
        TlsProtocols.parse(where + ": protocols", protocols);
        return new TlsPolicy(level, match, servername, ciphers, protocols, exclude);
    }

    /** verify and secure separate match patterns with ":", fingerprint with "|" (fingerprints hold colons). */
    private static List<String> splitMatch(TlsLevel level, String attribute) {
        String separator = level == TlsLevel.FINGERPRINT ? "\\|" : ":";
        List<String> parts = new ArrayList<>();
        for (String part : attribute.split(separator)) {
            if (!part.isBlank()) {
                parts.add(part.trim());
            }
        }
        return parts;
    }

    /** The SNI name for {@code target} (TlsContexts sends none when it is an IP address). */
    public Optional<String> sniName(Target target) {
        String name = servername.isEmpty() || servername.equalsIgnoreCase("hostname") ? target.hostname() : servername;
        return Optional.of(name);
    }
}
