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
 *       (dev.postern.delivery.smtp.dane) decides each connection from the server's
 *       DNSSEC-validated TLSA records: authenticated by them, encrypted only (all records
 *       unusable), or without DANE, where {@code dane} is {@code may} and {@code dane-only}
 *       defers (4.7.5). Without dnssec, {@code dane} is {@code may} (a warning at start says so)
 *       and {@code dane-only} defers every delivery to its destinations.</li>
 *   <li>{@code fingerprint}: STARTTLS required; the server certificate's or its public key's
 *       fingerprint (smtp_tls_fingerprint_digest) must be one of the policy's {@code match=}.</li>
 *   <li>{@code encrypt}: STARTTLS required, any certificate.</li>
 *   <li>{@code verify}: STARTTLS required, the chain trusted (smtp_tls_CAfile, smtp_tls_CApath) and
 *       a certificate name matching smtp_tls_verify_cert_match (the MX host name).</li>
 *   <li>{@code secure}: as verify, with smtp_tls_secure_cert_match (the next-hop domain and its
 *       subdomains), which do not depend on unsigned MX records.</li>
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
     * Why mail cannot be sent at this level without smtp_dns_support_level = dnssec (the
     * delivery is deferred with this text), or empty when it can.
     */
    public Optional<String> deferralReason() {
        return switch (this) {
            case DANE_ONLY -> Optional.of("TLS security level dane-only: smtp_dns_support_level is not dnssec, so no"
                + " TLSA record can be validated; mail is deferred, not sent without DANE");
            default -> Optional.empty();
        };
    }
}
