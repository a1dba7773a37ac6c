#!/usr/bin/env bash
# Crash and downstream drills for Postern's durable queue: nothing that got a 250 may be lost.
#
# Crash drill, ROUNDS rounds: bench/client/SmtpLoad.java sends at full speed (SESSIONS sessions,
# unique Message-IDs, each ID written down the moment its DATA gets a 250); at a random moment
# (uniform in KILL_MIN..KILL_MAX seconds into the load) Postern gets kill -9; it is started
# again on the same queue and drains to the smtp-sink relayhost, which keeps every message
# (smtp-sink -d). Per round it prints accepted (250 replies to DATA, counted by the client) and
# delivered (distinct accepted Message-IDs found at the sink), the messages delivered twice
# (a delivery under way at the kill is made again) and those delivered without a 250 (cut off
# between "." and the reply). An accepted message missing at the sink fails the drill.
#
# Downstream drill: the same load (DOWN_MESSAGES messages), and DOWN_AT seconds in the sink goes
# away for DOWN_SECONDS seconds, then returns on the same port. Every accepted message must
# arrive, and in the mail log (var/log/maillog) every message's delivery attempts (its
# status=deferred lines, then its status=sent line) must be spaced per the retry schedule set in
# this drill's main.cf: at least minimal_backoff_time (BACKOFF_MIN) and at most
# maximal_backoff_time (BACKOFF_MAX) plus RETRY_SLACK seconds (queue scan and log second
# rounding; an attempt may also start up to a second early on the log's second resolution).
#
#   bench/crash-drill.sh            (environment, defaults in brackets:)
#   ROUNDS [5]  SESSIONS [20]  KILL_MIN [2]  KILL_MAX [10]  LOAD_MESSAGES [1000000: until killed]
#   DOWN_SECONDS [60]  DOWN_AT [3]  DOWN_MESSAGES [5000]  BACKOFF_MIN [10]  BACKOFF_MAX [20]
#   RETRY_SLACK [5]  DRAIN_TIMEOUT [600]  SKIP_DOWNSTREAM [unset]
#
# Exits 0 when both drills pass, 1 on a loss or an off-schedule retry, 2 if something is missing.
# Needs root (smtp-sink -u), the distribution, Debian's postfix (smtp-sink) and a JDK 17.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rounds=${ROUNDS:-5}
sessions=${SESSIONS:-20}
kill_min=${KILL_MIN:-2}
kill_max=${KILL_MAX:-10}
load_messages=${LOAD_MESSAGES:-1000000}
down_seconds=${DOWN_SECONDS:-60}
down_at=${DOWN_AT:-3}
down_messages=${DOWN_MESSAGES:-5000}
backoff_min=${BACKOFF_MIN:-10}
backoff_max=${BACKOFF_MAX:-20}
retry_slack=${RETRY_SLACK:-5}
drain_timeout=${DRAIN_TIMEOUT:-600}
bench_init
command -v javac >/dev/null || { echo "javac missing: apt-get install openjdk-17-jdk-headless" >&2; exit 2; }
javac -d "$work/client" bench/client/SmtpLoad.java
mkdir -p "$work/dump"; chmod 777 "$work/dump"
sink() { start_sink -d "$work/dump/%H%M%S."; }
load_pid=""
trap 'kill "$load_pid" 2>/dev/null || true; bench_cleanup' EXIT

# Distinct Message-IDs with this tag that have reached the sink, one a line, sorted.
delivered_ids() { { grep -rhos "^Message-ID: <$1\.[0-9]*@bench>" "$work/dump" || true; } | sed 's/^Message-ID: <//; s/>$//' | sort -u; }
# How many times messages with this tag have reached the sink (duplicates included).
delivered_total() { { grep -rhos "^Message-ID: <$1\.[0-9]*@bench>" "$work/dump" || true; } | wc -l; }

# Waits until every ID in file $2 (tag $1) is at the sink, or DRAIN_TIMEOUT; sets missing.
drain() {
    local tag=$1 accepted=$2 deadline=$(( $(date +%s) + drain_timeout ))
    sort -u "$accepted" > "$accepted.sorted"
    while :; do
        missing=$(delivered_ids "$tag" | comm -23 "$accepted.sorted" - | wc -l)
        [ "$missing" -gt 0 ] && [ "$(date +%s)" -lt "$deadline" ] || break
        sleep 1
    done
}

echo "crash drill: $rounds rounds, $sessions sessions of 4 KB messages, kill -9 at ${kill_min}-${kill_max} s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
sink
postern_new_home
# The drill's retry schedule, so that a minute's outage shows several attempts.
printf '\n# crash-drill.sh\nminimal_backoff_time = %ss\nmaximal_backoff_time = %ss\nqueue_run_delay = %ss\n' \
    "$backoff_min" "$backoff_max" "$backoff_min" >> "$home/conf/main.cf"
