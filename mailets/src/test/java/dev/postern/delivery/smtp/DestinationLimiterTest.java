package dev.postern.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class DestinationLimiterTest {
    @Test
    void aDestinationGetsAtMostTheLimitAtOnce() throws Exception {
        DestinationLimiter limiter = new DestinationLimiter(2);
        DestinationLimiter.Permit first = limiter.acquire("example.com");
        DestinationLimiter.Permit second = limiter.acquire("example.com");
        limiter.acquire("example.org").close();

        CompletableFuture<DestinationLimiter.Permit> third = CompletableFuture.supplyAsync(() -> limiter.acquire("example.com"));
        Thread.sleep(200);
        assertThat(third).isNotDone();
        assertThat(limiter.available("example.org")).isEqualTo(2);

        first.close();
        third.get(5, TimeUnit.SECONDS).close();
        second.close();
        assertThat(limiter.available("example.com")).isEqualTo(2);
    }

    @Test
    void zeroMeansNoLimit() throws Exception {
        DestinationLimiter limiter = new DestinationLimiter(0);
        CompletableFuture<Integer> many = CompletableFuture.supplyAsync(() -> {
            for (int i = 0; i < 1000; i++) {
                limiter.acquire("example.com");
            }
            return 1000;
        });
        assertThat(many.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
    }
}
