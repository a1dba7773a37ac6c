package dev.postern.delivery.smtp;

import java.util.function.Consumer;
import java.util.function.Function;

import dev.postern.tables.LookupException;
import dev.postern.tables.LookupTable;
import dev.postern.tables.TableSearch;

/**
 * The SMTP client's TLS, put together once per courier from main.cf: the policy tables, the TLS
 * material and the log. {@link #forTarget} gives what STARTTLS does on one connection.
 */
final class TlsClient {
    private final TlsSettings settings;
    private final TlsPolicyMaps policies;
    private final TlsContexts contexts;
    private final TlsLog log;

    private TlsClient(TlsSettings settings, TlsPolicyMaps policies, TlsContexts contexts, TlsLog log) {
        this.settings = settings;
        this.policies = policies;
        this.contexts = contexts;
        this.log = log;
    }

    /**
     * @param tables opens a {@code type:name} of smtp_tls_policy_maps
     * @param logSink the mail log's lines of the smtp service
     * @throws IllegalArgumentException naming a parameter with a bad value or an unreadable file
     */
    static TlsClient create(TlsSettings settings, Function<String, LookupTable> tables, Consumer<String> logSink) {
        TableSearch maps = TableSearch.open("smtp_tls_policy_maps", settings.policyMaps(), tables);
        return new TlsClient(settings, new TlsPolicyMaps(maps, settings), TlsContexts.from(settings),
            new TlsLog(settings.logLevel(), logSink));
    }

    /**
     * The TLS of a connection to {@code target}: the policy of its next hop (smtp_tls_policy_maps,
     * else main.cf's level).
     *
     * @throws LookupException when a policy table fails
     * @throws IllegalArgumentException when the entry found is not a valid policy
     */
    SmtpClientSession.Tls forTarget(Target target, int defaultPort) throws LookupException {
        NextHop hop = NextHop.parse(target.hop(), defaultPort);
        TlsPolicy policy = policies.effectivePolicy(hop);
        return new SmtpClientSession.Tls(policy, contexts, hop.host(), settings.fingerprintDigest(), log);
    }
}
