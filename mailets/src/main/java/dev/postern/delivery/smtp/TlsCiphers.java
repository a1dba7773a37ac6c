package dev.postern.delivery.smtp;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Cipher choice for the SMTP client: Postfix's grades ({@code smtp_tls_ciphers},
 * {@code ciphers=}) and exclusions ({@code smtp_tls_exclude_ciphers}, {@code exclude=}).
 * Java enables only strong suites by default (AES and ChaCha20 with forward secrecy), all of them
 * in OpenSSL's "high" class, so every grade but {@code null} selects Java's enabled suites; the
 * grade is checked, not mapped. Exclusions take OpenSSL's names of cipher parts
 * ({@code aNULL}, {@code 3DES}, {@code RC4}, {@code MD5}, {@code SHA1}, {@code CBC}, {@code AES128},
 * {@code AES256}, {@code CHACHA20}, {@code kRSA}) or a Java suite name, and leave out every suite
 * that has that part.
 */
final class TlsCiphers {
    private static final List<String> GRADES = List.of("export", "low", "medium", "high");

    /** OpenSSL cipher parts and how the Java suite names spell them. */
    private static final Map<String, String> PARTS = Map.ofEntries(
        Map.entry("anull", "_anon_"), Map.entry("enull", "_WITH_NULL_"), Map.entry("null", "_NULL_"),
        Map.entry("3des", "3DES"), Map.entry("des", "DES"), Map.entry("rc4", "RC4"), Map.entry("md5", "_MD5"),
        Map.entry("cbc", "_CBC_"), Map.entry("aes128", "AES_128"), Map.entry("aes256", "AES_256"),
        Map.entry("aesgcm", "_GCM_"), Map.entry("chacha20", "CHACHA20"), Map.entry("krsa", "TLS_RSA_WITH_"),
        Map.entry("dhe", "_DHE_"), Map.entry("ecdhe", "_ECDHE_"), Map.entry("ecdsa", "_ECDSA_"));

    private TlsCiphers() {
    }

    /**
     * @return the grade in lower case
     * @throws IllegalArgumentException for an unknown grade, or {@code null} (no encryption), which Postern refuses
     */
    static String grade(String where, String value) {
        String grade = value.trim().toLowerCase(Locale.ROOT);
        if (grade.equals("null")) {
            throw new IllegalArgumentException(where + ": \"null\" (ciphers without encryption) is not supported");
        }
        if (!GRADES.contains(grade)) {
            throw new IllegalArgumentException(where + ": unknown cipher grade \"" + value
                + "\" (expected export, low, medium or high)");
        }
        return grade;
    }

    /** Java's enabled suites less the excluded ones. */
    static String[] enabled(List<String> exclude, String[] jvmEnabled) {
        return Arrays.stream(jvmEnabled).filter(suite -> !excluded(suite, exclude)).toArray(String[]::new);
    }

    private static boolean excluded(String suite, List<String> exclude) {
        for (String word : exclude) {
            if (word.isBlank()) {
                continue;
            }
            String part = PARTS.get(word.toLowerCase(Locale.ROOT));
            if (suite.equalsIgnoreCase(word) || (part != null && suite.contains(part))
                || (word.equalsIgnoreCase("sha1") && suite.endsWith("_SHA"))) {
                return true;
            }
        }
        return false;
    }
}
