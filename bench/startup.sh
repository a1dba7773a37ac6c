#!/usr/bin/env bash
# Start to first 220, with and without the class-data archive (bin/postern's AppCDS, var/cds/):
# one home; a first run, not measured, writes the archive at its exit; then STARTS (5) rounds,
# each starting the packaged Postern once with POSTERN_CDS=no and once with the archive,
# alternating. Per start: the seconds from the exec of bin/postern to the first 220 read on its
# SMTP port, the CPU seconds the JVM had used by then (all its threads; steadier than the wall
# time on a shared machine) and the RSS then; at the end the medians and the ratios. The first
# start of a fresh home also makes its self-signed TLS certificate: the measured starts reuse it,
# as a restart does. POSTERN_OPTS is passed through. Needs root and the distribution, as the
# other scripts here.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
starts=${STARTS:-5}
bench_init
start_sink

cpu_seconds() { awk '{s = substr($0, index($0, ")") + 2); split(s, f, " "); printf "%.2f", (f[12] + f[13]) / 100}' "/proc/$1/stat"; }

echo "startup: $starts rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), POSTERN_OPTS=${POSTERN_OPTS:-(default)}, $(date -u '+%Y-%m-%d %H:%M UTC')"
postern_start; postern_stop
ls "$home"/var/cds/*.jsa >/dev/null 2>&1 || { echo "no archive under $home/var/cds after the first run" >&2; exit 1; }
declare -A wall cpu
for i in $(seq 1 "$starts"); do
    for mode in no yes; do
        POSTERN_CDS=$mode postern_launch
        used=$(cpu_seconds "$server_pid")
        wall[$mode]+="$startup "; cpu[$mode]+="$used "
        echo "  round $i, archive $mode: $startup s to the first 220, $used s CPU, $(postern_rss) MB RSS"
        postern_stop
    done
done
for mode in no yes; do
    read -ra w <<< "${wall[$mode]}"; read -ra c <<< "${cpu[$mode]}"
    echo "archive $mode: median $(median "${w[@]}") s to the first 220, $(median "${c[@]}") s CPU"
done
read -ra wn <<< "${wall[no]}"; read -ra wy <<< "${wall[yes]}"; read -ra cn <<< "${cpu[no]}"; read -ra cy <<< "${cpu[yes]}"
echo "with/without: wall $(awk "BEGIN {printf \"%.2f\", $(median "${wy[@]}") / $(median "${wn[@]}")}"), CPU $(awk "BEGIN {printf \"%.2f\", $(median "${cy[@]}") / $(median "${cn[@]}")}")"
