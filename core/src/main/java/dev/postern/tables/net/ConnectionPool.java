package dev.postern.tables.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The open connections of one socketmap or tcp table to its server, kept between lookups and
 * shared by the threads that look up (each exchange has a connection to itself; a thread finding
 * none idle opens another). A connection idle longer than the idle limit is closed rather than
 * reused, as Postfix's clients hang up on idle servers. An exchange that fails on a reused
 * connection other than by a timeout (the server closed it meanwhile) is tried once more on a new
 * one; a connection that failed in any way is closed, so the next lookup reconnects.
 */
final class ConnectionPool implements Closeable {
    /** One request and its reply on a connection. */
    @FunctionalInterface
    interface Exchange<T> {
        T run(TimedConnection connection) throws IOException;
    }

    /**
     * The server answered, with a reply that fails the lookup and leaves the connection unusable:
     * not worth a second try.
     */
    static class Answered extends IOException {
        Answered(String message) {
            super(message);
        }
    }

    private record Idle(TimedConnection connection, long since) {
    }

    private final Endpoint endpoint;
    private final Duration timeout;
    private final long idleLimitNanos;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    ConnectionPool(Endpoint endpoint, Duration timeout, Duration idleLimit) {
        this.endpoint = endpoint;
        this.timeout = timeout;
        this.idleLimitNanos = idleLimit.toNanos();
    }

    <T> T exchange(Exchange<T> exchange) throws IOException {
        TimedConnection reused = takeIdle();
        if (reused != null) {
            try {
                return finish(reused, exchange.run(reused));
            } catch (SocketTimeoutException | Answered e) {
                reused.close();
                throw e;
            } catch (IOException e) {
                reused.close();
                // the server may have closed the connection while it was idle: one more try below
            }
        }
        TimedConnection fresh = TimedConnection.open(endpoint, timeout);
        try {
            return finish(fresh, exchange.run(fresh));
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    private <T> T finish(TimedConnection connection, T result) {
        synchronized (this) {
            if (!closed) {
                idle.push(new Idle(connection, System.nanoTime()));
                return result;
            }
        }
        connection.close();
        return result;
    }

    private synchronized TimedConnection takeIdle() {
        long now = System.nanoTime();
        while (!idle.isEmpty()) {
            Idle candidate = idle.pop();
            if (now - candidate.since() < idleLimitNanos) {
                return candidate.connection();
            }
            candidate.connection().close();
        }
        return null;
    }

    /** Closes the idle connections now and those in use when their exchange ends. */
    @Override
    public void close() {
        List<Idle> closing;
        synchronized (this) {
            closed = true;
            closing = new ArrayList<>(idle);
            idle.clear();
        }
        closing.forEach(entry -> entry.connection().close());
    }
}
