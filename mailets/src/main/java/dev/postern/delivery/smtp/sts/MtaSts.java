package dev.postern.delivery.smtp.sts;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import javax.net.ssl.X509TrustManager;

import dev.postern.config.ComponentParameters;
import dev.postern.delivery.smtp.Outcome;
import dev.postern.delivery.smtp.SessionObserver;
import dev.postern.delivery.smtp.Target;
import dev.postern.delivery.smtp.TlsLevel;
import dev.postern.delivery.smtp.tlsrpt.ReportPolicy;
import dev.postern.delivery.smtp.tlsrpt.ResultType;
import dev.postern.delivery.smtp.tlsrpt.TlsResults;
import dev.postern.dns.DnsLookup;
import dev.postern.log.MailLog;

/**
 * MTA-STS (RFC 8461) for the SMTP client, {@code postern_mta_sts = yes}: for mail routed by the
 * recipient domain's MX records, what its policy changes about one delivery ({@link #plan}).
 * <ul>
 *   <li>{@code enforce}: only the MX hosts an {@code mx:} pattern allows, only over TLS with a
 *       certificate that verifies (smtp_tls_CAfile or the JVM's trust store, and the MX host name);
 *       when no MX host is allowed the delivery is deferred (4.7.5).</li>
 *   <li>{@code testing}: delivered as usual (STARTTLS tried even at level none), and every check
 *       enforce would have failed is logged and reported.</li>
 * </ul>
 * Policies apply only at levels that do not authenticate the server themselves (none, may,
 * encrypt, and dane when the destination has no usable TLSA records, where DANE takes precedence,
 * RFC 8461 §2); a stricter local policy (verify, secure, fingerprint, dane-only) is left as it is.
 * Each session with a policy domain's MX hosts is counted for the TLS reports ({@link TlsResults}).
 */
