#!/usr/bin/env bash
# SMTP event loops against throughput: for ROUNDS (3) rounds, each setting given as an argument in
# turn (alternating), a fresh Postern whose SMTP listeners have that many Netty event loops
# (smtpserver.xml's ioWorkerCount, through lib.sh's POSTERN_IO_WORKERS; "N/E" also sets
# maxExecutorCount, the framers' executor threads, to E, which only -Dpostern.smtpd.framer_executor=true
# in POSTERN_OPTS uses; "default" keeps the packaged file) relays
# MESSAGES (3000) messages of SIZE (4096) bytes from SESSIONS (20) smtp-source sessions to an
# smtp-sink. Per run: end-to-end msg/s, CPU ms per message, RSS and threads after the run; then
# one run of FSYNC_MESSAGES (500; 0: none) under strace -f for fsync+fdatasync per message (strace
# slows the server: only its count is a figure). Then the medians per setting. WARMUP and
# POSTERN_OPTS as in memory.sh; the class-data archive is off (fresh homes).
#   SESSIONS=100 bench/io-workers.sh 4 16 32
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rounds=${ROUNDS:-3}; messages=${MESSAGES:-3000}; sessions=${SESSIONS:-20}; size=${SIZE:-4096}
warmup=${WARMUP:-0}; fsync_messages=${FSYNC_MESSAGES:-500}
[ $# -gt 0 ] || set -- default
export POSTERN_CDS=${POSTERN_CDS:-no}
bench_init
echo "io-workers: $rounds rounds, $warmup messages of warm-up, smtp-source -s $sessions -m $messages -l $size, fsync over $fsync_messages, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"

# Exports the knobs of lib.sh's postern_new_home for SETTING (N, N/E or default).
use_setting() {
    unset POSTERN_IO_WORKERS POSTERN_MAX_EXECUTORS
    [ "$1" = default ] && return 0
    export POSTERN_IO_WORKERS=${1%%/*}
    [[ "$1" != */* ]] || export POSTERN_MAX_EXECUTORS=${1#*/}
}
threads() { awk '/^Threads:/ {print $2}' "/proc/$server_pid/status"; }

declare -A rate_of cpu_of rss_of fsync_of
for round in $(seq 1 "$rounds"); do
    for setting in "$@"; do
        use_setting "$setting"
        start_sink; postern_start
        [ "$warmup" -eq 0 ] || measure postern "$warmup" -s "$sessions" -l "$size"
        measure postern "$messages" -s "$sessions" -l "$size"
        nthreads=$(threads)
        postern_stop; stop_sink
        total=${cpu_ms%% *}; total=${total#total=}
        rate_of[$setting]+="$e2e_rate "; cpu_of[$setting]+="$total "; rss_of[$setting]+="$rss "
        # fsync_count measures again: keep this run's figures for the line below.
        run="$e2e_rate msg/s end to end, $rss MB RSS, $nthreads threads"; run_cpu=$cpu_ms
        per=-
        if [ "$fsync_messages" -gt 0 ]; then
            fsync_count postern "$fsync_messages" -s "$sessions" -l "$size"
            per=$(awk "BEGIN {printf \"%.2f\", $fsync_calls / $fsync_messages}")
            fsync_of[$setting]+="$per "
        fi
        echo "  round $round [$setting]: $run, fsync/message $per, CPU ms/message $run_cpu"
    done
done
for setting in "$@"; do
    read -ra t <<< "${rate_of[$setting]}"; read -ra c <<< "${cpu_of[$setting]}"; read -ra r <<< "${rss_of[$setting]}"
    read -ra f <<< "${fsync_of[$setting]:-}"
    echo "[$setting]: median $(median "${t[@]}") msg/s, $(median "${c[@]}") ms CPU per message, $(median "${r[@]}") MB RSS, $(median "${f[@]}") fsync per message"
done
