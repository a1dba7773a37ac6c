package dev.postern.smtpd;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts one kind of client event (connections, messages, AUTH commands) per client address
 * in fixed windows of {@code anvil_rate_time_unit} (60 s), as Postfix's anvil does, so a limit
 * can say "too many in this minute". Idle clients' counters are dropped when the map grows,
 * so a flood of distinct addresses cannot grow it without bound.
 */
public final class ClientEventRate {
    private static final int PURGE_ABOVE = 10_000;

    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long start, int count) {
    }

    public ClientEventRate(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** Records one event of {@code client} and returns how many it has had in the current window, this one included. */
    public int record(String client) {
        long now = clock.millis();
        if (windows.size() > PURGE_ABOVE) {
            windows.values().removeIf(w -> now - w.start() >= window.toMillis());
        }
        return windows.compute(client, (key, current) -> current == null || now - current.start() >= window.toMillis()
            ? new Window(now, 1) : new Window(current.start(), current.count() + 1)).count();
    }
}
