package dev.postern.delivery.smtp;

import java.util.Locale;

/** {@code smtp_tls_security_level}, the levels Postern implements. */
public enum TlsLevel {
    /** Never STARTTLS (also the empty value). */
    NONE,
    /** STARTTLS when offered, any certificate; plain text when the handshake fails. */
    MAY,
    /** STARTTLS required, any certificate. */
    ENCRYPT,
    /** STARTTLS required, the chain and the host name checked. */
    VERIFY,
    /** As verify (Postern checks the same name: the host it connects to). */
    SECURE;

    public static TlsLevel parse(String parameter, String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "", "none" -> NONE;
            case "may" -> MAY;
            case "encrypt" -> ENCRYPT;
            case "verify" -> VERIFY;
            case "secure" -> SECURE;
            default -> throw new IllegalArgumentException(parameter + ": unsupported TLS security level \"" + value
                + "\" (Postern knows none, may, encrypt, verify and secure)");
        };
    }

    public boolean required() {
        return this == ENCRYPT || this == VERIFY || this == SECURE;
    }

    public boolean verifies() {
        return this == VERIFY || this == SECURE;
    }
}
