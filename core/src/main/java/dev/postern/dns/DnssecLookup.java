package dev.postern.dns;

/**
 * DNS lookups with DNSSEC validation ({@code smtp_dns_support_level = dnssec}): every answer
 * says whether it was validated, and a bogus one is a temporary failure. As a plain
 * {@link DnsLookup} it gives the answers alone, so the SMTP client's MX and address lookups
 * defer on bogus data instead of using it.
 */
public interface DnssecLookup extends DnsLookup {
    /** @param name an absolute domain name, without or with its trailing dot */
    ValidatedAnswer queryValidated(String name, DnsType type);

    @Override
    default DnsAnswer query(String name, DnsType type) {
        return queryValidated(name, type).answer();
    }
}
