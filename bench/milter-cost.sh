#!/usr/bin/env bash
# The per-message cost of one milter: relay throughput of Postern without a milter and with
# Debian's OpenDKIM signing every message (smtpd_milters = inet:127.0.0.1:PORT), rounds
# alternating A B A B ..., smtp-source -> Postern -> smtp-sink on loopback. Prints per round the
# accepted and end-to-end messages per second of both, and the median added cost per message
# (1/rate with the milter minus 1/rate without, in milliseconds of accepted throughput).
#
#   bench/milter-cost.sh [MESSAGES] [SESSIONS] [SIZE] [ROUNDS]   (defaults 2000 20 4096 3)
#
# Needs the distribution (mvn -B -DskipTests package), Debian's postfix (smtp-source, smtp-sink),
# opendkim and opendkim-tools, and root (smtp-sink -u).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

messages=${1:-2000}
sessions=${2:-20}
size=${3:-4096}
rounds=${4:-3}
bench_init
ensure_packages opendkim opendkim-tools

# OpenDKIM signs mail of bench@example.com (smtp-source's sender) coming from 127.0.0.1.
milter_port=$(free_port)
mkdir -p "$work/dkim"
opendkim-genkey -b 2048 -d example.com -s bench -D "$work/dkim"
cat > "$work/dkim/opendkim.conf" <<CONF
Mode s
Domain example.com
Selector bench
KeyFile $work/dkim/bench.private
Socket inet:$milter_port@127.0.0.1
Syslog no
RequireSafeKeys false
InternalHosts 127.0.0.1
CONF
opendkim -f -x "$work/dkim/opendkim.conf" > "$work/dkim/opendkim.out" 2>&1 &
opendkim_pid=$!
trap 'kill "$opendkim_pid" 2>/dev/null || true; bench_cleanup' EXIT
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $milter_port), timeout=1)" 2>/dev/null; do sleep 0.1; done

echo "workload: smtp-source -s $sessions -m $messages -l $size, $rounds rounds, $(nproc) cores, OpenDKIM rsa-sha256 2048-bit, $(date -u +%Y-%m-%d)"
costs=()
for round in $(seq 1 "$rounds"); do
    start_sink; postern_start
    measure postern "$messages" -s "$sessions" -l "$size"; postern_stop; stop_sink
    plain_accept=$accept_rate; plain_e2e=$e2e_rate
    start_sink; postern_new_home
    echo "smtpd_milters = inet:127.0.0.1:$milter_port" >> "$home/conf/main.cf"
    postern_launch
    measure postern "$messages" -s "$sessions" -l "$size"; postern_stop; stop_sink
    cost=$(awk "BEGIN {printf \"%.2f\", 1000 / $accept_rate - 1000 / $plain_accept}")
    costs+=("$cost")
    printf 'round %d: no milter accepted %s msg/s, end to end %s msg/s | OpenDKIM accepted %s msg/s, end to end %s msg/s | +%s ms per message\n' \
        "$round" "$plain_accept" "$plain_e2e" "$accept_rate" "$e2e_rate" "$cost"
done
echo "median added cost of one milter (OpenDKIM signing): $(median "${costs[@]}") ms per message of accepted throughput ($sessions sessions)"
