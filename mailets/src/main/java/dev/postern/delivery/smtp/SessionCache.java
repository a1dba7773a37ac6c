package dev.postern.delivery.smtp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Idle sessions kept for the next mail to the same server (Postfix's scache with
 * smtp_connection_cache_on_demand): a session is put back after its mail and taken again within
 * smtp_connection_cache_time_limit; later it is closed with QUIT, so a server never sees an idle
 * client for longer than that. Keys name the server and the identity used on it.
 */
final class SessionCache implements AutoCloseable {
    private final Duration limit;
    private final Clock clock;
    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private ScheduledExecutorService sweeper;
    private boolean closed;

    private record Idle(SmtpClientSession session, Instant deadline) {
    }

    SessionCache(Duration limit, Clock clock) {
        this.limit = limit;
        this.clock = clock;
    }

    boolean isEnabled() {
        return !limit.isZero() && !limit.isNegative();
    }

    /** An idle session for {@code key}, the most recently used first; expired ones are closed. */
    Optional<SmtpClientSession> take(String key) {
        List<SmtpClientSession> expired = new ArrayList<>();
        Optional<SmtpClientSession> found = Optional.empty();
        synchronized (this) {
            Deque<Idle> sessions = idle.get(key);
            Instant now = clock.instant();
            while (sessions != null && !sessions.isEmpty() && found.isEmpty()) {
                Idle entry = sessions.pollLast();
                if (entry.deadline().isAfter(now)) {
                    found = Optional.of(entry.session());
                } else {
                    expired.add(entry.session());
                }
            }
            if (sessions != null && sessions.isEmpty()) {
                idle.remove(key);
            }
        }
        expired.forEach(SmtpClientSession::quit);
        return found;
    }

    /** Keeps a session that can carry another mail; closes it when caching is off. */
    void put(String key, SmtpClientSession session) {
        if (!isEnabled() || !session.isReusable()) {
            session.quit();
            return;
        }
        synchronized (this) {
            if (!closed) {
                idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Idle(session, clock.instant().plus(limit)));
                if (sweeper == null) {
                    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread thread = new Thread(r, "smtp-connection-cache");
                        thread.setDaemon(true);
                        return thread;
                    });
                }
                long millis = Math.max(1, limit.toMillis());
                sweeper.schedule(this::sweep, millis + 10, TimeUnit.MILLISECONDS);
                return;
            }
        }
        session.quit();
    }

    /** Closes the sessions whose time is up. */
    void sweep() {
        List<SmtpClientSession> expired = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            for (Iterator<Deque<Idle>> it = idle.values().iterator(); it.hasNext();) {
                Deque<Idle> sessions = it.next();
                sessions.removeIf(entry -> {
                    if (entry.deadline().isAfter(now)) {
                        return false;
                    }
                    expired.add(entry.session());
                    return true;
                });
                if (sessions.isEmpty()) {
                    it.remove();
                }
            }
        }
        expired.forEach(SmtpClientSession::quit);
    }

    synchronized int size() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    /** Says QUIT to every idle session and stops caching. */
    @Override
    public void close() {
        List<SmtpClientSession> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(sessions -> sessions.forEach(entry -> all.add(entry.session())));
            idle.clear();
            if (sweeper != null) {
                sweeper.shutdownNow();
            }
        }
        all.forEach(SmtpClientSession::quit);
    }
}
