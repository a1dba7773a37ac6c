#!/usr/bin/env bash
# SMTP fuzzing drill: starts the packaged Postern with its own home on free loopback ports
# (relayhost a loopback port nobody listens on, so accepted mail just waits in the queue),
# runs smtp_fuzz.py's hostile sessions against its SMTP, submission and submissions
# listeners, and has it check every reply, that the server still answers a normal
# transaction, and that its thread count comes back near idle. Afterwards prints the
# exceptions the server logged (for reading; the clients must never see them).
#
#   bench/smtp-fuzz/run.sh [SESSIONS] [SEED] [more smtp_fuzz.py options...]   (defaults 2000, random)
#
# Needs the distribution (mvn -B -DskipTests package) and python3. Exits non-zero on any
# violation (smtp_fuzz.py prints them) and then keeps the server's console log ($FUZZ_KEEP,
# or a file under /tmp that it names).
set -euo pipefail
cd "$(dirname "$0")/../.."

sessions=${1:-2000}
seed=${2:-}
shift $(( $# < 2 ? $# : 2 ))
dist=server-app/target/postern
[ -x "$dist/bin/postern" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 missing" >&2; exit 2; }

python3 bench/smtp-fuzz/smtp_fuzz.py --self-test || { echo "the fuzzer's own checks fail" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d /tmp/postern-fuzz.XXXXXX)
server_pid=""
cleanup() {
    [ -z "$server_pid" ] || { kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/home"; cp -r "$dist/conf" "$work/home/"
smtp_port=$(free_port); submission_port=$(free_port); submissions_port=$(free_port)
POSTERN_relayhost="[127.0.0.1]:$(free_port)" \
POSTERN_postern_smtpd_listen="127.0.0.1:$smtp_port" \
POSTERN_postern_submission_listen="127.0.0.1:$submission_port" \
POSTERN_postern_submissions_listen="127.0.0.1:$submissions_port" \
POSTERN_postern_webadmin_listen="127.0.0.1:$(free_port)" \
    "$dist/bin/postern" run --home "$work/home" > "$work/console.log" 2>&1 &
server_pid=$!

started=$(( $(date +%s) + 120 ))
until python3 - "$smtp_port" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
assert s.recv(100).startswith(b"220")
PY
do
    kill -0 "$server_pid" 2>/dev/null || { echo "the server did not start:" >&2; tail -30 "$work/console.log" >&2; exit 1; }
    [ "$(date +%s)" -lt "$started" ] || { echo "no greeting after 120 s" >&2; exit 1; }
    sleep 0.2
done

status=0
python3 bench/smtp-fuzz/smtp_fuzz.py --smtp "$smtp_port" --submission "$submission_port" \
    --submissions "$submissions_port" --sessions "$sessions" ${seed:+--seed "$seed"} \
    --pid "$server_pid" "$@" || status=$?

# What the server logged meanwhile: for reading, not judged (a failed TLS handshake is logged).
# The mail log lines quote client input, so they are left out.
grep -a -v 'smtpd\[' "$work/console.log" | grep -a -o -E '[A-Za-z0-9_.]*(Exception|Error)\b[^ ]*' \
    | sort | uniq -c | sort -rn | head -10 > "$work/exceptions" || true
echo "exceptions and errors the server logged (most frequent first):"
cat "$work/exceptions"
if [ "$status" -ne 0 ]; then
    keep=${FUZZ_KEEP:-/tmp/postern-fuzz-console.$$.log}
    cp "$work/console.log" "$keep"; echo "server console log kept in $keep"
fi
exit "$status"
