package dev.postern.app.explain;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import dev.postern.restrictions.EvaluationTrace;

/**
 * Writes an evaluation of restriction lists as {@code postern explain} shows it: each list under its
 * Postfix name, each restriction indented under it (deeper inside restriction classes) with its
 * result, the access-table entry that decided just under the restriction, and the list's result. A
 * restriction that asked the DNS is marked as not evaluated: explain asks no DNS server, and the
 * result shown is the one a temporary DNS failure gives.
 */
final class TracePrinter implements EvaluationTrace {
    private final PrintStream out;
    private final String indent;
    private final OfflineDns dns;
    /** Table hits seen since the last restriction ended: they belong to the next one that ends. */
    private final List<String> pendingHits = new ArrayList<>();
    private boolean neededDns;

    /** @param indent what every line starts with */
    TracePrinter(PrintStream out, String indent, OfflineDns dns) {
        this.out = out;
        this.indent = indent;
        this.dns = dns;
    }

    /** Whether a restriction asked the DNS, so that the outcome is not certain. */
    boolean neededDns() {
        return neededDns;
    }

    @Override
    public void listStarts(String parameter) {
        out.println(indent + parameter + ":");
    }

    @Override
    public void listSkipped(String parameter, String reason) {
        out.println(indent + parameter + ": skipped (" + reason + ")");
    }

    @Override
    public void restriction(int depth, String restriction, String result) {
        String pad = indent + "  ".repeat(depth);
        List<String> asked = dns.takeAsked();
        if (asked.isEmpty()) {
            out.println(pad + restriction + " -> " + result);
        } else {
            neededDns = true;
            out.println(pad + restriction + " -> not evaluated: needs DNS (" + String.join(", ", asked)
                + "); taken as a temporary DNS failure: " + result);
        }
        pendingHits.forEach(hit -> out.println(pad + "  " + hit));
        pendingHits.clear();
    }

    @Override
    public void tableHit(String restriction, String table, String key, String value) {
        // found while the restriction runs: shown under it once its result is known
        pendingHits.add("matched " + table + " key \"" + key + "\" = " + value);
    }

    @Override
    public void listEnds(String parameter, String result) {
        out.println(indent + "  " + parameter + " -> " + result);
    }
}
