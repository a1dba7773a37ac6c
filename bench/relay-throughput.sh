#!/usr/bin/env bash
# Relay throughput of the packaged server: smtp-source -> Postern -> smtp-sink, all on
# loopback, with the durable queue. Prints startup time to the first accepted
# connection, resident memory idle and after the run, accepted and end-to-end
# messages per second, and fsync calls per accepted message (a separate, smaller run
# under strace, which slows the server down).
#
#   bench/relay-throughput.sh [MESSAGES] [SESSIONS] [SIZE]     (defaults 5000 20 4096)
#
# Needs the distribution (mvn -B -DskipTests package) and Debian's postfix package for
# smtp-source and smtp-sink; strace for the fsync count. Exits non-zero if the sink
# receives fewer messages than were accepted.
set -euo pipefail
cd "$(dirname "$0")/.."

messages=${1:-5000}
sessions=${2:-20}
size=${3:-4096}
dist=server-app/target/postern
[ -x "$dist/bin/postern" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
for tool in smtp-source smtp-sink; do
    command -v $tool >/dev/null || { echo "$tool missing: apt-get install postfix" >&2; exit 2; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
smtp_port=$(free_port); web_port=$(free_port); sink_port=$(free_port)
work=$(mktemp -d /tmp/postern-bench.XXXXXX)
chmod 755 "$work"
cleanup() {
    [ -n "${server_pid:-}" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    [ -n "${sink_pid:-}" ] && kill "$sink_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

start_sink() {
    smtp-sink -u nobody -c "127.0.0.1:$sink_port" 256 > "$work/sink.out" 2>&1 &
    sink_pid=$!
}
sink_count() { tr '\r' '\n' < "$work/sink.out" | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2 || echo 0; }

start_server() {
    rm -rf "$work/home"; mkdir -p "$work/home"; cp -r "$dist/conf" "$work/home/"
    local start=$(date +%s.%N)
    POSTERN_relayhost="[127.0.0.1]:$sink_port" \
    POSTERN_postern_smtpd_listen="127.0.0.1:$smtp_port" \
    POSTERN_postern_webadmin_listen="127.0.0.1:$web_port" \
        "$dist/bin/postern" run --home "$work/home" > "$work/console.log" 2>&1 &
    server_pid=$!
    until python3 - "$smtp_port" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
assert s.recv(100).startswith(b"220")
PY
    do
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/console.log"; exit 1; }
        sleep 0.05
    done
    startup=$(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $start}")
}
rss_mb() { echo "$(( $(ps -o rss= -p "$server_pid") / 1024 ))"; }

wait_for_sink() {
    local want=$1 deadline=$(( $(date +%s) + 600 ))
    while [ "$(sink_count)" -lt "$want" ]; do
        [ "$(date +%s)" -lt "$deadline" ] || break
        sleep 0.1
    done
}

start_sink
start_server
echo "startup to first accepted connection: ${startup} s"
sleep 2
echo "resident memory idle: $(rss_mb) MB"

t0=$(date +%s.%N)
smtp-source -s "$sessions" -m "$messages" -l "$size" -f bench@example.com -t sink@remote.example "127.0.0.1:$smtp_port"
t1=$(date +%s.%N)
wait_for_sink "$messages"
t2=$(date +%s.%N)
got=$(sink_count)
accept_rate=$(awk "BEGIN {printf \"%.1f\", $messages / ($t1 - $t0)}")
e2e_rate=$(awk "BEGIN {printf \"%.1f\", $got / ($t2 - $t0)}")
echo "smtp-source -s $sessions -m $messages -l $size: accepted $accept_rate msg/s, end to end $e2e_rate msg/s (sink got $got)"
echo "resident memory after $messages messages: $(rss_mb) MB"
if [ "$got" -lt "$messages" ]; then
    echo "LOST: sink received $got of $messages" >&2
    exit 1
fi

if command -v strace >/dev/null; then
    sample=500
    kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
    kill "$sink_pid"; wait "$sink_pid" 2>/dev/null || true
    start_sink
    start_server
    strace -f -qq -c -e trace=fsync,fdatasync -o "$work/strace.out" -p "$server_pid" &
    strace_pid=$!
    sleep 1
    before=$(sink_count)
    smtp-source -s "$sessions" -m "$sample" -l "$size" -f bench@example.com -t sink@remote.example "127.0.0.1:$smtp_port"
    wait_for_sink $(( before + sample ))
    sleep 1
    kill -INT "$strace_pid"; wait "$strace_pid" 2>/dev/null || true
    calls=$(awk '$NF=="fsync" || $NF=="fdatasync" {sum += $4} END {print sum+0}' "$work/strace.out")
    echo "fsync calls per relayed message: $(awk "BEGIN {printf \"%.2f\", $calls / $sample}") ($calls over $sample messages, received and delivered)"
fi
