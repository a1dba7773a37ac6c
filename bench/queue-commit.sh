#!/usr/bin/env bash
# Issue 19 item 1: what the group-committed queue saves. Two Postern distributions (BEFORE and AFTER,
# each a server-app/target/postern directory, e.g. one unpacked from a worktree of the older commit) are
# run alternately, A B A B, relaying smtp-source -s 20 -m MESSAGES -l 4096 to one loopback smtp-sink:
# per round, first under strace (fsync and fdatasync calls of the whole JVM per accepted message), then
# without it (accepted and end-to-end msg/s). Prints one line per run and the medians and AFTER/BEFORE
# ratios of the rounds. The machine's load is not controlled: compare ratios of alternated runs.
#
#   BEFORE=/tmp/old/server-app/target/postern AFTER=server-app/target/postern bench/queue-commit.sh
#
# Environment: ROUNDS [3], MESSAGES [500], SESSIONS [20]. Needs root, smtp-source, smtp-sink, strace.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-3}
messages=${MESSAGES:-500}
sessions=${SESSIONS:-20}
before=$(realpath "${BEFORE:?BEFORE= the older distribution}")
after=$(realpath "${AFTER:-server-app/target/postern}")
dist=$after
bench_init
command -v strace >/dev/null || { echo "strace missing" >&2; exit 2; }

declare -A per_message e2e accepted
for round in $(seq "$rounds"); do
    for side in before after; do
        if [ "$side" = before ]; then dist=$before; else dist=$after; fi
        fsync_count postern "$messages" -s "$sessions" -l 4096
        per=$(awk -v c="$fsync_calls" -v m="$messages" 'BEGIN {printf "%.3f", c / m}')
        start_sink; postern_start
        measure postern "$messages" -s "$sessions" -l 4096
        postern_stop; stop_sink
        echo "round $round $side: $fsync_calls fsync+fdatasync for $messages messages ($per per message);" \
            "accepted $accept_rate msg/s, end to end $e2e_rate msg/s"
        per_message[$side]+="$per "; e2e[$side]+="$e2e_rate "; accepted[$side]+="$accept_rate "
    done
done
for side in before after; do
    echo "$side: median fsync per message $(median ${per_message[$side]}), accepted $(median ${accepted[$side]}) msg/s," \
        "end to end $(median ${e2e[$side]}) msg/s"
done
read -r -a b <<< "${e2e[before]}"; read -r -a a <<< "${e2e[after]}"
ratios=()
for i in "${!b[@]}"; do ratios+=("$(awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN {printf "%.2f", x / y}')"); done
echo "end-to-end after/before per round: ${ratios[*]} (median $(median "${ratios[@]}"))"
read -r -a b <<< "${accepted[before]}"; read -r -a a <<< "${accepted[after]}"
ratios=()
for i in "${!b[@]}"; do ratios+=("$(awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN {printf "%.2f", x / y}')"); done
echo "accepted after/before per round: ${ratios[*]} (median $(median "${ratios[@]}"))"
