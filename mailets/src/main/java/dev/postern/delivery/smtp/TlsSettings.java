package dev.postern.delivery.smtp;

import java.util.ArrayList;
import java.util.List;

import dev.postern.config.ComponentParameters;

/**
 * The SMTP client's main.cf TLS parameters: the default policy of every level (what an
 * smtp_tls_policy_maps entry leaves out), the trust anchors, the client certificate and the
 * logging.
 */
public record TlsSettings(TlsLevel level, String caFile, String caPath, String certFile, String keyFile,
                          List<String> chainFiles, List<String> policyMaps, int logLevel, String fingerprintDigest,
                          List<String> fingerprintMatch, List<String> verifyMatch, List<String> secureMatch,
                          String ciphers, String mandatoryCiphers, List<String> excludeCiphers,
                          List<String> mandatoryExcludeCiphers, String protocols, String mandatoryProtocols,
                          String servername) {

    public TlsSettings {
        chainFiles = List.copyOf(chainFiles);
        policyMaps = List.copyOf(policyMaps);
        fingerprintMatch = List.copyOf(fingerprintMatch);
        verifyMatch = List.copyOf(verifyMatch);
        secureMatch = List.copyOf(secureMatch);
        excludeCiphers = List.copyOf(excludeCiphers);
        mandatoryExcludeCiphers = List.copyOf(mandatoryExcludeCiphers);
    }

    /** @throws IllegalArgumentException naming the parameter with a bad value */
    public static TlsSettings from(ComponentParameters parameters) {
        TlsSettings settings = new TlsSettings(
            TlsLevel.parse("smtp_tls_security_level", parameters.get("smtp_tls_security_level")),
            parameters.get("smtp_tls_CAfile").trim(),
            parameters.get("smtp_tls_CApath").trim(),
            parameters.get("smtp_tls_cert_file").trim(),
            parameters.get("smtp_tls_key_file").trim(),
            parameters.list("smtp_tls_chain_files"),
            parameters.list("smtp_tls_policy_maps"),
            (int) parameters.number("smtp_tls_loglevel"),
            parameters.get("smtp_tls_fingerprint_digest").trim(),
            parameters.list("smtp_tls_fingerprint_cert_match"),
            parameters.list("smtp_tls_verify_cert_match"),
            parameters.list("smtp_tls_secure_cert_match"),
            TlsCiphers.grade("smtp_tls_ciphers", parameters.get("smtp_tls_ciphers")),
            TlsCiphers.grade("smtp_tls_mandatory_ciphers", parameters.get("smtp_tls_mandatory_ciphers")),
            parameters.list("smtp_tls_exclude_ciphers"),
            parameters.list("smtp_tls_mandatory_exclude_ciphers"),
            parameters.get("smtp_tls_protocols").trim(),
            parameters.get("smtp_tls_mandatory_protocols").trim(),
            parameters.get("smtp_tls_servername").trim());
        ServerCertificate.javaDigest(settings.fingerprintDigest());
        TlsProtocols.parse("smtp_tls_protocols", settings.protocols());
        TlsProtocols.parse("smtp_tls_mandatory_protocols", settings.mandatoryProtocols());
        return settings;
    }

    /**
     * What main.cf makes of {@code level}: its match list (smtp_tls_verify_cert_match,
     * smtp_tls_secure_cert_match, smtp_tls_fingerprint_cert_match) and, as in Postfix, the
     * mandatory ciphers, exclusions and protocols at the levels that require TLS.
     */
    public TlsPolicy defaultPolicy(TlsLevel policyLevel) {
        boolean mandatory = policyLevel.required();
        List<String> match = switch (policyLevel) {
            case VERIFY -> verifyMatch;
            case SECURE -> secureMatch;
            case FINGERPRINT -> fingerprintMatch;
            default -> List.of();
        };
        List<String> exclude = new ArrayList<>(excludeCiphers);
        if (mandatory) {
            exclude.addAll(mandatoryExcludeCiphers);
        }
        return new TlsPolicy(policyLevel, match, servername, mandatory ? mandatoryCiphers : ciphers,
            mandatory ? mandatoryProtocols : protocols, exclude);
    }

    /** The policy of a destination no smtp_tls_policy_maps entry names. */
    public TlsPolicy defaultPolicy() {
        return defaultPolicy(level);
    }
}
