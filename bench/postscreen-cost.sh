#!/usr/bin/env bash
# Issue 21's cost of postscreen: what a bot costs Postern's postscreen against Postfix's, both
# enabled as a site does (master.cf: `smtp inet ... 1 postscreen` with `smtpd pass ... smtpd`
# behind it) on a loopback port, with the same main.cf settings: postscreen_greet_action = drop,
# postscreen_greet_wait = GREET_WAIT, postscreen_access_list = a cidr: table permitting
# 127.0.0.1 only (the readiness probe; the bots come from 127.0.0.10 and up, bench/lib/bots.py).
# Postfix also gets postscreen_pre_queue_limit, postscreen_post_queue_limit and
# postscreen_client_connection_count_limit of 10000, so its limits of 100 clients in tests and 50
# per client do not turn the bots away before the test (Postern has no such limits yet).
# For ROUNDS rounds, Postern then Postfix, each freshly started:
#   1. turned away: WARMUP pregreeting bots (not measured), then N bots, CONCURRENCY at a time,
#      each sending "EHLO bot" before the greeting and dropped with 521: dropped per second
#      (over the client's run) and the server's CPU time per dropped bot (bench/lib/cpu.py; Postern
#      per thread group, postscreen's event loops as "postscreen");
#   2. held: memory (Postern: RSS of the JVM after a full GC; Postfix: PSS summed over all its
#      processes) and Postern's threads / Postfix's processes before IDLE bots connect and while
#      they sit silent in the pregreet wait (SETTLE seconds after the last one is open), and the
#      growth of the private memory (Private_Clean + Private_Dirty of every process). What the
#      bots hold ("held", per bot too, the ratio's figure) is Postfix's private memory growth and
#      Postern's live heap growth (after full GCs): the JVM's RSS hardly grows, as the bots'
#      objects land in heap pages it has already touched.
# Prints per round both servers' figures and the Postern/Postfix ratios (rate, memory held),
# then the medians. Exits 1 if a server is not running at the end of its round, 2 if something
# needed is missing. Kernel socket buffers are in neither figure: they are the same for both.
#
#   N [2000]  CONCURRENCY [50]  WARMUP [1000]  IDLE [1000]  GREET_WAIT [30] s  SETTLE [3] s  ROUNDS [3]
#
# Needs root, the distribution (mvn -B -DskipTests package), Debian's postfix, python3.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bots=${N:-2000}; concurrency=${CONCURRENCY:-50}; warmup=${WARMUP:-1000}
idle=${IDLE:-1000}; greet_wait=${GREET_WAIT:-30}; settle=${SETTLE:-3}; rounds=${ROUNDS:-3}
# Every idle bot is a socket in the client and in the server.
ulimit -n 20000
bench_init

postscreen_main_cf() {
    printf '%s\n' "postscreen_greet_action = drop" "postscreen_greet_wait = ${greet_wait}s" \
        "postscreen_access_list = cidr:$1"
}

# Memory of the MTA in KB: the JVM's RSS after full GCs until it stops shrinking (SerialGC
# gives heap back a little more at each one; without them, whether a collection happened to
# shrink the heap in between outweighs what the bots hold); Postfix's PSS over the master and
# its children.
memory_kb() {
    if [ "$1" = postern ]; then
        local rss previous=0 i
        for i in 1 2 3 4 5; do
            jcmd "$server_pid" GC.run >/dev/null
            rss=$(ps -o rss= -p "$server_pid" | tr -d ' ')
            [ $(( previous - rss )) -gt 1024 ] || [ "$i" -eq 1 ] || break
            previous=$rss
        done
        echo "$rss"
        return
    fi
    smaps_sum postfix '/^Pss:/'
}

# Memory only the MTA's processes use, in KB (Private_Clean + Private_Dirty summed): what the
# bots add is measured with this, as a process of Postfix's starting or ending moves the other
# processes' PSS by more than a thousand idle clients take. Call it after memory_kb (its GC).
private_kb() { smaps_sum "$1" '/^Private_(Clean|Dirty):/'; }

# The KB of the smaps_rollup lines matching PATTERN, summed over the MTA's processes.
smaps_sum() {
    local pid sum=0 kb pids=$server_pid
    [ "$1" = postern ] || pids="$pid_to_trace $(ps -o pid= --ppid "$pid_to_trace")"
    for pid in $pids; do
        kb=$(awk "$2 {kb += \$2} END {print kb + 0}" "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
        sum=$(( sum + ${kb:-0} ))
    done
    echo "$sum"
}

# The JVM's live heap in KB (used, after memory_kb's full GC): what the bots' objects take.
heap_used_kb() {
    jcmd "$server_pid" GC.heap_info | awk '/total .*used/ && !/Metaspace|class space/ {
        for (i = 1; i < NF; i++) if ($i == "used") {v = $(i + 1); sub(/K.*/, "", v); sum += v}} END {print sum + 0}'
}

# Postern's threads; Postfix's processes (the master and its children).
tasks() {
    if [ "$1" = postern ]; then ls "/proc/$server_pid/task" | wc -l; else echo $(( 1 + $(ps -o pid= --ppid "$pid_to_trace" | wc -l) )); fi
}
task_name() { if [ "$1" = postern ]; then echo threads; else echo processes; fi; }

