package dev.postern.delivery.smtp.sts;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.postern.delivery.smtp.tlsrpt.ResultType;
import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsType;
import dev.postern.log.MailLog;

/**
 * Finds the MTA-STS policy of a recipient domain as RFC 8461 §5.1 describes: the
 * {@code _mta-sts} TXT record's id decides whether the cached policy is still current; a new id
 * (or no fresh cached policy) fetches the policy again. When the TXT record is gone or cannot be
 * looked up, or the fetch fails, a fresh cached policy still applies; without one the domain is
 * treated as having no policy (the fetch error is reported).
 */
public final class StsPolicies {
    /** What was found for a domain: a policy, or none, and the fetch error if that is why. */
    public record Lookup(Optional<StsPolicy> policy, Optional<ResultType> error, String errorText) {
        static Lookup none() {
            return new Lookup(Optional.empty(), Optional.empty(), "");
        }

        static Lookup of(StsPolicy policy) {
            return new Lookup(Optional.of(policy), Optional.empty(), "");
        }
    }

    private final DnsLookup dns;
    private final PolicyFetcher fetcher;
    private final StsPolicyCache cache;
    private final MailLog mailLog;
    private final Clock clock;
    /** One fetch at a time per domain; entries are the domains with a policy record, which are few. */
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    public StsPolicies(DnsLookup dns, PolicyFetcher fetcher, StsPolicyCache cache, MailLog mailLog, Clock clock) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.cache = cache;
        this.mailLog = mailLog;
        this.clock = clock;
    }

    public Lookup lookup(String domain) {
        DnsAnswer txt = dns.query("_mta-sts." + domain, DnsType.TXT);
        Optional<String> id = txt.isFound() ? StsTxtRecord.policyId(txt.values()) : Optional.empty();
        if (id.isEmpty()) {
            return fresh(domain).map(e -> Lookup.of(e.policy())).orElse(Lookup.none());
        }
        synchronized (locks.computeIfAbsent(domain, d -> new Object())) {
            Optional<StsPolicyCache.Entry> cached = fresh(domain);
            if (cached.isPresent() && cached.get().id().equals(id.get())) {
                return Lookup.of(cached.get().policy());
            }
            String text = "";
            try {
                text = fetcher.fetch(domain);
                StsPolicy policy = StsPolicy.parse(text, HttpsPolicyFetcher.url(domain, 443));
                store(domain, id.get(), policy, text);
                mailLog.log("smtp", "MTA-STS policy of " + domain + " fetched: id=" + id.get() + ", mode="
                    + policy.mode().keyword() + ", max_age=" + policy.maxAge().getSeconds() + ", mx=" + policy.mxList().orElse(""));
                return Lookup.of(policy);
            } catch (StsPolicyException e) {
                mailLog.log("smtp", "warning: MTA-STS policy of " + domain + " (id=" + id.get() + ") not fetched: "
                    + StsPolicy.printable(e.getMessage()) + (cached.isPresent() ? "; using the cached policy" : ""));
                // A policy that came but did not parse is sts-policy-invalid; anything else a fetch error.
                ResultType type = text.isEmpty() ? ResultType.STS_POLICY_FETCH_ERROR : ResultType.STS_POLICY_INVALID;
                return cached.map(c -> Lookup.of(c.policy()))
                    .orElseGet(() -> new Lookup(Optional.empty(), Optional.of(type), StsPolicy.printable(e.getMessage())));
            }
        }
    }

    private Optional<StsPolicyCache.Entry> fresh(String domain) {
        Instant now = clock.instant();
        return cache.get(domain).filter(e -> e.freshAt(now));
    }

    private void store(String domain, String id, StsPolicy policy, String text) {
        try {
            cache.put(domain, id, policy, text);
        } catch (IOException e) {
            mailLog.log("smtp", "warning: MTA-STS policy of " + domain + " not cached: " + e.getMessage());
        }
    }
}
