#!/usr/bin/env bash
# Relay throughput, Postern against Postfix side by side: smtp-source -> MTA -> smtp-sink,
# all on loopback, each MTA with its durable queue and the sink as its relayhost. Rounds
# alternate Postern and Postfix (A B A B ...). Prints, per round and MTA: accepted and
# end-to-end messages per second and resident memory after the run, the Postern/Postfix
# ratio per round and the median; for Postern also the startup time to the first
# accepted connection and idle memory; then fsync calls per relayed message for both
# (a separate, smaller run under strace, which slows the server down).
# bench/relay-vs-postfix.sh runs the issue 9 workloads W1-W4 and the sessions curve.
#
#   bench/relay-throughput.sh [MESSAGES] [SESSIONS] [SIZE] [ROUNDS]   (defaults 5000 20 4096 3)
#
# Needs the distribution (mvn -B -DskipTests package), Debian's postfix package (smtp-source,
# smtp-sink and the Postfix instance; its service is never started), strace, and root (the
# Postfix master runs as root). Exits non-zero if a sink receives fewer messages than were
# accepted.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

messages=${1:-5000}
sessions=${2:-20}
size=${3:-4096}
rounds=${4:-3}
bench_init

echo "workload: smtp-source -s $sessions -m $messages -l $size, $rounds rounds, $(nproc) cores, $(date -u +%Y-%m-%d)"
ratios=()
for round in $(seq 1 "$rounds"); do
    start_sink; postern_start
    [ "$round" -gt 1 ] || { sleep 2; echo "postern: startup to first accepted connection ${startup} s, resident memory idle $(postern_rss) MB"; }
    measure postern "$messages" -s "$sessions" -l "$size"; postern_stop; stop_sink
    a_accept=$accept_rate; a_e2e=$e2e_rate; a_rss=$rss
    start_sink; postfix_begin
    measure postfix "$messages" -s "$sessions" -l "$size"; postfix_end; stop_sink
    ratio=$(awk "BEGIN {printf \"%.2f\", $a_e2e / $e2e_rate}")
    ratios+=("$ratio")
    printf 'round %d: postern accepted %s msg/s, end to end %s msg/s, %s MB | postfix accepted %s msg/s, end to end %s msg/s, %s MB | ratio %s\n' \
        "$round" "$a_accept" "$a_e2e" "$a_rss" "$accept_rate" "$e2e_rate" "$rss" "$ratio"
done
echo "median Postern/Postfix end-to-end ratio: $(median "${ratios[@]}")"

if command -v strace >/dev/null; then
    for mta in postern postfix; do
        fsync_count "$mta" 500 -s "$sessions" -l "$size"
        echo "$mta: fsync calls per relayed message: $(awk "BEGIN {printf \"%.2f\", $fsync_calls / 500}") ($fsync_calls over 500 messages, received and delivered)"
    done
fi
