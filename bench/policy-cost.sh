#!/usr/bin/env bash
# The per-call cost of a policy service: relay throughput of Postern without a policy service and
# with one check_policy_service call per RCPT TO (smtpd_recipient_restrictions) against a trivial
# policy server (python3 on loopback, answers action=DUNNO at once, so what is measured is
# Postern's side: the request, the connection reuse, the reply), rounds alternating A B A B ...,
# smtp-source -> Postern -> smtp-sink on loopback. One recipient per message, so one call per
# message. Prints per round the accepted and end-to-end messages per second of both, and the
# median added cost per call (1/rate with the policy minus 1/rate without, in milliseconds of
# accepted throughput). The policy server's request count is checked against the messages sent.
#
#   bench/policy-cost.sh [MESSAGES] [SESSIONS] [SIZE] [ROUNDS]   (defaults 2000 20 4096 3)
#
# Needs the distribution (mvn -B -DskipTests package), Debian's postfix (smtp-source, smtp-sink),
# python3, and root (smtp-sink -u).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

messages=${1:-2000}
sessions=${2:-20}
size=${3:-4096}
rounds=${4:-3}
bench_init

policy_port=$(free_port)
# SIGUSR1 writes the number of requests answered so far to $work/policy.count.
cat > "$work/policy.py" <<'PY'
import signal, socketserver, sys, threading
port, count_file = int(sys.argv[1]), sys.argv[2]
answered = 0
lock = threading.Lock()

class Policy(socketserver.StreamRequestHandler):
    def handle(self):
        global answered
        for line in self.rfile:
            if line.strip():
                continue
            self.wfile.write(b"action=DUNNO\n\n")
            self.wfile.flush()
            with lock:
                answered += 1

def report(signum, frame):
    with open(count_file, "w") as out:
        out.write(str(answered))

signal.signal(signal.SIGUSR1, report)
socketserver.ThreadingTCPServer.daemon_threads = True
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("127.0.0.1", port), Policy).serve_forever()
PY
python3 "$work/policy.py" "$policy_port" "$work/policy.count" > "$work/policy.out" 2>&1 &
policy_pid=$!
trap 'kill "$policy_pid" 2>/dev/null || true; bench_cleanup' EXIT
until python3 -c "import socket; socket.create_connection(('127.0.0.1', $policy_port), timeout=1)" 2>/dev/null; do sleep 0.1; done

policy_requests() {
    rm -f "$work/policy.count"
    kill -USR1 "$policy_pid"
    until [ -s "$work/policy.count" ]; do sleep 0.05; done
    cat "$work/policy.count"
}

echo "workload: smtp-source -s $sessions -m $messages -l $size, one RCPT per message, $rounds rounds, $(nproc) cores, policy server python3 (DUNNO), $(date -u +%Y-%m-%d)"
costs=()
for round in $(seq 1 "$rounds"); do
    start_sink; postern_start
    measure postern "$messages" -s "$sessions" -l "$size"; postern_stop; stop_sink
    plain_accept=$accept_rate; plain_e2e=$e2e_rate
    before=$(policy_requests)
    start_sink; postern_new_home
    echo "smtpd_recipient_restrictions = check_policy_service inet:127.0.0.1:$policy_port" >> "$home/conf/main.cf"
    postern_launch
    measure postern "$messages" -s "$sessions" -l "$size"; postern_stop; stop_sink
    calls=$(( $(policy_requests) - before ))
    if [ "$calls" -ne "$messages" ]; then
        echo "the policy server answered $calls requests for $messages messages: not one call per message" >&2
        exit 1
    fi
    cost=$(awk "BEGIN {printf \"%+.3f\", 1000 / $accept_rate - 1000 / $plain_accept}")
    costs+=("$cost")
    printf 'round %d: no policy accepted %s msg/s, end to end %s msg/s | policy accepted %s msg/s, end to end %s msg/s (%d calls) | %s ms per call\n' \
        "$round" "$plain_accept" "$plain_e2e" "$accept_rate" "$e2e_rate" "$calls" "$cost"
done
echo "median added cost of one check_policy_service call: $(median "${costs[@]}") ms per message of accepted throughput ($sessions sessions)"
