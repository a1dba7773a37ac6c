package dev.postern.delivery.smtp.dane;

import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.X509TrustManager;

/**
 * What DANE makes of one connection (RFC 7672 section 2.2): authenticate the server by its TLSA
 * records, encrypt without authenticating (TLSA records exist but none is usable), no DANE at
 * all (an unsigned zone, no TLSA records: the level falls back to opportunistic TLS), or defer
 * (the TLSA records could not be looked up or did not validate).
 *
 * @param trust  the trust manager that authenticates the server by its TLSA records, when
 *               {@link Kind#AUTHENTICATE}: the SMTP client judges the server's chain with it after
 *               the handshake (ServerCertificate), as it does every policy's
 * @param reason  why, for logs and deferral texts
 */
public record DaneVerdict(Kind kind, Optional<X509TrustManager> trust, String reason) {
    public enum Kind {
        AUTHENTICATE, ENCRYPT, NO_DANE, DEFER
    }

    public DaneVerdict {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.AUTHENTICATE) != trust.isPresent()) {
            throw new IllegalArgumentException("a trust manager exactly when authenticating");
        }
    }

    static DaneVerdict authenticate(X509TrustManager trust, String reason) {
        return new DaneVerdict(Kind.AUTHENTICATE, Optional.of(trust), reason);
    }

    static DaneVerdict encrypt(String reason) {
        return new DaneVerdict(Kind.ENCRYPT, Optional.empty(), reason);
    }

    static DaneVerdict noDane(String reason) {
        return new DaneVerdict(Kind.NO_DANE, Optional.empty(), reason);
    }

    static DaneVerdict defer(String reason) {
        return new DaneVerdict(Kind.DEFER, Optional.empty(), reason);
    }
}