public final class MtaSts {
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);

    /**
     * How one delivery goes under a domain's policy.
     *
     * @param deferral  set when the mail must wait: the reason, for a 4.7.5 deferral
     * @param targets   the servers to try
     * @param level     the TLS level for them, empty when MTA-STS changes nothing (deliver as usual);
     *                  the SMTP client raises each server's effective TlsPolicy to it (verify: the MX
     *                  host name must match)
     * @param trust     judges each server's certificate as RFC 8461 4.2 asks (after the handshake,
     *                  through the client's ServerCertificate) and notes the verdict for the report
     * @param cacheKey  keeps these sessions apart from others in the connection cache
     * @param observer  told each session's outcome, for the TLS report
     */
    public record Plan(Optional<String> deferral, List<Target> targets, Optional<TlsLevel> level,
                       Function<Target, X509TrustManager> trust, String cacheKey, SessionObserver observer) {
        public Plan {
            targets = List.copyOf(targets);
        }

        static Plan usual(List<Target> targets) {
            return new Plan(Optional.empty(), targets, Optional.empty(), target -> null, "", SessionObserver.NONE);
        }

        /** Whether the delivery goes at {@link #level} with {@link #trust} rather than as usual. */
        public boolean applies() {
            return level.isPresent();
        }
    }

    private final boolean enabled;
    private final StsPolicies policies;
    private final StsTrust trust;
    private final TlsResults results;
    private final MailLog mailLog;
    /** Per policy domain and mode, the certificate judge and the last verdict per MX host. */
    private final ConcurrentMap<String, Judge> judges = new ConcurrentHashMap<>();

    MtaSts(boolean enabled, StsPolicies policies, StsTrust trust, TlsResults results, MailLog mailLog) {
        this.enabled = enabled;
        this.policies = policies;
        this.trust = trust;
        this.results = results;
        this.mailLog = mailLog;
    }

    /** MTA-STS off: every plan is "as usual". */
    public static MtaSts disabled() {
        return new MtaSts(false, null, null, TlsResults.NONE, null);
    }

    /**
     * @param var the server's var/ directory; policies are cached in var/mta-sts
     * @throws IllegalArgumentException naming a parameter with a bad value
     */
    public static MtaSts create(ComponentParameters parameters, DnsLookup dns, Path var, Clock clock, MailLog mailLog,
                                TlsResults results) {
        if (!parameters.bool("postern_mta_sts")) {
            return disabled();
        }
        StsTrust trust = StsTrust.fromCaFile(parameters.get("smtp_tls_CAfile").trim());
        StsPolicies policies = new StsPolicies(dns, new HttpsPolicyFetcher(trust.httpsContext(), FETCH_TIMEOUT),
            new StsPolicyCache(var.resolve("mta-sts"), clock), mailLog, clock);
        return new MtaSts(true, policies, trust, results, mailLog);
    }

    /** Whether MTA-STS may change deliveries at this level (see the class comment). */
    static boolean appliesAt(TlsLevel level) {
        return level == TlsLevel.NONE || level == TlsLevel.MAY || level == TlsLevel.ENCRYPT || level == TlsLevel.DANE;
    }

    /**
     * @param domain            the recipient domain whose MX hosts are {@code targets}
     * @param level             the TLS level the delivery would use without MTA-STS
     * @param daneAuthenticated the destination has usable TLSA records: DANE governs, not MTA-STS
     */
    public Plan plan(String domain, List<Target> targets, TlsLevel level, boolean daneAuthenticated) {
        if (!enabled || daneAuthenticated || !appliesAt(level)) {
            return Plan.usual(targets);
        }
        String name = domain.toLowerCase(Locale.ROOT);
        StsPolicies.Lookup lookup = policies.lookup(name);
        if (lookup.error().isPresent()) {
            results.failure(ReportPolicy.noPolicyFound(name),
                new TlsResults.Failure(lookup.error().get(), "", "", lookup.errorText()));
        }
        if (lookup.policy().isEmpty() || lookup.policy().get().mode() == StsMode.NONE) {
            return Plan.usual(targets);
        }
        StsPolicy policy = lookup.policy().get();
        boolean enforce = policy.mode() == StsMode.ENFORCE;
        ReportPolicy reported = new ReportPolicy("sts", policy.lines(), name,
            policy.mx().stream().map(MxPattern::pattern).toList());
        List<Target> allowed = targets.stream().filter(t -> policy.allows(t.hostname())).toList();
        targets.stream().map(Target::hostname).distinct().filter(host -> !policy.allows(host)).forEach(host -> {
            mailLog.log("smtp", (enforce ? "" : "warning: ") + "MTA-STS policy of " + name + " (" + policy.mode().keyword()
                + "): MX host " + host + " matches no mx pattern (" + policy.mxList().orElse("") + ")"
                + (enforce ? ", not used" : ", used anyway"));
            results.failure(reported, new TlsResults.Failure(ResultType.VALIDATION_FAILURE, host, "",
                "MX host not in the MTA-STS policy"));
        });
        Judge judge = judges.computeIfAbsent(policy.mode().keyword() + " " + name, k -> new Judge(enforce));
        SessionObserver observer = new Counter(name, policy.mode(), reported, judge);
        if (enforce) {
            if (allowed.isEmpty()) {
                return new Plan(Optional.of("MTA-STS policy of " + name + " (enforce) allows none of its MX hosts ("
                    + String.join(", ", targets.stream().map(Target::hostname).distinct().toList()) + "; mx: "
                    + policy.mxList().orElse("") + ")"), List.of(), Optional.empty(), target -> null, "", observer);
            }
            return new Plan(Optional.empty(), allowed, Optional.of(TlsLevel.VERIFY), judge::forTarget,
                "mta-sts enforce ", observer);
        }
        TlsLevel usual = level == TlsLevel.NONE ? TlsLevel.MAY : level;
        return new Plan(Optional.empty(), targets, Optional.of(usual), judge::forTarget, "mta-sts testing ",
            observer);
    }

    /** The certificate judge of one policy domain and mode, and its last verdict per MX host. */
    private final class Judge {
        final Map<String, StsTrustManager.Verdict> verdicts = new ConcurrentHashMap<>();
        /**
         * Refuses a failing chain in both modes: at enforce's level verify that refuses the server
         * ("Server certificate not trusted/verified"); in testing, at may or encrypt, it only makes
         * the TLS log say Untrusted, and the verdict is reported.
         */
        final StsTrustManager manager;

        Judge(boolean enforce) {
            this.manager = new StsTrustManager(trust.pkix(), true, verdicts::put);
        }

        X509TrustManager forTarget(Target target) {
            return manager.boundTo(target.hostname());
        }
    }

    /** Counts the sessions of one delivery for the TLS report, and logs what testing mode lets through. */
    private final class Counter implements SessionObserver {
        private final String domain;
        private final StsMode mode;
        private final ReportPolicy policy;
        private final Judge judge;

        Counter(String domain, StsMode mode, ReportPolicy policy, Judge judge) {
            this.domain = domain;
            this.mode = mode;
            this.policy = policy;
            this.judge = judge;
        }

        @Override
        public void opened(Target target) {
            StsTrustManager.Verdict verdict = judge.verdicts.get(target.hostname().toLowerCase(Locale.ROOT));
            if (verdict == null && mode == StsMode.TESTING) {
                // No handshake: the server did not offer STARTTLS (or it failed and "may" went on in plain text).
                fail(target, ResultType.STARTTLS_NOT_SUPPORTED, "no TLS with host " + target.peer());
            } else if (verdict != null && verdict.failure().isPresent()) {
                fail(target, verdict.failure().get(), verdict.detail());
            } else {
                results.success(policy);
            }
        }

        @Override
        public void failed(Target target, Outcome outcome) {
            StsTrustManager.Verdict verdict = judge.verdicts.remove(target.hostname().toLowerCase(Locale.ROOT));
            if (verdict != null && verdict.failure().isPresent()) {
                fail(target, verdict.failure().get(), verdict.detail());
                return;
            }
            // The SMTP client's texts for a missing or failed STARTTLS; other failures (connect,
            // greeting) never reached TLS and are not TLS sessions.
            String text = outcome.text();
            if (text.startsWith("TLS is required, but was not offered")) {
                fail(target, ResultType.STARTTLS_NOT_SUPPORTED, text);
            } else if (text.startsWith("Cannot start TLS") || text.startsWith("Server certificate not verified")
                || text.startsWith("Server certificate not trusted")) {
                fail(target, ResultType.VALIDATION_FAILURE, text);
            }
        }

        private void fail(Target target, ResultType type, String detail) {
            if (mode == StsMode.TESTING) {
                mailLog.log("smtp", "warning: MTA-STS policy of " + domain + " (testing) would have refused "
                    + target.peer() + ": " + type.keyword() + ": " + StsPolicy.printable(detail));
            }
            results.failure(policy, new TlsResults.Failure(type, target.hostname(),
                target.socketPath().isPresent() ? "" : target.address(), detail));
        }
    }
}
