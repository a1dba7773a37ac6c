package dev.postern.delivery.smtp.dane;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One TLSA record (RFC 6698): what certificate or key a server must present.
 *
 * @param usage        0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE
 * @param selector     0 the whole certificate, 1 its SubjectPublicKeyInfo
 * @param matchingType 0 the selected content itself, 1 its SHA-256, 2 its SHA-512
 * @param data         the certificate association data
 */
public record TlsaRecord(int usage, int selector, int matchingType, byte[] data) {
    public static final int DANE_TA = 2;
    public static final int DANE_EE = 3;

    public TlsaRecord {
        data = data.clone();
    }

    /** The presentation form {@code usage selector matching-type hex}; empty when it is not one. */
    public static Optional<TlsaRecord> parse(String text) {
        String[] fields = text.trim().split("\\s+", 4);
        if (fields.length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TlsaRecord(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]),
                Integer.parseInt(fields[2]), HexFormat.of().parseHex(fields[3].replaceAll("\\s+", ""))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether SMTP can use the record (RFC 7672 section 3.1.3): usages 0 and 1 (PKIX) are not,
     * nor are unknown selectors and matching types, nor a digest of the wrong length.
     */
    public boolean usable() {
        if (usage != DANE_TA && usage != DANE_EE) {
            return false;
        }
        if (selector != 0 && selector != 1) {
            return false;
        }
        return switch (matchingType) {
            case 0 -> data.length > 0;
            case 1 -> data.length == 32;
            case 2 -> data.length == 64;
            default -> false;
        };
    }

    /** Whether the certificate (or its public key, for selector 1) is the one this record names. */
    public boolean matches(X509Certificate certificate) {
        try {
            byte[] content = selector == 0 ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
            byte[] digest = switch (matchingType) {
                case 0 -> content;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(content);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(content);
                default -> null;
            };
            return digest != null && MessageDigest.isEqual(digest, data);
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TlsaRecord r && r.usage == usage && r.selector == selector
            && r.matchingType == matchingType && java.util.Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(usage, selector, matchingType, java.util.Arrays.hashCode(data));
    }
}