start_with_postscreen() {
    if [ "$1" = postern ]; then
        postern_new_home
        echo "127.0.0.1/32 permit" > "$home/conf/postscreen_access.cidr"
        postscreen_main_cf "$home/conf/postscreen_access.cidr" >> "$home/conf/main.cf"
        printf '%s\n' "smtp      inet  n       -       y       -       1       postscreen" \
            "smtpd     pass  -       -       y       -       -       smtpd" > "$home/conf/master.cf"
        postern_launch
    else
        echo "127.0.0.1/32 permit" > "$work/postscreen_access.cidr"
        POSTFIX_POSTSCREEN=yes POSTFIX_MAIN_CF="${POSTFIX_MAIN_CF:-}
$(postscreen_main_cf "$work/postscreen_access.cidr")
postscreen_pre_queue_limit = 10000
postscreen_post_queue_limit = 10000
postscreen_client_connection_count_limit = 10000" postfix_begin
    fi
}

running() {
    if [ "$1" = postern ]; then kill -0 "$server_pid" 2>/dev/null; else postfix -c "$work/postfix/etc" status >/dev/null 2>&1; fi
}

# One round for one MTA: sets rate, cpu_per_bot, mem_before, mem_held (MB), held_kb (KB per bot), and
# line (what to print).
run_round() {
    local mta=$1 result idle_pid counts
    start_with_postscreen "$mta"
    [ "$warmup" -eq 0 ] || python3 bench/lib/bots.py pregreet "$smtp_port" "$warmup" "$concurrency" >/dev/null
    cpu_snapshot "$mta" "$work/cpu.before"
    result=$(python3 bench/lib/bots.py pregreet "$smtp_port" "$bots" "$concurrency")
    cpu_snapshot "$mta" "$work/cpu.after"
    local dropped seconds
    dropped=$(grep -o 'dropped=[0-9]*' <<< "$result" | cut -d= -f2)
    seconds=$(grep -o 'seconds=[0-9.]*' <<< "$result" | cut -d= -f2)
    rate=$(awk "BEGIN {printf \"%.0f\", $dropped / $seconds}")
    cpu_per_bot=-
    [ "$dropped" -eq 0 ] || cpu_per_bot=$(python3 bench/lib/cpu.py per-message "$work/cpu.before" "$work/cpu.after" "$dropped")
    sleep 1
    mem_before=$(memory_kb "$mta"); private_before=$(private_kb "$mta"); tasks_before=$(tasks "$mta")
    [ "$mta" != postern ] || heap_before=$(heap_used_kb)
    rm -f "$work/idle.ready"
    python3 bench/lib/bots.py idle "$smtp_port" "$idle" "$work/idle.ready" > "$work/idle.out" &
    idle_pid=$!
    until [ -s "$work/idle.ready" ]; do
        kill -0 "$idle_pid" 2>/dev/null || { echo "the idle bots' client ended early" >&2; exit 1; }
        sleep 0.2
    done
    sleep "$settle"
    local mem_during private_during tasks_during heap=""
    mem_during=$(memory_kb "$mta"); private_during=$(private_kb "$mta"); tasks_during=$(tasks "$mta")
    local private_growth=$(( private_during - private_before )) held=$(( private_during - private_before ))
    # The JVM's RSS barely moves: the heap it has already touched takes the bots' objects, so
    # what they hold there is the live heap's growth, and that is Postern's figure.
    if [ "$mta" = postern ]; then
        held=$(( $(heap_used_kb) - heap_before ))
        heap="; live heap $(awk "BEGIN {printf \"%+.1f MB\", $held / 1024}")"
    fi
    kill -USR1 "$idle_pid"; wait "$idle_pid"
    counts=$(cat "$work/idle.out")
    held_kb=$(awk "BEGIN {printf \"%+.1f\", $held / $idle}")
    mem_held=$(awk "BEGIN {printf \"%+.1f\", $held / 1024}")
    mem_before=$(( mem_before / 1024 )); mem_during=$(( mem_during / 1024 ))
    line="$mta: $rate dropped/s ($result), CPU ms per dropped bot: $cpu_per_bot
    memory $mem_before MB, $mem_during MB with $idle idle bots ($counts); private memory $(awk "BEGIN {printf \"%+.1f\", $private_growth / 1024}") MB$heap; held $mem_held MB, $held_kb KB per bot; $(task_name "$mta") $tasks_before, with the bots $tasks_during"
    if ! running "$mta"; then
        echo "$line" >&2
        echo "FAILED: $mta is not running at the end of its round" >&2
        exit 1
    fi
    mta_stop "$mta"
}

echo "postscreen-cost: $rounds rounds, $bots pregreeting bots ($concurrency at a time, after $warmup not measured), $idle idle bots, greet wait ${greet_wait}s, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "postfix $(postconf -d -h mail_version), $(java -version 2>&1 | head -1)"
start_sink
rate_ratios=(); mem_ratios=()
for round in $(seq 1 "$rounds"); do
    run_round postern; a_rate=$rate; a_held=$mem_held; a_line=$line
    run_round postfix
    rate_ratio=$(awk "BEGIN {if ($rate > 0) printf \"%.2f\", $a_rate / $rate; else print \"-\"}")
    mem_ratio=$(awk "BEGIN {if ($mem_held > 0) printf \"%.2f\", $a_held / $mem_held; else print \"-\"}")
    [ "$rate_ratio" = - ] || rate_ratios+=("$rate_ratio"); [ "$mem_ratio" = - ] || mem_ratios+=("$mem_ratio")
    echo "round $round:"
    echo "  $a_line"
    echo "  $line"
    echo "  Postern/Postfix: dropped/s $rate_ratio, memory held by idle bots $mem_ratio"
done
echo "median Postern/Postfix: dropped/s $(median "${rate_ratios[@]}") (rounds: ${rate_ratios[*]}), memory held by $idle idle bots $(median "${mem_ratios[@]}") (rounds: ${mem_ratios[*]})"
