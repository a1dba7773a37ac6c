#!/usr/bin/env bash
# Issue 9's relay benchmark: the same smtp-source workloads into Postern and into a private
# Postfix instance (same role: durable queue, relayhost = one loopback smtp-sink), alternating
# A B A B for ROUNDS rounds, then end-to-end throughput against concurrent sessions for both,
# as a CSV and a gnuplot PNG, then fsync calls per message for each workload under strace.
#
#   W1 smtp-source -s 20  -m 10000 -l 4096
#   W2 smtp-source -s 100 -m 20000 -l 4096
#   W3 smtp-source -s 20  -m 2000  -l 102400
#   W4 smtp-source -s 20  -m 5000  -r 10        (ten recipients per message, all to the sink)
#
# Environment (defaults in brackets):
#   ROUNDS [3]          A B rounds per workload
#   SCALE [1]           multiplies every message count (SCALE=0.05 for a quick try)
#   WORKLOADS ["W1 W2 W3 W4"]
#   CURVE_SESSIONS ["1 5 20 50 100"], CURVE_MESSAGES [5000, times SCALE], 4 KB messages
#   FSYNC_MESSAGES [500]  messages per strace run (at most the workload's count); 0 skips
#   OUT [bench/results]  where workloads.csv, cpu.csv, curve.csv and curve.png go
#   WARMUP [0]          messages sent to each freshly started server before its measured run
#                       (same smtp-source arguments, not measured), for warm-JVM CPU figures
#
# Prints per workload and round: accepted msg/s (over smtp-source's run), end-to-end msg/s
# (until the sink has every message), resident memory after the run (Postern: the JVM's RSS;
# Postfix: PSS summed over all its processes), the Postern/Postfix end-to-end ratio, and on a
# second line the CPU time per message from the first message sent to the last one at the sink
# (Postern per thread group: smtpserver-io, spooler/delivery, queue, jit, gc, other; Postfix all its
# processes together; bench/lib/cpu.py), also in cpu.csv; the median ratio per workload; the
# curve; fsync calls per message. Exits 1 as soon as a sink receives fewer messages than were
# sent (a loss), 2 if something needed is missing.
# Needs root, the distribution (mvn -B -DskipTests package), Debian's postfix (service never
# started) and strace; installs gnuplot-nox if missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-3}
scale=${SCALE:-1}
workloads=${WORKLOADS:-W1 W2 W3 W4}
curve_sessions=${CURVE_SESSIONS:-1 5 20 50 100}
fsync_messages=${FSYNC_MESSAGES:-500}
warmup=${WARMUP:-0}
bench_init
out=${OUT:-bench/results}
mkdir -p "$out"
ensure_packages gnuplot-nox

scaled() { awk -v m="$1" -v s="$scale" 'BEGIN {n = int(m * s + 0.5); print (n < 1) ? 1 : n}'; }
curve_messages=${CURVE_MESSAGES:-$(scaled 5000)}

# Workload name -> message count and the other smtp-source arguments.
workload_messages() { case $1 in W1) scaled 10000;; W2) scaled 20000;; W3) scaled 2000;; W4) scaled 5000;; *) echo "unknown workload $1" >&2; exit 2;; esac; }
workload_args() { case $1 in W1) echo "-s 20 -l 4096";; W2) echo "-s 100 -l 4096";; W3) echo "-s 20 -l 102400";; W4) echo "-s 20 -r 10";; esac; }

# Runs one measured workload against a freshly started MTA and sink (a new, empty queue).
run_once() {
    local mta=$1 messages=$2; shift 2
    start_sink; mta_start "$mta"
    [ "$warmup" -eq 0 ] || measure "$mta" "$warmup" "$@"
    measure "$mta" "$messages" "$@"
    mta_stop "$mta"; stop_sink
}

# "total=7.41 gc=0.30" -> "7.41,...,0.30" in cpu.csv's column order (missing groups empty).
cpu_columns() {
    local g out=""
    for g in total smtpserver-io spooler/delivery queue jit gc other; do
        out+=",$(tr ' ' '\n' <<< "$1" | awk -F= -v g="$g" '$1 == g {print $2}')"
    done
    echo "${out#,}"
}

