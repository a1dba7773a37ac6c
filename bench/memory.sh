#!/usr/bin/env bash
# Memory against JVM options: for ROUNDS (3) rounds, each option set given as an argument in turn
# (alternating), a fresh Postern with POSTERN_OPTS set to it relays MESSAGES (3000) messages of
# SIZE (4096) bytes from SESSIONS (20) smtp-source sessions to an smtp-sink; prints per run the
# RSS after the run, end-to-end msg/s and CPU ms per message (bench/lib.sh's measure), then per
# option set the medians. "default" stands for bin/postern's own options. Each home is fresh, so
# the class-data archive is off (POSTERN_CDS=no unless set): it would only be written at exit.
# WARMUP (0) messages are sent to each fresh server before its measured run, not measured: the
# figures of a warm JVM, whose compilers have done most of their work.
#   bench/memory.sh default "-Xms64m -Xmx1g" "-XX:+UseSerialGC -Xmx256m"
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rounds=${ROUNDS:-3}; messages=${MESSAGES:-3000}; sessions=${SESSIONS:-20}; size=${SIZE:-4096}
warmup=${WARMUP:-0}
[ $# -gt 0 ] || set -- default
export POSTERN_CDS=${POSTERN_CDS:-no}
bench_init
echo "memory: $rounds rounds, $warmup messages of warm-up, smtp-source -s $sessions -m $messages -l $size, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
declare -A rss_of rate_of cpu_of
for round in $(seq 1 "$rounds"); do
    for opts in "$@"; do
        start_sink
        if [ "$opts" = default ]; then unset POSTERN_OPTS; else export POSTERN_OPTS="$opts"; fi
        postern_start
        [ "$warmup" -eq 0 ] || measure postern "$warmup" -s "$sessions" -l "$size"
        measure postern "$messages" -s "$sessions" -l "$size"
        postern_stop; stop_sink
        total=${cpu_ms%% *}; total=${total#total=}
        rss_of[$opts]+="$rss "; rate_of[$opts]+="$e2e_rate "; cpu_of[$opts]+="$total "
        echo "  round $round [$opts]: $rss MB RSS, $e2e_rate msg/s end to end, CPU ms/message $cpu_ms"
    done
done
unset POSTERN_OPTS
for opts in "$@"; do
    read -ra r <<< "${rss_of[$opts]}"; read -ra t <<< "${rate_of[$opts]}"; read -ra c <<< "${cpu_of[$opts]}"
    echo "[$opts]: median $(median "${r[@]}") MB RSS, $(median "${t[@]}") msg/s, $(median "${c[@]}") ms CPU per message"
done
