#!/usr/bin/env bash
# CPU per message of a warm Postern, by thread group (bench/lib/cpu.py): one server, warmed with
# WARM_SMALL 4 KB and WARM_LARGE 100 KB messages (defaults 3000 and 400, not counted), then ROUNDS
# (2) measured runs of each size, relayed to a loopback smtp-sink. The figures leave out what a
# fresh JVM spends compiling (bench/relay-vs-postfix.sh starts one per round and counts it), so
# they show what receiving and relaying a message costs once the JIT is done, and which thread
# group a change moved. PROFILE=FILE also records each size's measured runs with Java Flight
# Recorder (FILE.small.jfr, FILE.large.jfr; JFC, default the JDK's "profile" settings).
#
#   bench/warm-cpu.sh [SMALL_MESSAGES] [LARGE_MESSAGES] [SESSIONS]   (defaults 3000 400 20)
#
# Needs root, the distribution and Debian's postfix (smtp-source, smtp-sink).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

small=${1:-3000}
large=${2:-400}
sessions=${3:-20}
rounds=${ROUNDS:-2}
jfc=${JFC:-profile}
bench_init

record() { [ -z "${PROFILE:-}" ] || jcmd "$server_pid" JFR.start name=warm-cpu settings="$jfc" filename="$PROFILE.$1.jfr" >/dev/null; }
unrecord() { [ -z "${PROFILE:-}" ] || jcmd "$server_pid" JFR.stop name=warm-cpu >/dev/null; }

echo "warm-cpu: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
start_sink
postern_start
measure postern "${WARM_SMALL:-3000}" -s "$sessions" -l 4096
measure postern "${WARM_LARGE:-400}" -s "$sessions" -l 102400
echo "warmed: 4 KB then 100 KB messages"
record small
for round in $(seq "$rounds"); do
    measure postern "$small" -s "$sessions" -l 4096
    echo "4 KB   round $round: $e2e_rate msg/s, ms CPU per message: $cpu_ms"
done
unrecord
record large
for round in $(seq "$rounds"); do
    measure postern "$large" -s "$sessions" -l 102400
    echo "100 KB round $round: $e2e_rate msg/s, ms CPU per message: $cpu_ms"
done
unrecord
echo "RSS $(postern_rss) MB, load $(cut -d' ' -f1-3 /proc/loadavg)"
postern_stop; stop_sink