postern_launch
failed=0
for round in $(seq 1 "$rounds"); do
    tag=r$round
    java -cp "$work/client" SmtpLoad --port "$smtp_port" --sessions "$sessions" --messages "$load_messages" \
        --size 4096 --tag "$tag" --accepted "$work/$tag.accepted" > "$work/$tag.load" 2>&1 &
    load_pid=$!
    delay=$(awk -v a="$kill_min" -v b="$kill_max" -v r="$RANDOM" 'BEGIN {printf "%.1f", a + (b - a) * r / 32767}')
    sleep "$delay"
    kill -0 "$load_pid" 2>/dev/null || echo "  round $round: the load ended before the kill (raise LOAD_MESSAGES)" >&2
    kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
    wait "$load_pid" || true; load_pid=""
    postern_launch
    accepted=$(wc -l < "$work/$tag.accepted")
    drain "$tag" "$work/$tag.accepted"
    delivered=$(( accepted - missing ))
    total=$(delivered_total "$tag")
    distinct=$(delivered_ids "$tag" | wc -l)
    unacknowledged=$(delivered_ids "$tag" | comm -13 "$work/$tag.accepted.sorted" - | wc -l)
    verdict=ok; [ "$missing" -eq 0 ] || { verdict="LOST $missing"; failed=1; }
    printf '  round %d: kill -9 at %s s; accepted %d, delivered %d of them; delivered twice %d; delivered without a 250 %d; restart %s s: %s\n' \
        "$round" "$delay" "$accepted" "$delivered" "$(( total - distinct ))" "$unacknowledged" "$startup" "$verdict"
    [ "$missing" -eq 0 ] || delivered_ids "$tag" | comm -23 "$work/$tag.accepted.sorted" - | head -5 | sed 's/^/    missing: /' >&2
done

if [ -z "${SKIP_DOWNSTREAM:-}" ]; then
    echo "downstream drill: $down_messages messages, the sink away for $down_seconds s from $down_at s in; minimal_backoff_time=${backoff_min}s maximal_backoff_time=${backoff_max}s"
    tag=down
    log_lines_before=$(wc -l < "$home/var/log/maillog")
    java -cp "$work/client" SmtpLoad --port "$smtp_port" --sessions "$sessions" --messages "$down_messages" \
        --size 4096 --tag "$tag" --accepted "$work/$tag.accepted" > "$work/$tag.load" 2>&1 &
    load_pid=$!
    sleep "$down_at"
    stop_sink; down_start=$(date +%s)
    sleep "$down_seconds"
    sink; echo "  sink back after $(( $(date +%s) - down_start )) s"
    wait "$load_pid" || true; load_pid=""
    echo "  load: $(cat "$work/$tag.load")"
    accepted=$(wc -l < "$work/$tag.accepted")
    drain "$tag" "$work/$tag.accepted"
    verdict=ok; [ "$missing" -eq 0 ] || { verdict="LOST $missing"; failed=1; }
    echo "  accepted $accepted, delivered $(( accepted - missing )) of them, delivered twice $(( $(delivered_total "$tag") - $(delivered_ids "$tag" | wc -l) )): $verdict"
    # Attempts per queue ID from the smtp agent's lines after the drill began: the gaps between
    # one attempt and the next must follow the schedule.
    tail -n +"$(( log_lines_before + 1 ))" "$home/var/log/maillog" > "$work/down.maillog"
    python3 - "$work/down.maillog" "$backoff_min" "$backoff_max" "$retry_slack" <<'PY' || failed=1
import re, sys, datetime
log, low, high, slack = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
line_re = re.compile(r'^(\w{3} +\d+ \d\d:\d\d:\d\d) \S+ \S+/smtp\[\d+\]: ([0-9A-F]+): to=<[^>]*>.*status=(sent|deferred)(.*)$')
attempts = {}
reasons = {}
for line in open(log, errors="replace"):
    m = line_re.match(line)
    if not m:
        continue
    when = datetime.datetime.strptime("2000 " + m.group(1), "%Y %b %d %H:%M:%S")
    attempts.setdefault(m.group(2), []).append((when, m.group(3)))
    if m.group(3) == "deferred":
        reason = re.sub(r"\d+", "N", m.group(4).strip())[:100]
        reasons[reason] = reasons.get(reason, 0) + 1
deferred = {q: a for q, a in attempts.items() if any(s == "deferred" for _, s in a)}
gaps = [(q, (b[0] - a[0]).total_seconds()) for q, a_list in deferred.items() for a, b in zip(a_list, a_list[1:])]
bad = [(q, g) for q, g in gaps if g < low - 1 or g > high + slack]
never = [q for q, a in deferred.items() if a[-1][1] != "sent"]
print(f"  mail log: {len(attempts)} messages relayed, {len(deferred)} deferred at least once, "
      f"{sum(len(a) for a in deferred.values()) - len(deferred)} retries; gaps between attempts "
      + (f"{min(g for _, g in gaps):.0f}-{max(g for _, g in gaps):.0f} s" if gaps else "none")
      + f" (allowed {low - 1}-{high + slack} s), {len(bad)} off schedule, {len(never)} not sent in the end")
for reason, count in sorted(reasons.items(), key=lambda r: -r[1])[:3]:
    print(f"    deferred {count}x: {reason}")
for q, g in bad[:5]:
    print(f"    off schedule: {q} retried after {g:.0f} s", file=sys.stderr)
if not deferred:
    print("  no message was deferred: the outage did not hit the relay (raise DOWN_MESSAGES or lower DOWN_AT)", file=sys.stderr)
sys.exit(1 if bad or never or not deferred else 0)
PY
fi
[ "$failed" -eq 0 ] && echo "drill passed: nothing accepted was lost" || echo "DRILL FAILED" >&2
exit "$failed"
