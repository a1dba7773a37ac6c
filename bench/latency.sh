#!/usr/bin/env bash
# Per-message accept latency, Postern against Postfix in the same relay role (durable queue,
# relayhost = a loopback smtp-sink), at 10, 50 and 200 concurrent SMTP sessions.
# The client is bench/client/SmtpLoad.java (compiled once into the temp folder): SESSIONS
# connections share MESSAGES transactions of 4 KB, one recipient each, no pipelining.
# Two latencies per accepted message:
#   DATA: from the "." that ends DATA being written to the 250 reply read — the time the
#         server takes to make the message durable and answer (Postfix: cleanup + fsync);
#   txn:  the whole transaction, MAIL FROM to that 250.
# Each server is started fresh per session count and first gets an unmeasured warm-up run
# (WARMUP messages; the JVM's JIT for Postern), then the measured run. Postern and Postfix
# alternate. The client runs on the same machine, so the figures include its scheduling.
#
#   bench/latency.sh                      (environment, defaults in brackets:)
#   SESSIONS ["10 50 200"]  MESSAGES [10000, times SCALE]  WARMUP [1000, times SCALE]  SCALE [1]
#   OUT [bench/results]     latency.csv goes there
#
# Prints one line per server and session count: msg/s of the run and p50/p99/p999 in ms of
# both latencies. Exits 1 if the sink gets fewer messages than were accepted (a loss), 2 if
# something is missing. Needs root, the distribution, Debian's postfix and a JDK 17 (javac).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scale=${SCALE:-1}
sessions_list=${SESSIONS:-10 50 200}
scaled() { awk -v m="$1" -v s="$scale" 'BEGIN {n = int(m * s + 0.5); print (n < 1) ? 1 : n}'; }
messages=${MESSAGES:-$(scaled 10000)}
warmup=${WARMUP:-$(scaled 1000)}
bench_init
command -v javac >/dev/null || { echo "javac missing: apt-get install openjdk-17-jdk-headless" >&2; exit 2; }
out=${OUT:-bench/results}
mkdir -p "$out"
javac -d "$work/client" bench/client/SmtpLoad.java

load() { java -cp "$work/client" SmtpLoad --port "$smtp_port" --size 4096 "$@"; }

# The value of one key=value field of SmtpLoad's summary line.
field() { tr ' ' '\n' <<< "$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }

# Waits for the sink to count at least $1 messages; exits 1 on a loss.
await_sink() {
    local deadline=$(( $(date +%s) + ${BENCH_DRAIN_TIMEOUT:-900} ))
    while [ "$(sink_count)" -lt "$1" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    [ "$(sink_count)" -ge "$1" ] || { echo "LOST: the sink received $(sink_count) of $1 accepted messages" >&2; exit 1; }
}

echo "latency: $messages messages of 4 KB per run after $warmup warm-up, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "DATA = end of DATA (\".\") to the 250; txn = MAIL FROM to the 250; milliseconds"
echo "mta,sessions,messages,msg_s,data_p50_ms,data_p99_ms,data_p999_ms,txn_p50_ms,txn_p99_ms,txn_p999_ms" > "$out/latency.csv"
for n in $sessions_list; do
    for mta in postern postfix; do
        start_sink; mta_start "$mta"
        warm=$(load --sessions "$n" --messages "$warmup" --tag warm)
        result=$(load --sessions "$n" --messages "$messages" --tag run)
        accepted=$(( $(field "$warm" accepted) + $(field "$result" accepted) ))
        await_sink "$accepted"
        mta_stop "$mta"; stop_sink
        printf '%-7s %3d sessions: %7s msg/s | DATA p50 %7s p99 %8s p999 %8s | txn p50 %7s p99 %8s p999 %8s | accepted %s of %s\n' \
            "$mta" "$n" "$(field "$result" msg_per_s)" \
            "$(field "$result" data_p50_ms)" "$(field "$result" data_p99_ms)" "$(field "$result" data_p999_ms)" \
            "$(field "$result" txn_p50_ms)" "$(field "$result" txn_p99_ms)" "$(field "$result" txn_p999_ms)" \
            "$(field "$result" accepted)" "$messages"
        echo "$mta,$n,$messages,$(field "$result" msg_per_s),$(field "$result" data_p50_ms),$(field "$result" data_p99_ms),$(field "$result" data_p999_ms),$(field "$result" txn_p50_ms),$(field "$result" txn_p99_ms),$(field "$result" txn_p999_ms)" >> "$out/latency.csv"
    done
done
echo "wrote $out/latency.csv; no accepted message lost"
