package dev.postern.delivery.smtp.dane;

import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SSLSocketFactory;

/**
 * What DANE makes of one connection (RFC 7672 section 2.2): authenticate the server by its TLSA
 * records, encrypt without authenticating (TLSA records exist but none is usable), no DANE at
 * all (an unsigned zone, no TLSA records: the level falls back to opportunistic TLS), or defer
 * (the TLSA records could not be looked up or did not validate).
 *
 * @param factory the socket factory that authenticates by TLSA, when {@link Kind#AUTHENTICATE}
 * @param reason  why, for logs and deferral texts
 */
public record DaneVerdict(Kind kind, Optional<SSLSocketFactory> factory, String reason) {
    public enum Kind {
        AUTHENTICATE, ENCRYPT, NO_DANE, DEFER
    }

    public DaneVerdict {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.AUTHENTICATE) != factory.isPresent()) {
            throw new IllegalArgumentException("a socket factory exactly when authenticating");
        }
    }

    static DaneVerdict authenticate(SSLSocketFactory factory, String reason) {
        return new DaneVerdict(Kind.AUTHENTICATE, Optional.of(factory), reason);
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
