#!/usr/bin/env bash
# Relay throughput, Postern against Postfix side by side: smtp-source -> MTA -> smtp-sink,
# all on loopback, each MTA with its durable queue and the sink as its relayhost. Rounds
# alternate Postern and Postfix (A B A B ...). Prints, per round and MTA: accepted and
# end-to-end messages per second and resident memory after the run, the Postern/Postfix
# ratio per round and the median; for Postern also the startup time to the first
# accepted connection and idle memory; then fsync calls per relayed message for both
# (a separate, smaller run under strace, which slows the server down).
#
#   bench/relay-throughput.sh [MESSAGES] [SESSIONS] [SIZE] [ROUNDS]   (defaults 5000 20 4096 3)
#
# Needs the distribution (mvn -B -DskipTests package), Debian's postfix package (smtp-source,
# smtp-sink and the Postfix instance; its service is never started), strace, and root (the
# Postfix master runs as root). Exits non-zero if a sink receives fewer messages than were
# accepted.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib/postfix-instance.sh

messages=${1:-5000}
sessions=${2:-20}
size=${3:-4096}
rounds=${4:-3}
dist=server-app/target/postern
[ -x "$dist/bin/postern" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
for tool in smtp-source smtp-sink postfix; do
    command -v $tool >/dev/null || { echo "$tool missing: apt-get install postfix" >&2; exit 2; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/postern-bench.XXXXXX)
chmod 755 "$work"
server_pid=""; sink_pid=""
cleanup() {
    [ -z "$server_pid" ] || { kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
    [ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null || true
    postfix_stop "$work/postfix"
    rm -rf "$work"
}
trap cleanup EXIT

start_sink() {
    sink_port=$(free_port)
    smtp-sink -u nobody -c "127.0.0.1:$sink_port" 256 > "$work/sink.out" 2>&1 &
    sink_pid=$!
    sleep 0.2
}
stop_sink() { kill "$sink_pid" 2>/dev/null; wait "$sink_pid" 2>/dev/null || true; sink_pid=""; }
sink_count() { tr '\r' '\n' < "$work/sink.out" | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2 || echo 0; }

await_greeting() {
    until python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
assert s.recv(100).startswith(b"220")
PY
    do sleep 0.05; done
}

# --- Postern ---
postern_start() {
    rm -rf "$work/home"; mkdir -p "$work/home"; cp -r "$dist/conf" "$work/home/"
    smtp_port=$(free_port)
    local start
    start=$(date +%s.%N)
    POSTERN_relayhost="[127.0.0.1]:$sink_port" \
    POSTERN_postern_smtpd_listen="127.0.0.1:$smtp_port" \
    POSTERN_postern_webadmin_listen="127.0.0.1:$(free_port)" \
        "$dist/bin/postern" run --home "$work/home" > "$work/console.log" 2>&1 &
    server_pid=$!
    await_greeting "$smtp_port"
    startup=$(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $start}")
    pid_to_trace=$server_pid
}
postern_stop() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }
postern_rss() { echo $(( $(ps -o rss= -p "$server_pid") / 1024 )); }

# --- Postfix ---
postfix_begin() {
    rm -rf "$work/postfix"
    smtp_port=$(free_port)
    postfix_start "$work/postfix" "$smtp_port" "[127.0.0.1]:$sink_port" >/dev/null
    await_greeting "$smtp_port"
    pid_to_trace=$(postfix_pid "$work/postfix")
}
postfix_end() { postfix_stop "$work/postfix"; sleep 1; }
postfix_rss() { postfix_rss_mb "$work/postfix"; }

# One measured run: sets accept_rate, e2e_rate, rss.
measure() {
    local mta=$1 t0 t1 t2 got deadline
    t0=$(date +%s.%N)
    smtp-source -s "$sessions" -m "$messages" -l "$size" -f bench@example.com -t sink@remote.example "127.0.0.1:$smtp_port"
    t1=$(date +%s.%N)
    deadline=$(( $(date +%s) + 900 ))
    while [ "$(sink_count)" -lt "$messages" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    t2=$(date +%s.%N)
    got=$(sink_count)
    if [ "$got" -lt "$messages" ]; then
        echo "LOST: $mta: the sink received $got of $messages" >&2
        exit 1
    fi
    accept_rate=$(awk "BEGIN {printf \"%.1f\", $messages / ($t1 - $t0)}")
    e2e_rate=$(awk "BEGIN {printf \"%.1f\", $got / ($t2 - $t0)}")
    rss=$("${mta}_rss")
}

echo "workload: smtp-source -s $sessions -m $messages -l $size, $rounds rounds, $(nproc) cores, $(date -u +%Y-%m-%d)"
ratios=()
for round in $(seq 1 "$rounds"); do
    start_sink; postern_start
    [ "$round" -gt 1 ] || { sleep 2; echo "postern: startup to first accepted connection ${startup} s, resident memory idle $(postern_rss) MB"; }
    measure postern; postern_stop; stop_sink
    a_accept=$accept_rate; a_e2e=$e2e_rate; a_rss=$rss
    start_sink; postfix_begin
    measure postfix; postfix_end; stop_sink
    ratio=$(awk "BEGIN {printf \"%.2f\", $a_e2e / $e2e_rate}")
    ratios+=("$ratio")
    printf 'round %d: postern accepted %s msg/s, end to end %s msg/s, %s MB | postfix accepted %s msg/s, end to end %s msg/s, %s MB | ratio %s\n' \
        "$round" "$a_accept" "$a_e2e" "$a_rss" "$accept_rate" "$e2e_rate" "$rss" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "median Postern/Postfix end-to-end ratio: $median"

if command -v strace >/dev/null; then
    messages_before=$messages
    messages=500
    for mta in postern postfix; do
        start_sink
        if [ "$mta" = postern ]; then postern_start; else postfix_begin; fi
        strace -f -qq -c -e trace=fsync,fdatasync -o "$work/strace.out" -p "$pid_to_trace" &
        strace_pid=$!
        sleep 1
        measure "$mta"
        sleep 1
        kill -INT "$strace_pid"; wait "$strace_pid" 2>/dev/null || true
        calls=$(awk '$NF=="fsync" || $NF=="fdatasync" {sum += $4} END {print sum+0}' "$work/strace.out")
        echo "$mta: fsync calls per relayed message: $(awk "BEGIN {printf \"%.2f\", $calls / $messages}") ($calls over $messages messages, received and delivered)"
        if [ "$mta" = postern ]; then postern_stop; else postfix_end; fi
        stop_sink
    done
    messages=$messages_before
fi