echo "relay-vs-postfix: $rounds rounds, SCALE=$scale, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "postfix $(postconf -d -h mail_version), $(java -version 2>&1 | head -1)"
echo "workload,round,mta,messages,smtp_source_args,accepted_msg_s,end_to_end_msg_s,memory_mb" > "$out/workloads.csv"
echo "workload,round,mta,messages,warmup,cpu_ms_total,smtpserver_io,spooler_delivery,queue,jit,gc,other" > "$out/cpu.csv"
summary=()
for w in $workloads; do
    messages=$(workload_messages "$w")
    read -ra args <<< "$(workload_args "$w")"
    echo "$w: smtp-source ${args[*]} -m $messages"
    ratios=()
    for round in $(seq 1 "$rounds"); do
        run_once postern "$messages" "${args[@]}"
        a_accept=$accept_rate; a_e2e=$e2e_rate; a_rss=$rss; a_cpu=$cpu_ms
        run_once postfix "$messages" "${args[@]}"
        ratio=$(awk "BEGIN {printf \"%.2f\", $a_e2e / $e2e_rate}")
        ratios+=("$ratio")
        printf '  round %d: postern accepted %s msg/s, end to end %s msg/s, %s MB | postfix accepted %s msg/s, end to end %s msg/s, %s MB | ratio %s\n' \
            "$round" "$a_accept" "$a_e2e" "$a_rss" "$accept_rate" "$e2e_rate" "$rss" "$ratio"
        printf '           CPU ms/message: postern %s | postfix %s\n' "$a_cpu" "$cpu_ms"
        echo "$w,$round,postern,$messages,$warmup,$(cpu_columns "$a_cpu")" >> "$out/cpu.csv"
        echo "$w,$round,postfix,$messages,$warmup,$(cpu_columns "$cpu_ms")" >> "$out/cpu.csv"
        echo "$w,$round,postern,$messages,${args[*]},$a_accept,$a_e2e,$a_rss" >> "$out/workloads.csv"
        echo "$w,$round,postfix,$messages,${args[*]},$accept_rate,$e2e_rate,$rss" >> "$out/workloads.csv"
    done
    summary+=("$w median Postern/Postfix end-to-end ratio: $(median "${ratios[@]}") (rounds: ${ratios[*]})")
    echo "  ${summary[-1]}"
done

echo "sessions curve: smtp-source -s N -m $curve_messages -l 4096, end-to-end msg/s"
echo "sessions,postern_msg_s,postfix_msg_s" > "$out/curve.csv"
for n in $curve_sessions; do
    run_once postern "$curve_messages" -s "$n" -l 4096; a_e2e=$e2e_rate
    run_once postfix "$curve_messages" -s "$n" -l 4096
    printf '  %3d sessions: postern %s msg/s, postfix %s msg/s\n' "$n" "$a_e2e" "$e2e_rate"
    echo "$n,$a_e2e,$e2e_rate" >> "$out/curve.csv"
done
gnuplot <<PLOT
set terminal pngcairo size 800,500
set output "$out/curve.png"
set datafile separator ","
set title "Relay end to end, $curve_messages messages of 4 KB, $(nproc) cores, $(date -u +%Y-%m-%d)"
set xlabel "concurrent SMTP sessions (smtp-source -s)"
set ylabel "messages per second until the sink has them all"
set logscale x
set yrange [0:*]
set key top left
set grid
plot "$out/curve.csv" using 1:2 skip 1 with linespoints lw 2 title "Postern", \
     "$out/curve.csv" using 1:3 skip 1 with linespoints lw 2 title "Postfix $(postconf -d -h mail_version)"
PLOT
echo "  wrote $out/workloads.csv, $out/cpu.csv, $out/curve.csv, $out/curve.png"

if [ "$fsync_messages" -gt 0 ] && command -v strace >/dev/null; then
    echo "fsync and fdatasync calls per message (under strace; received and relayed):"
    for w in $workloads; do
        read -ra args <<< "$(workload_args "$w")"
        m=$(workload_messages "$w"); [ "$m" -le "$fsync_messages" ] || m=$fsync_messages
        line="  $w ($m messages):"
        for mta in postern postfix; do
            fsync_count "$mta" "$m" "${args[@]}"
            line+=" $mta $(awk "BEGIN {printf \"%.2f\", $fsync_calls / $m}")"
        done
        echo "$line"
    done
fi
printf '%s\n' "${summary[@]}"
echo "no message lost"
