package dev.postern.delivery.smtp;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code smtp_tls_security_level}: every level Postfix has is accepted. What each does in
 * Postern today:
 * <ul>
 *   <li>{@code none} (also the empty value): never STARTTLS.</li>
 *   <li>{@code may}: STARTTLS when offered, any certificate; plain text when the handshake fails.</li>
 *   <li>{@code dane}, {@code dane-only}: with {@code smtp_dns_support_level = dnssec}, DANE
 *       (dev.postern.delivery.smtp.dane) sets each connection's level from the server's TLSA
 *       records. Without dnssec, {@code dane} is {@code may} (a warning at start says so) and
 *       {@code dane-only} defers every delivery.</li>
 *   <li>{@code fingerprint}: fail safe. Without certificate fingerprint matching no server can be
 *       authenticated as this level demands, so every delivery is deferred (4.7.5, the reason in
 *       the log) instead of being sent to an unverified server.</li>
 *   <li>{@code encrypt}: STARTTLS required, any certificate.</li>
 *   <li>{@code verify}: STARTTLS required, the chain and the host name checked.</li>
 *   <li>{@code secure}: as verify (Postern checks the same name: the host it connects to).</li>
 * </ul>
 */
public enum TlsLevel {
    NONE("none"),
    MAY("may"),
    DANE("dane"),
    DANE_ONLY("dane-only"),
    FINGERPRINT("fingerprint"),
    ENCRYPT("encrypt"),
    VERIFY("verify"),
    SECURE("secure");

    private final String keyword;

    TlsLevel(String keyword) {
        this.keyword = keyword;
    }

    /** The level as written in main.cf. */
    public String keyword() {
        return keyword;
    }

    public static TlsLevel parse(String parameter, String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (text.isEmpty()) {
            return NONE;
        }
        for (TlsLevel level : values()) {
            if (level.keyword.equals(text)) {
                return level;
            }
        }
        throw new IllegalArgumentException(parameter + ": unknown TLS security level \"" + value
            + "\" (expected none, may, dane, dane-only, fingerprint, encrypt, verify or secure)");
    }

    /** Whether a failed or missing STARTTLS falls back to plain text. */
    public boolean opportunistic() {
        return this == MAY || this == DANE;
    }

    public boolean required() {
        return this == ENCRYPT || this == VERIFY || this == SECURE || this == DANE_ONLY || this == FINGERPRINT;
    }

    public boolean verifies() {
        return this == VERIFY || this == SECURE;
    }

    /**
     * Why mail cannot be sent at this level yet (the delivery is deferred with this text), or
     * empty when the level is implemented.
     */
    public Optional<String> deferralReason() {
        return switch (this) {
            case FINGERPRINT -> Optional.of("TLS security level fingerprint: certificate fingerprint matching is not"
                + " implemented yet, so no server can be authenticated; mail is deferred, not sent unverified");
            default -> Optional.empty();
        };
    }
}
