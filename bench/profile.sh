#!/usr/bin/env bash
# Where Postern's time goes at W1 (smtp-source -s 20 -m 10000 -l 4096, relayed to a loopback
# smtp-sink): one run with Java Flight Recorder's "profile" settings, then a summary of the
# recording. Prints the run's rates, then the top TOP (20) frames by samples: Java code
# (jdk.ExecutionSample, the frame on top of each stack, i.e. self time), the first Postern
# frame (dev.postern.*) in the same stacks (which of Postern's code leads to that time), and
# native methods (jdk.NativeMethodSample: threads blocked in native code such as fsync or
# socket reads). Keeps the recording as bench/results/w1.jfr (OUT) for JDK Mission Control.
#
#   bench/profile.sh [MESSAGES] [SESSIONS] [SIZE]   (defaults 10000 20 4096; TOP=20, OUT,
#                                                     THREADS=spooler for the delivery threads only,
#                                                     SOURCE_OPTS="-r 10" for more smtp-source options)
#
# Needs root, the distribution, Debian's postfix (smtp-source, smtp-sink) and the JDK's jfr.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

messages=${1:-10000}
sessions=${2:-20}
size=${3:-4096}
top=${TOP:-20}
bench_init
command -v jfr >/dev/null || { echo "jfr missing: apt-get install openjdk-17-jdk-headless" >&2; exit 2; }
out=${OUT:-bench/results}
mkdir -p "$out"
recording=$(cd "$out" && pwd)/w1.jfr
rm -f "$recording"

echo "profile: smtp-source -s $sessions -m $messages -l $size into Postern under JFR, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
start_sink
# The start is left out of the recording: it begins after the server answers, via jcmd.
postern_start
jcmd "$server_pid" JFR.start name=bench settings=profile filename="$recording" >/dev/null
measure postern "$messages" -s "$sessions" -l "$size" ${SOURCE_OPTS:-}
jcmd "$server_pid" JFR.stop name=bench >/dev/null
postern_stop; stop_sink
echo "accepted $accept_rate msg/s, end to end $e2e_rate msg/s, $rss MB after the run (JFR's own cost included)"

# jfr print shows each event's stackTrace as "stackTrace = [" then one frame a line, top first.
# Only the samples of threads whose name matches THREADS (an awk regex, all by default) count;
# mode "inclusive" counts each method once per stack it is anywhere in, as a share of the stacks.
frames() {
    jfr print --events "$1" --stack-depth 64 "$recording" | awk -v mode="$2" -v threads="${THREADS:-.}" '
        /sampledThread = / { wanted = ($0 ~ threads) }
        /stackTrace = \[/ { in_stack = wanted; first = 1; found = 0; split("", seen); if (wanted) stacks++; next }
        in_stack && /^[[:space:]]*\]/ { in_stack = 0; next }
        in_stack {
            frame = $0; sub(/^[[:space:]]+/, "", frame); sub(/[[:space:]]+line:.*/, "", frame)
            if (frame == "...") next
            if (mode == "top" && first) { count[frame]++ }
            if (mode == "postern" && !found && frame ~ /^dev\.postern\./) { count[frame]++; found = 1 }
            if (mode == "inclusive" && !(frame in seen)) { seen[frame] = 1; count[frame]++ }
            first = 0
        }
        END {
            for (f in count) { total += count[f] }
            if (mode == "inclusive") { total = stacks }
            for (f in count) printf "%7d %5.1f%%  %s\n", count[f], 100 * count[f] / total, f
        }
    ' | sort -rn | sed -n "1,${top}p"
}
echo "top frames, Java code (jdk.ExecutionSample, self):"
frames jdk.ExecutionSample top
echo "first Postern frame in those stacks (dev.postern.*):"
frames jdk.ExecutionSample postern
echo "top frames, native code (jdk.NativeMethodSample):"
frames jdk.NativeMethodSample top
if [ -n "${THREADS:-}" ]; then
    echo "methods anywhere in the stacks of threads matching $THREADS (inclusive, share of those stacks):"
    frames jdk.ExecutionSample inclusive
fi
echo "recording: $recording"
