package dev.postern.app.postscreen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;

class DnsblScorerTest {
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private DnsblScorer scorer(Map<String, String> records, Duration timeout, String... sites) {
        DnsLookup dns = (name, type) -> {
            if (name.contains(".slow.")) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            String address = records.get(name);
            return address == null ? DnsAnswer.noSuchName("none") : DnsAnswer.found(List.of(address));
        };
        return new DnsblScorer(DnsblSite.parseAll(List.of(sites)), dns, threads, timeout);
    }

    @Test
    void theWeightsOfTheListsThatListTheClientAddUp() throws Exception {
        DnsblScorer scorer = scorer(Map.of(
                "2.0.0.127.zen.test", "127.0.0.4",
                "2.0.0.127.other.test", "127.0.0.2",
                "2.0.0.127.filtered.test", "127.0.0.9",
                "2.0.0.127.wl.test", "127.0.0.2"),
            Duration.ofSeconds(5), "zen.test*3", "other.test", "filtered.test=127.0.0.[1..4]*10", "wl.test*-2");
        DnsblScorer.Score score = scorer.score(InetAddress.getByName("127.0.0.2")).get();
        assertThat(score.score()).isEqualTo(3 + 1 - 2);
        assertThat(score.listed()).contains("zen.test");
    }

    @Test
    void aListedNobodyScoresZero() throws Exception {
        DnsblScorer.Score score = scorer(Map.of(), Duration.ofSeconds(5), "zen.test*3")
            .score(InetAddress.getByName("192.0.2.1")).get();
        assertThat(score).isEqualTo(new DnsblScorer.Score(0, Optional.empty()));
    }

    @Test
    void aListThatDoesNotAnswerInTimeCountsNothingAndDoesNotHoldTheOthers() throws Exception {
        long start = System.nanoTime();
        DnsblScorer.Score score = scorer(Map.of("2.0.0.127.fast.test", "127.0.0.2", "2.0.0.127.slow.test", "127.0.0.2"),
            Duration.ofMillis(300), "slow.test*5", "fast.test*2").score(InetAddress.getByName("127.0.0.2")).get();
        assertThat(score.score()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aBadWeightNamesTheParameterAndTheEntry() {
        assertThatThrownBy(() -> DnsblSite.parse("zen.test*x"))
            .hasMessage("postscreen_dnsbl_sites: bad DNSBL weight factor \"x\" in \"zen.test*x\"");
        assertThatThrownBy(() -> DnsblSite.parse("zen.test=127.0.0.[1..4*2"))
            .hasMessageContaining("postscreen_dnsbl_sites");
    }
}
