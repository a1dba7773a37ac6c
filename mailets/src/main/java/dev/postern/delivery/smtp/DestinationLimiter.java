package dev.postern.delivery.smtp;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;

/**
 * default_destination_concurrency_limit: at most that many deliveries to one destination (the
 * next hop, or the recipients' domain) at once; 0 means no limit, as in Postfix.
 */
final class DestinationLimiter {
    private final int limit;
    private final ConcurrentMap<String, Semaphore> permits = new ConcurrentHashMap<>();

    DestinationLimiter(long limit) {
        this.limit = (int) Math.max(0, Math.min(Integer.MAX_VALUE, limit));
    }

    /** A permit for one delivery, released by closing it. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    Permit acquire(String destination) {
        if (limit == 0) {
            return () -> { };
        }
        Semaphore semaphore = permits.computeIfAbsent(destination, d -> new Semaphore(limit, true));
        semaphore.acquireUninterruptibly();
        return semaphore::release;
    }

    int available(String destination) {
        Semaphore semaphore = permits.get(destination);
        return semaphore == null ? limit : semaphore.availablePermits();
    }
}
