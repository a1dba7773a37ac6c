package dev.postern.dns;

/**
 * Postern's one DNS question: "what records of this type does this name have?", with "not
 * found" and "temporary failure" kept apart, as Postfix's {@code dns_lookup} does. Implemented
 * with dnsjava for the server ({@link DnsjavaLookup}), and by fakes in unit tests.
 * Implementations are thread-safe and never throw for DNS trouble: that is an answer too.
 */
public interface DnsLookup {
    /**
     * @param name an absolute domain name, without or with its trailing dot
     */
    DnsAnswer query(String name, DnsType type);
}
