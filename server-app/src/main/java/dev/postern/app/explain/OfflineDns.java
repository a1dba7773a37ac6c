package dev.postern.app.explain;

import java.util.ArrayList;
import java.util.List;

import dev.postern.dns.DnsAnswer;
import dev.postern.dns.DnsLookup;
import dev.postern.dns.DnsType;

/**
 * The DNS of {@code postern explain}: it asks no server. Each question is noted, so that the
 * restriction that asked it can be shown as not evaluated, and answered as a temporary failure,
 * the answer the restrictions already treat as "cannot tell" (never as "no such name").
 */
final class OfflineDns implements DnsLookup {
    static final String REASON = "postern explain makes no DNS lookups";

    private final List<String> asked = new ArrayList<>();

    @Override
    public synchronized DnsAnswer query(String name, DnsType type) {
        asked.add(name + " " + type);
        return DnsAnswer.temporaryFailure(REASON);
    }

    /** The questions asked since the last call, as {@code name TYPE}, oldest first. */
    synchronized List<String> takeAsked() {
        List<String> taken = List.copyOf(asked);
        asked.clear();
        return taken;
    }

    /** Whether any question was asked since the last {@link #takeAsked}. */
    synchronized boolean wasAsked() {
        return !asked.isEmpty();
    }
}
