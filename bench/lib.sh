# Sourced by the bench scripts (relay-throughput.sh, relay-vs-postfix.sh, latency.sh,
# crash-drill.sh): the pieces they share — the packaged Postern and a private Postfix instance
# in the same role, an smtp-sink as their relayhost, one measured smtp-source run, medians.
# Everything lives under one temporary folder, $work, removed on exit; every server listens on
# a free loopback port.
#
#   bench_init                 cd to the repository, check the tools, make $work, trap cleanup
#   ensure_packages PKG...     apt-get install the Debian packages missing (services not started)
#   start_sink [ARGS...]       smtp-sink on $sink_port (chosen once, reused by later starts)
#   postern_new_home           a fresh Postern home under $work (conf copied; main.cf appendable;
#                              POSTERN_IO_WORKERS / POSTERN_MAX_EXECUTORS set every SMTP listener's
#                              ioWorkerCount / maxExecutorCount in its smtpserver.xml)
#   postern_launch             run Postern on that home, relaying to the sink; waits for the 220
#   postfix_begin / postfix_end, mta_start MTA / mta_stop MTA (MTA: postern or postfix)
#   measure MTA MESSAGES SMTP-SOURCE-ARGS...   sets accept_rate, e2e_rate, rss, cpu_ms
#   cpu_snapshot MTA FILE      user+system ticks of the MTA now (Postern per thread group)
#   fsync_count MTA MESSAGES SMTP-SOURCE-ARGS...   sets fsync_calls: fsync+fdatasync under strace
#   median NUMBER...

. "$(dirname "${BASH_SOURCE[0]}")/lib/postfix-instance.sh"

dist=server-app/target/postern
server_pid=""; sink_pid=""; sink_port=""; smtp_port=""; work=""

