package dev.postern.delivery.smtp.dane;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import javax.net.ssl.SSLEngine;
import javax.security.auth.x500.X500Principal;

import dev.postern.delivery.smtp.ServerTrustManager;

/**
 * Authenticates one SMTP server by its DNSSEC-validated TLSA records (RFC 7672 section 3): a
 * DANE-EE (3) record must match the server's own certificate, and nothing else is checked (no
 * names, no dates, no chain); a DANE-TA (2) record must match a certificate of the chain the
 * server sent that the server's certificate chains up to (signatures and dates checked, that
 * certificate the trust anchor), and the server's certificate must name the TLSA base domain or
 * the MX host name (RFC 7672 section 3.2.3). One instance per connection. It is not the
 * handshake's trust manager: the SMTP client judges the chain with it after the handshake
 * (ServerCertificate), which logs the {@code Verified TLS connection established ...} line to the
 * mail log as at every other level.
 */
public final class DaneTrustManager extends ServerTrustManager {
    private static final int DNS_NAME = 2;

    private final List<TlsaRecord> records;
    private final Set<String> referenceNames;
    private final String tlsaName;
    private final String relay;

    /**
     * @param records        the usable TLSA records
     * @param referenceNames the names a DANE-TA certificate may carry, lower case without trailing dot
     * @param tlsaName       the TLSA record name, for texts
     * @param relay          {@code host[address]:port}, for texts
     */
    public DaneTrustManager(List<TlsaRecord> records, Set<String> referenceNames, String tlsaName, String relay) {
        this.records = List.copyOf(records);
        this.referenceNames = Set.copyOf(referenceNames);
        this.tlsaName = tlsaName;
        this.relay = relay;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    /** @throws CertificateException saying which TLSA records did not match whose certificate */
    void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("server " + relay + " sent no certificate");
        }
        String nameProblem = null;
        for (TlsaRecord record : records) {
            if (record.usage() == TlsaRecord.DANE_EE && record.matches(chain[0])) {
                return;
            }
        }
        for (TlsaRecord record : records) {
            if (record.usage() != TlsaRecord.DANE_TA) {
                continue;
            }
            for (int i = 1; i < chain.length; i++) {
                if (record.matches(chain[i]) && chainsUpTo(chain, i)) {
                    if (namesMatch(chain[0])) {
                        return;
                    }
                    nameProblem = "the certificate of " + relay + " (names " + names(chain[0]) + ") does not name "
                        + referenceNames;
                }
            }
        }
        throw new CertificateException(nameProblem != null ? "DANE TLSA " + tlsaName + ": " + nameProblem
            : "no TLSA record of " + tlsaName + " matches the certificate chain of " + relay + " (subject "
                + chain[0].getSubjectX500Principal().getName(X500Principal.RFC2253) + ")");
    }

    /** Whether chain[0..anchor-1] is a valid path (signatures, dates, constraints) from chain[anchor]. */
    private static boolean chainsUpTo(X509Certificate[] chain, int anchor) {
        try {
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(chain[anchor], null)));
            parameters.setRevocationEnabled(false);
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            CertPathValidator.getInstance("PKIX").validate(
                factory.generateCertPath(Arrays.asList(chain).subList(0, anchor)), parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private boolean namesMatch(X509Certificate certificate) {
        for (String name : names(certificate)) {
            for (String reference : referenceNames) {
                if (matches(name.toLowerCase(Locale.ROOT), reference)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A name of the certificate against a reference name: exact, or a wildcard as the whole leftmost label. */
    static boolean matches(String name, String reference) {
        String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (bare.equals(reference)) {
            return true;
        }
        if (!bare.startsWith("*.")) {
            return false;
        }
        int dot = reference.indexOf('.');
        return dot > 0 && reference.substring(dot + 1).equals(bare.substring(2));
    }

    /** The DNS names of subjectAltName, or the subject's common names when there are none (RFC 7672 3.2.3). */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> entry : certificate.getSubjectAlternativeNames()) {
                    if (entry.size() == 2 && entry.get(0) instanceof Integer type && type == DNS_NAME) {
                        names.add(entry.get(1).toString());
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return names;
        }
        if (!names.isEmpty()) {
            return names;
        }
        try {
            javax.naming.ldap.LdapName subject = new javax.naming.ldap.LdapName(
                certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
            subject.getRdns().stream().filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
                .forEach(rdn -> names.add(rdn.getValue().toString()));
        } catch (javax.naming.InvalidNameException e) {
            return names;
        }
        return names;
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
