package dev.postern.delivery.smtp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.X509TrustManager;

/**
 * The judgement of a server's certificate chain after the TLS handshake, by the rules of one
 * {@link TlsPolicy}: whether the chain is trusted (the trust manager of the connection: the CAs
 * of smtp_tls_CAfile and smtp_tls_CApath, or the server's TLSA records under DANE), whether its names match the policy's {@code match}
 * list (verify, secure), or whether its certificate or public-key fingerprint is one of the
 * listed ones (fingerprint). The handshake itself accepts any certificate, so that a failure can
 * be told apart (not trusted, no name matched) and so that "may" can log whether it was trusted.
 */
final class ServerCertificate {
    /** Postfix's words for how far a TLS peer was authenticated, as its log lines begin. */
    enum Trust {
        ANONYMOUS("Anonymous"), UNTRUSTED("Untrusted"), TRUSTED("Trusted"), VERIFIED("Verified");

        private final String word;

        Trust(String word) {
            this.word = word;
        }

        String word() {
            return word;
        }
    }

    /**
     * @param trust   how far the server was authenticated
     * @param failure why the policy's level refuses this server ({@code Server certificate not
     *                verified: ...}); empty when the connection may carry mail
     */
    record Verdict(Trust trust, Optional<String> failure) {
    }

    private final X509Certificate[] chain;
    private final String digest;

    /**
     * @param chain  the server's chain, leaf first; empty for an anonymous session
     * @param digest smtp_tls_fingerprint_digest (md5, sha1, sha256, ...)
     */
    ServerCertificate(X509Certificate[] chain, String digest) {
        this.chain = chain.clone();
        this.digest = digest;
    }

    /**
     * @param trustManager the trust anchors of this connection
     * @param hostname     the server's host name (the MX name, or the next hop's host)
     * @param nexthop      the next hop's domain or host
     * @param peer         {@code host[address]}, for the failure text
     */
    Verdict judge(TlsPolicy policy, X509TrustManager trustManager, String hostname, String nexthop, String peer) {
        if (chain.length == 0) {
            return policy.level().required() && policy.level() != TlsLevel.ENCRYPT
                ? new Verdict(Trust.ANONYMOUS, Optional.of("Server certificate not verified: host " + peer
                    + " sent no certificate"))
                : new Verdict(Trust.ANONYMOUS, Optional.empty());
        }
        if (policy.level() == TlsLevel.FINGERPRINT) {
            return judgeFingerprint(policy, peer);
        }
        Optional<String> untrusted = untrusted(trustManager);
        if (policy.level() == TlsLevel.DANE || policy.level() == TlsLevel.DANE_ONLY) {
            // Only a DANE-authenticated connection gets here with a dane level, and its trust
            // manager is the server's TLSA records: they are the whole check (RFC 7672 3.1).
            return untrusted.isPresent()
                ? new Verdict(Trust.UNTRUSTED, Optional.of("Server certificate not verified: host " + peer + ": "
                    + untrusted.get()))
                : new Verdict(Trust.VERIFIED, Optional.empty());
        }
        if (!policy.level().verifies()) {
            return new Verdict(untrusted.isPresent() ? Trust.UNTRUSTED : Trust.TRUSTED, Optional.empty());
        }
        if (untrusted.isPresent()) {
            return new Verdict(Trust.UNTRUSTED, Optional.of("Server certificate not trusted: host " + peer + ": "
                + untrusted.get()));
        }
        List<String> patterns = patterns(policy.match(), hostname, nexthop);
        List<String> names = names();
        for (String name : names) {
            for (String pattern : patterns) {
                if (matches(name, pattern)) {
                    return new Verdict(Trust.VERIFIED, Optional.empty());
                }
            }
        }
        return new Verdict(Trust.TRUSTED, Optional.of("Server certificate not verified: host " + peer
            + ": certificate names " + names + " match none of " + patterns));
    }

