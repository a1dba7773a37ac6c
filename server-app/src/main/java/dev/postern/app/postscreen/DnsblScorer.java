package dev.postern.app.postscreen;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsNames;
import dev.postern.dns.DnsType;

/**
 * The DNSBL test's score: every {@code postscreen_dnsbl_sites} list asked at once, the weights of
 * the lists that list the client added up. A list that has not answered within
 * {@code postscreen_dnsbl_timeout}, or that fails, adds nothing (a DNS fault must not keep mail out).
 */
public final class DnsblScorer {
    /**
     * @param score  the sum of the weights of the lists that list the client
     * @param listed the domain of the first list (in parameter order) with a positive weight that
     *               lists the client, for the reject reply
     */
    public record Score(int score, Optional<String> listed) {
    }

    private final List<DnsblSite> sites;
    private final DnsLookup dns;
    private final Executor executor;
    private final Duration timeout;

    public DnsblScorer(List<DnsblSite> sites, DnsLookup dns, Executor executor, Duration timeout) {
        this.sites = List.copyOf(sites);
        this.dns = dns;
        this.executor = executor;
        this.timeout = timeout;
    }

    public boolean enabled() {
        return !sites.isEmpty();
    }

    /** The score, completed when every list has answered or the timeout is reached, whichever is first. */
    public CompletableFuture<Score> score(InetAddress client) {
        String reversed = DnsNames.reversed(client);
        List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        for (DnsblSite site : sites) {
            answers.add(CompletableFuture.supplyAsync(() -> listed(site, reversed), executor)
                .completeOnTimeout(false, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(failure -> false));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
            int score = 0;
            Optional<String> listed = Optional.empty();
            for (int i = 0; i < sites.size(); i++) {
                if (answers.get(i).join()) {
                    score += sites.get(i).weight();
                    if (listed.isEmpty() && sites.get(i).weight() > 0) {
                        listed = Optional.of(sites.get(i).domain());
                    }
                }
            }
            return new Score(score, listed);
        });
    }

    private boolean listed(DnsblSite site, String reversed) {
        DnsAnswer answer = dns.query(reversed + "." + site.domain(), DnsType.A);
        return answer.status() == DnsAnswer.Status.FOUND && answer.values().stream().anyMatch(site.list()::matches);
    }
}