bench_init() {
    cd "$(dirname "${BASH_SOURCE[0]}")/.."
    [ -x "$dist/bin/postern" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
    local tool
    for tool in smtp-source smtp-sink postfix python3; do
        command -v $tool >/dev/null || { echo "$tool missing: apt-get install postfix python3" >&2; exit 2; }
    done
    [ "$(id -u)" -eq 0 ] || { echo "run as root: the Postfix master and smtp-sink -u need it" >&2; exit 2; }
    work=$(mktemp -d /tmp/postern-bench.XXXXXX)
    chmod 755 "$work"
    trap bench_cleanup EXIT
}

bench_cleanup() {
    [ -z "$server_pid" ] || { kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
    [ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null || true
    [ ! -d "$work/postfix" ] || postfix_stop "$work/postfix"
    [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}

# Installs what is missing the way test.sh does: Debian must not start services on install.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    echo "installing ${missing[*]}" >&2
    local policy=/usr/sbin/policy-rc.d created=no
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created=yes
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ "$created" = no ] || rm -f "$policy"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

await_greeting() {
    until python3 - "$1" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1)
assert s.recv(100).startswith(b"220")
PY
    do sleep 0.05; done
}

# smtp-sink with running counters (-c) in $work/sink.out; extra arguments go before the address
# (crash-drill.sh adds -d to keep every message).
start_sink() {
    [ -n "$sink_port" ] || sink_port=$(free_port)
    smtp-sink -u nobody -c "$@" "127.0.0.1:$sink_port" 256 > "$work/sink.out" 2>&1 &
    sink_pid=$!
    await_greeting "$sink_port"
}
stop_sink() { [ -z "$sink_pid" ] || { kill "$sink_pid" 2>/dev/null; wait "$sink_pid" 2>/dev/null || true; }; sink_pid=""; }
# Messages the sink has received since it started (its last "mesg=" counter).
sink_count() { local n; n=$(tr '\r' '\n' < "$work/sink.out" | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2); echo "${n:-0}"; }

# --- Postern ---
postern_new_home() {
    home=$work/home
    keep_cds_archive
    rm -rf "$home"; mkdir -p "$home"; cp -r "$dist/conf" "$home/"
    reuse_cds_archive
    smtp_port=$(free_port)
    webadmin_port=$(free_port)
    # The submission listeners too: their default ports are fixed, so two benchmarks at once collide.
    submission_port=$(free_port)
    submissions_port=$(free_port)
    [ -z "${POSTERN_IO_WORKERS:-}" ] || smtpserver_setting ioWorkerCount "$POSTERN_IO_WORKERS"
    [ -z "${POSTERN_MAX_EXECUTORS:-}" ] || smtpserver_setting maxExecutorCount "$POSTERN_MAX_EXECUTORS"
}
# The class-data archive (bin/postern's AppCDS, var/cds/) that the first server of a run writes when
# it stops is kept for the fresh homes of the later ones, as a production server keeps it from one
# start to the next: otherwise every measured server would be a first start. BENCH_CDS=fresh keeps
# none (every server a first start, as before 2026-12-07 22:00 UTC); POSTERN_CDS=no turns the
# archive off altogether (memory.sh's default).
keep_cds_archive() {
    [ "${BENCH_CDS:-keep}" = keep ] && [ -d "$home/var/cds" ] || return 0
    mkdir -p "$work/cds"
    find "$home/var/cds" -name 'postern-*.jsa' -size +0 -exec cp {} "$work/cds/" \;
}
reuse_cds_archive() {
    [ "${BENCH_CDS:-keep}" = keep ] && [ -d "$work/cds" ] || return 0
    mkdir -p "$home/var/cds"
    cp "$work"/cds/postern-*.jsa "$home/var/cds/" 2>/dev/null || true
}
# Sets ELEMENT to VALUE in every <smtpserver> of the home's smtpserver.xml, replacing the packaged
# value if there is one (the element goes after <jmxName>).
smtpserver_setting() {
    local element=$1 value=$2 file=$home/conf/smtpserver.xml
    [[ "$value" =~ ^[0-9]+$ ]] || { echo "$element: not a number: $value" >&2; exit 2; }
    sed -i -e "/^ *<$element>[0-9]*<\/$element>/d" \
        -e "s|^\( *\)<jmxName>.*</jmxName>|&\n\1<$element>$value</$element>|" "$file"
    [ "$(grep -c "<$element>$value</$element>" "$file")" -eq "$(grep -c '<jmxName>' "$file")" ] \
        || { echo "$file: could not set $element on every listener" >&2; exit 2; }
}
postern_launch() {
    local start
    start=$(date +%s.%N)
    POSTERN_relayhost="[127.0.0.1]:$sink_port" \
    POSTERN_postern_smtpd_listen="127.0.0.1:$smtp_port" \
    POSTERN_postern_webadmin_listen="127.0.0.1:$webadmin_port" \
    POSTERN_postern_submission_listen="127.0.0.1:$submission_port" \
    POSTERN_postern_submissions_listen="127.0.0.1:$submissions_port" \
        "$dist/bin/postern" run --home "$home" >> "$work/console.log" 2>&1 &
    server_pid=$!
    await_greeting "$smtp_port"
    startup=$(awk "BEGIN {printf \"%.2f\", $(date +%s.%N) - $start}")
    pid_to_trace=$server_pid
}
postern_start() { postern_new_home; postern_launch; }
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

mta_start() { if [ "$1" = postern ]; then postern_start; else postfix_begin; fi; }
mta_stop() { if [ "$1" = postern ]; then postern_stop; else postfix_end; fi; }

# CPU time of the whole MTA (bench/lib/cpu.py): Postern's JVM per thread group, every process
# of the Postfix instance together.
cpu_snapshot() { python3 bench/lib/cpu.py snapshot "$1" "$pid_to_trace" > "$2"; }

# One measured smtp-source run against the MTA on $smtp_port, the sink counting from zero:
# sets accept_rate (messages over smtp-source's time), e2e_rate (messages over the time until
# the sink has them all), rss (MB after the run) and cpu_ms, the CPU time the MTA spent from
# the first message to the last one at the sink in ms per message, e.g. "total=7.41
# smtpserver-io=3.02 spooler/delivery=2.10 jit=1.20 gc=0.30 other=0.79" (Postfix: total only).
# Exits 1 if the sink gets fewer messages
# than were sent within BENCH_DRAIN_TIMEOUT seconds (default 900).
measure() {
    local mta=$1 messages=$2; shift 2
    local t0 t1 t2 got deadline base
    # The sink may have counted a warm-up run already: count from what it has now.
    base=$(sink_count)
    cpu_snapshot "$mta" "$work/cpu.before"
    t0=$(date +%s.%N)
    smtp-source -m "$messages" "$@" -f bench@example.com -t sink@remote.example "127.0.0.1:$smtp_port"
    t1=$(date +%s.%N)
    deadline=$(( $(date +%s) + ${BENCH_DRAIN_TIMEOUT:-900} ))
    while [ $(( $(sink_count) - base )) -lt "$messages" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
    t2=$(date +%s.%N)
    cpu_snapshot "$mta" "$work/cpu.after"
    got=$(( $(sink_count) - base ))
    if [ "$got" -lt "$messages" ]; then
        echo "LOST: $mta: the sink received $got of $messages (smtp-source -m $messages $*)" >&2
        exit 1
    fi
    accept_rate=$(awk "BEGIN {printf \"%.1f\", $messages / ($t1 - $t0)}")
    e2e_rate=$(awk "BEGIN {printf \"%.1f\", $got / ($t2 - $t0)}")
    rss=$("${mta}_rss")
    cpu_ms=$(python3 bench/lib/cpu.py per-message "$work/cpu.before" "$work/cpu.after" "$messages")
}

# fsync and fdatasync calls of the whole MTA (every thread or child process) during one measured
# run, received and relayed, in fsync_calls; strace slows the server, so its rates are not figures.
fsync_count() {
    local mta=$1 strace_pid
    start_sink; mta_start "$mta"
    strace -f -qq -c -e trace=fsync,fdatasync -o "$work/strace.out" -p "$pid_to_trace" &
    strace_pid=$!
    sleep 1
    measure "$@"
    sleep 1
    kill -INT "$strace_pid"; wait "$strace_pid" 2>/dev/null || true
    mta_stop "$mta"; stop_sink
    fsync_calls=$(awk '$NF=="fsync" || $NF=="fdatasync" {sum += $4} END {print sum+0}' "$work/strace.out")
}

median() {
    printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