    private Verdict judgeFingerprint(TlsPolicy policy, String peer) {
        String certificate;
        String publicKey;
        try {
            certificate = fingerprint(chain[0].getEncoded());
            publicKey = fingerprint(chain[0].getPublicKey().getEncoded());
        } catch (GeneralSecurityException e) {
            return new Verdict(Trust.UNTRUSTED, Optional.of("Server certificate not verified: host " + peer
                + ": cannot compute its fingerprint: " + e.getMessage()));
        }
        for (String wanted : policy.match()) {
            String normal = normalize(wanted);
            if (normal.equals(normalize(certificate)) || normal.equals(normalize(publicKey))) {
                return new Verdict(Trust.VERIFIED, Optional.empty());
            }
        }
        return new Verdict(Trust.UNTRUSTED, Optional.of("Server certificate not verified: host " + peer + ": "
            + digest + " fingerprint " + certificate + " (public key " + publicKey + ") is not listed"));
    }

    /** The leaf's {@code digest} fingerprint, as Postfix prints it: upper-case hex pairs joined by ":". */
    String certificateFingerprint() throws GeneralSecurityException {
        return fingerprint(chain[0].getEncoded());
    }

    String publicKeyFingerprint() throws GeneralSecurityException {
        return fingerprint(chain[0].getPublicKey().getEncoded());
    }

    X509Certificate leaf() {
        return chain[0];
    }

    private String fingerprint(byte[] der) throws GeneralSecurityException {
        byte[] hash = MessageDigest.getInstance(javaDigest(digest)).digest(der);
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
    }

    /** Postfix's digest names (OpenSSL's) in Java's spelling. */
    static String javaDigest(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha224" -> "SHA-224";
            case "sha256" -> "SHA-256";
            case "sha384" -> "SHA-384";
            case "sha512" -> "SHA-512";
            default -> throw new IllegalArgumentException("smtp_tls_fingerprint_digest: unknown digest \"" + name
                + "\" (expected md5, sha1, sha224, sha256, sha384 or sha512)");
        };
    }

    private static String normalize(String fingerprint) {
        return fingerprint.replace(":", "").trim().toLowerCase(Locale.ROOT);
    }

    private Optional<String> untrusted(X509TrustManager trustManager) {
        try {
            // "UNKNOWN" is what Java passes for TLS 1.3: the key must allow signatures (digitalSignature),
            // not the RSA key transport of old TLS 1.2 suites that modern certificates do not allow.
            trustManager.checkServerTrusted(chain, "UNKNOWN");
            return Optional.empty();
        } catch (CertificateException | RuntimeException e) {
            return Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** The match list with its strategies turned into names: exact names, or ".domain" for any subdomain. */
    static List<String> patterns(List<String> match, String hostname, String nexthop) {
        List<String> patterns = new ArrayList<>();
        for (String entry : match) {
            String lower = entry.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "hostname" -> patterns.add(hostname.toLowerCase(Locale.ROOT));
                case "nexthop" -> patterns.add(nexthop.toLowerCase(Locale.ROOT));
                case "dot-nexthop" -> patterns.add("." + nexthop.toLowerCase(Locale.ROOT));
                default -> patterns.add(lower);
            }
        }
        return patterns;
    }

    /** The DNS (and IP) subject alternative names, or the common name when there are none. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        try {
            if (chain[0].getSubjectAlternativeNames() != null) {
                for (List<?> san : chain[0].getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) {
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // A certificate whose names cannot be read matches no name.
        }
        if (names.isEmpty()) {
            commonName().ifPresent(cn -> names.add(cn.toLowerCase(Locale.ROOT)));
        }
        return names;
    }

    Optional<String> commonName() {
        return commonName(chain[0].getSubjectX500Principal().getName());
    }

    Optional<String> issuerCommonName() {
        return commonName(chain[0].getIssuerX500Principal().getName());
    }

    private static Optional<String> commonName(String distinguishedName) {
        try {
            for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            // No usable name.
        }
        return Optional.empty();
    }

    /**
     * A certificate name against a pattern: an exact pattern is equal, or covered by a wildcard
     * ({@code *.example.com} covers one label); {@code .example.com} takes any subdomain.
     */
    static boolean matches(String certificateName, String pattern) {
        String name = certificateName.toLowerCase(Locale.ROOT);
        if (pattern.startsWith(".")) {
            String suffix = pattern.substring(1);
            if (name.startsWith("*.")) {
                String base = name.substring(2);
                return base.equals(suffix) || base.endsWith("." + suffix);
            }
            return name.endsWith(pattern);
        }
        if (name.startsWith("*.")) {
            int dot = pattern.indexOf('.');
            return dot > 0 && pattern.substring(dot + 1).equals(name.substring(2));
        }
        return name.equals(pattern);
    }
}
