#!/usr/bin/env bash
# Builds the Postern container image from docker/Dockerfile with podman and tests it by running
# it: SMTP greeting, a mounted configuration file and TLS key, relay through POSTERN_relayhost to
# a loopback sink, local delivery into the volume's Maildir, HEALTHCHECK (healthy, and unhealthy
# when the queue directory goes away), SIGTERM with a transaction in progress (finished, exit 0,
# within 30 s), a restart on the same volume delivering mail queued while the relay target was
# down, and the listeners on 25/587/465 as the non-root user with
# net.ipv4.ip_unprivileged_port_start=0. Every check is printed; any miss fails the script.
#
# The Java base image is made offline from Debian packages (debootstrap, the mirror of
# /etc/apt/sources.list.d) and cached in $POSTERN_TEST_CACHE (default /var/cache/postern-test)
# and in podman's image store. Skips (exit 0, with the reason) only when this machine cannot
# run containers at all. Needs: podman, runc, debootstrap, swaks, smtp-sink, openssl, and the
# distribution built by `mvn package` (server-app/target/postern/). Uses ss (iproute2) to pick
# free ports.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

say() { printf 'test-image: %s\n' "$*"; }
ok() { printf 'test-image: ok: %s\n' "$*"; }
fail() {
    printf 'test-image: FAILED: %s\n' "$*" >&2
    exit 1
}

for tool in podman runc debootstrap swaks smtp-sink openssl ss; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
        fail "$tool is missing (./test.sh installs it: apt-get install podman runc debootstrap swaks postfix openssl)"
done
[ -x server-app/target/postern/bin/postern ] ||
    fail "no distribution at server-app/target/postern/: run mvn -B package -Dmaven.test.skip=true -pl server-app -am first"

# --- can this machine run containers at all? ------------------------------------------------
# runc needs mount, PID, network, UTS and IPC namespaces (and user namespaces when not root).
# Without them no container can run here: that, and only that, is a skip.
if [ "$(id -u)" -eq 0 ]; then
    probe=(unshare --mount --pid --net --uts --ipc --fork true)
else
    probe=(unshare --user --map-root-user --mount --pid --net --uts --ipc --fork true)
fi
if ! probe_error=$("${probe[@]}" 2>&1); then
    say "SKIPPED: this machine cannot create the namespaces a container needs (${probe[*]}: $probe_error)"
    exit 0
fi

work=$(mktemp -d /tmp/postern-image-test.XXXXXX)
# smtp-sink writes as nobody when run as root: it must reach its folder.
chmod 0755 "$work"
tag="pt$$"
containers=()
sink_pid=""
cleanup() {
    status=$?
    for c in "${containers[@]}"; do
        if [ "$status" -ne 0 ]; then
            echo "--- podman logs $c (last 40 lines) ---" >&2
            podman logs "$c" 2>&1 | tail -40 >&2 || true
        fi
        podman rm -f -v "$c" >/dev/null 2>&1 || true
    done
    # The base stays cached; the image under test is rebuilt each run (seconds).
    podman rmi -f localhost/postern:test >/dev/null 2>&1 || true
    [ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null || true
    if [ "$status" -ne 0 ] && [ -s "$work/podman.log" ]; then
        echo "--- podman messages (last 20 lines) ---" >&2
        tail -20 "$work/podman.log" >&2
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

# runc rather than crun (which fails on this machine's cgroup layout), cgroupfs rather than
# systemd, and no default ulimits (the container inherits ours).
cat >"$work/containers.conf" <<'EOF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
EOF
export CONTAINERS_CONF="$work/containers.conf"
# podman's own chatter (e.g. it cannot start healthcheck timers without systemd) goes here.
pod() { podman "$@" 2>>"$work/podman.log"; }

# --- the base image: Debian's OpenJDK 17, cached ---------------------------------------------
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
mirror=$(awk -v suite="$suite" '
    BEGIN { RS = ""; FS = "\n" }
    {
        uris = ""; ok = 0
        for (i = 1; i <= NF; i++) {
            if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uris = u[1] }
            if ($i ~ /^Suites:/) { n = split($i, s, /[ \t]+/); for (j = 2; j <= n; j++) if (s[j] == suite) ok = 1 }
        }
        if (ok && uris != "") { print uris; exit }
    }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
if [ -z "$mirror" ]; then
    mirror=$(awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2; exit }' \
        /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
fi
[ -n "$mirror" ] || fail "no Debian mirror for $suite in /etc/apt/sources.list.d or /etc/apt/sources.list"

base_packages="openjdk-17-jre-headless"
base_key="$suite $base_packages"
base_image="localhost/postern-base:test"
cache=${POSTERN_TEST_CACHE:-/var/cache/postern-test}
mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || cache="${XDG_CACHE_HOME:-$HOME/.cache}/postern-test"
mkdir -p "$cache"
base_tar="$cache/postern-base-$suite.tar"

started=$(date +%s)
if [ "$(pod image inspect --format '{{index .Labels "postern.base"}}' "$base_image" 2>/dev/null || true)" = "$base_key" ]; then
    ok "base image $base_image ($base_key) from podman's store"
else
    if [ ! -s "$base_tar" ] || [ "$(cat "$base_tar.key" 2>/dev/null)" != "$base_key" ]; then
        say "making the base with debootstrap ($suite, $base_packages, from $mirror); cached in $base_tar"
        rootfs="$work/rootfs"
        debootstrap --variant=minbase --include="$base_packages" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
            { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap of $suite from $mirror failed"; }
        # The package cache is not part of a runtime image.
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        tar -C "$rootfs" -cf "$base_tar.tmp" .
        echo "$base_key" >"$base_tar.key.tmp"
        mv "$base_tar.tmp" "$base_tar"
        mv "$base_tar.key.tmp" "$base_tar.key"
        rm -rf "$rootfs"
    fi
    pod import --change "LABEL postern.base=$base_key" "$base_tar" "$base_image" >/dev/null ||
        fail "podman import of $base_tar failed"
    ok "base image $base_image imported from $base_tar ($(( $(date +%s) - started )) s)"
fi

# --- the image ---------------------------------------------------------------------------
image="localhost/postern:test"
started=$(date +%s)
# --format docker: the OCI format has no HEALTHCHECK, and podman would drop it. No cached
# intermediate images: the build takes seconds, and they would pile up run after run.
pod build --layers=false --format docker --build-arg BASE_IMAGE="$base_image" -f docker/Dockerfile -t "$image" . >"$work/build.log" 2>&1 ||
    { tail -30 "$work/build.log" >&2; fail "podman build -f docker/Dockerfile failed"; }
size=$(pod image inspect --format '{{.Size}}' "$image")
base_size=$(pod image inspect --format '{{.Size}}' "$base_image")
app_mb=$(( (size - base_size) / 1000000 ))
ok "image built in $(( $(date +%s) - started )) s: $(( size / 1000000 )) MB, of which the application layers are $app_mb MB (base $(( base_size / 1000000 )) MB)"
[ "$app_mb" -lt 100 ] || fail "the application layers are $app_mb MB, over 100 MB"
healthcheck=$(pod image inspect --format '{{json .Config.Healthcheck}}' "$image")
case "$healthcheck" in
    *postern*health*) ok "HEALTHCHECK kept in the image: $healthcheck" ;;
    *) fail "the image has no HEALTHCHECK running postern health: $healthcheck" ;;
esac
user=$(pod image inspect --format '{{.Config.User}}' "$image")
[ "$user" = postern ] || fail "the image runs as \"$user\", not as the user postern"
uid=$(pod run --rm --network=none "$image" id -u)
[ "$uid" != 0 ] || fail "the user postern is root"
ok "the JVM runs as postern (uid $uid)"

# --- ports, sink, volume, configuration, secrets ------------------------------------------
# Free loopback ports chosen now: other tests run servers on random ports at the same time.
free_ports() {
    local ports=() port
    while [ ${#ports[@]} -lt "$1" ]; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        case " ${ports[*]} " in *" $port "*) continue ;; esac
        [ -z "$(ss -Htan "( sport = :$port or dport = :$port )" 2>/dev/null)" ] || continue
        ports+=("$port")
    done
    echo "${ports[*]}"
}
read -r smtp_port submission_port submissions_port webadmin_port sink_port <<<"$(free_ports 5)"
say "ports: smtpd $smtp_port, submission $submission_port, submissions $submissions_port, webadmin $webadmin_port, sink $sink_port"

sink_dir="$work/sink"
mkdir -p "$sink_dir"
chmod 0777 "$sink_dir"
start_sink() {
    local run_as=()
    [ "$(id -u)" -ne 0 ] || run_as=(-u nobody)
    smtp-sink "${run_as[@]}" -d "$sink_dir/%H%M%S." "127.0.0.1:$sink_port" 64 &
    sink_pid=$!
    for _ in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$sink_port") 2>/dev/null && return 0
        sleep 0.1
    done
    fail "smtp-sink did not listen on 127.0.0.1:$sink_port"
}
stop_sink() {
    kill "$sink_pid"
    wait "$sink_pid" 2>/dev/null || true
    sink_pid=""
}

volume="$work/volume"
mkdir -p "$volume"
chown "$uid:$uid" "$volume"
# /etc/postern as a mounted folder holding only what this site changes; the entry point fills
# in the image's defaults for the rest.
conf="$work/conf"
mkdir -p "$conf"
printf 'smtpd_banner = $myhostname ESMTP Postern image test\n' >"$conf/main.cf"
chown -R "$uid:$uid" "$conf"
# A TLS certificate and key as an operator mounts them, from secrets.
secrets="$work/secrets"
mkdir -p "$secrets"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mx.image-test.example" \
    -keyout "$secrets/tls.key" -out "$secrets/tls.crt" >/dev/null 2>&1 || fail "openssl could not make a test certificate"
chown "$uid" "$secrets/tls.key"
chmod 0400 "$secrets/tls.key"

host=mx.image-test.example
run_postern() {
    local name=$1
    pod run -d --name "$name" --network=host \
        -v "$volume:/var/lib/postern" -v "$conf:/etc/postern" -v "$secrets:/run/secrets:ro" \
        -e POSTERN_myhostname="$host" \
        -e POSTERN_postern_smtpd_listen="127.0.0.1:$smtp_port" \
        -e POSTERN_postern_submission_listen="127.0.0.1:$submission_port" \
        -e POSTERN_postern_submissions_listen="127.0.0.1:$submissions_port" \
        -e POSTERN_postern_webadmin_listen="127.0.0.1:$webadmin_port" \
        -e POSTERN_relayhost="[127.0.0.1]:$sink_port" \
        -e POSTERN_smtpd_tls_cert_file=/run/secrets/tls.crt \
        -e POSTERN_smtpd_tls_key_file=/run/secrets/tls.key \
        "$image" >/dev/null || fail "podman run $name failed"
    containers+=("$name")
}

greeting() {
    local line
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    IFS= read -r -t 10 line <&3 || line=""
    printf 'QUIT\r\n' >&3 || true
    exec 3>&- 3<&-
    printf '%s' "${line%$'\r'}"
}
await_greeting() {
    local line=""
    for _ in $(seq 120); do
        line=$(greeting "$smtp_port" 2>/dev/null || true)
        [ -z "$line" ] || break
        [ "$(podman inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" = true ] ||
            fail "container $1 stopped before it answered on port $smtp_port"
        sleep 0.5
    done
    printf '%s' "$line"
}

# Waits until a file under $1 contains $2.
await_file_with() {
    local dir=$1 text=$2 what=$3
    for _ in $(seq 120); do
        if [ -d "$dir" ] && grep -rlF -- "$text" "$dir" >/dev/null 2>&1; then
            grep -rlF -- "$text" "$dir" | head -1
            return 0
        fi
        sleep 0.5
    done
    fail "$what: no file under $dir holds \"$text\" after 60 s"
}

send() {
    swaks --server "127.0.0.1:$smtp_port" --from alice@client.example --to "$1" \
        --header "Subject: $2" --body "image test $2" >"$work/swaks.log" 2>&1 ||
        { cat "$work/swaks.log" >&2; fail "swaks to $1 ($2) was not accepted"; }
    grep -q '<-  250 2.0.0 Ok: queued as' "$work/swaks.log" || { cat "$work/swaks.log" >&2; fail "no 250 queued for $2"; }
}

# --- first container --------------------------------------------------------------------------
start_sink
first="postern-$tag-1"
started=$(date +%s)
run_postern "$first"
banner=$(await_greeting "$first")
[ "$banner" = "220 $host ESMTP Postern image test" ] ||
    fail "greeting on 127.0.0.1:$smtp_port is \"$banner\", expected \"220 $host ESMTP Postern image test\" (smtpd_banner from the mounted main.cf)"
ok "SMTP greeting after $(( $(date +%s) - started )) s: $banner (myhostname from POSTERN_myhostname, banner from the mounted /etc/postern/main.cf)"
for default in smtpserver.xml mailetcontainer.xml logback.xml; do
    [ -f "$conf/$default" ] || fail "the entry point did not copy the default $default into the mounted /etc/postern"
done
ok "the mounted /etc/postern kept its main.cf and got the image's defaults for the files it lacked"

subject=$(openssl s_client -starttls smtp -connect "127.0.0.1:$smtp_port" -servername "$host" </dev/null 2>/dev/null |
    openssl x509 -noout -subject 2>/dev/null || true)
case "$subject" in
    *"CN = mx.image-test.example"* | *"CN=mx.image-test.example"*) ok "STARTTLS presents the certificate mounted from /run/secrets ($subject)" ;;
    *) fail "STARTTLS on $smtp_port does not present the mounted certificate (got: ${subject:-nothing})" ;;
esac

token="relay-$tag-$RANDOM"
send bob@remote.example "$token"
file=$(await_file_with "$sink_dir" "$token" "relay through POSTERN_relayhost")
ok "relayed through POSTERN_relayhost=[127.0.0.1]:$sink_port to the sink (${file#$work/})"

token="local-$tag-$RANDOM"
send "postmaster@$host" "$token"
file=$(await_file_with "$volume/mail/$host/postmaster/Maildir/new" "$token" "local delivery")
owner=$(stat -c %u "$file")
[ "$owner" = "$uid" ] || fail "the delivered message $file belongs to uid $owner, not $uid"
ok "local delivery landed in the volume: ${file#$work/}"

health=$(pod healthcheck run "$first" 2>&1) || fail "podman healthcheck run: unhealthy while the server works: $health"
ok "HEALTHCHECK healthy (postern health through WebAdmin on 127.0.0.1:$webadmin_port)"
mv "$volume/queue" "$volume/queue.aside"
if health=$(pod healthcheck run "$first" 2>&1); then
    mv "$volume/queue.aside" "$volume/queue"
    fail "podman healthcheck run says healthy without the queue directory: $health"
fi
mv "$volume/queue.aside" "$volume/queue"
reason=$(pod exec "$first" postern health 2>&1 || true)
case "$reason" in
    *"postern: health: healthy"*) ;;
    *) fail "postern health after the queue directory came back: $reason" ;;
esac
ok "HEALTHCHECK unhealthy while the volume's queue directory was gone, healthy again after"

# Mail queued while the relay target is down.
stop_sink
queued="queued-$tag-$RANDOM"
send carol@remote.example "$queued"
listing=""
for _ in $(seq 60); do
    listing=$(pod exec "$first" postern queue 2>&1 || true)
    case "$listing" in *carol@remote.example*) break ;; esac
    sleep 0.5
done
case "$listing" in
    *carol@remote.example*) ok "relay target down: the message waits in the queue (podman exec postern queue lists it)" ;;
    *) fail "postern queue in the container does not list the message for carol@remote.example: $listing" ;;
esac

# SIGTERM with an SMTP transaction in progress: it must finish, then the JVM exits 0.
exec 4<>"/dev/tcp/127.0.0.1/$smtp_port"
reply() {
    local line
    while IFS= read -r -t 20 line <&4; do
        line=${line%$'\r'}
        [ "${line:3:1}" = "-" ] || { printf '%s' "$line"; return 0; }
    done
    printf 'no reply'
}
reply >/dev/null
printf 'EHLO client.example\r\n' >&4; reply >/dev/null
printf 'MAIL FROM:<alice@client.example>\r\n' >&4; r=$(reply); [ "${r:0:3}" = 250 ] || fail "MAIL FROM: $r"
inflight="inflight-$tag-$RANDOM"
printf 'RCPT TO:<postmaster@%s>\r\n' "$host" >&4; r=$(reply); [ "${r:0:3}" = 250 ] || fail "RCPT TO: $r"
printf 'DATA\r\n' >&4; r=$(reply); [ "${r:0:3}" = 354 ] || fail "DATA: $r"
printf 'Subject: %s\r\n\r\nsent across a SIGTERM\r\n' "$inflight" >&4
stop_started=$(date +%s)
pod kill --signal TERM "$first" >/dev/null || fail "podman kill --signal TERM $first failed"
sleep 1
printf '.\r\n' >&4
r=$(reply)
printf 'QUIT\r\n' >&4 || true
exec 4>&- 4<&-
[ "${r:0:3}" = 250 ] || fail "the transaction in progress at SIGTERM was answered \"$r\", not 250"
ok "the transaction in progress at SIGTERM finished: $r"
exit_code=$(timeout 40 podman wait "$first" 2>>"$work/podman.log") || fail "$first did not stop within 40 s of SIGTERM"
stop_seconds=$(( $(date +%s) - stop_started ))
[ "$stop_seconds" -le 30 ] || fail "$first took $stop_seconds s to stop after SIGTERM (more than 30)"
[ "$exit_code" = 0 ] || fail "$first exited with status $exit_code after SIGTERM, not 0"
ok "SIGTERM: stopped in $stop_seconds s with exit status 0"

# --- second container, same volume: the queued message goes out ------------------------------
start_sink
second="postern-$tag-2"
run_postern "$second"
await_greeting "$second" >/dev/null
# The message was deferred; the restart scans the queue, and a flush makes it due now in case
# its retry time has not come yet.
pod exec "$second" postern flush >/dev/null 2>&1 || true
file=$(await_file_with "$sink_dir" "$queued" "the message queued while the relay target was down")
ok "after a restart on the same volume the queued message reached the relay target (${file#$work/})"
file=$(await_file_with "$volume/mail/$host/postmaster/Maildir/new" "$inflight" "the message accepted during the stop")
ok "the message accepted while the first container stopped was delivered: ${file#$work/}"
pod kill --signal TERM "$second" >/dev/null
exit_code=$(timeout 40 podman wait "$second" 2>>"$work/podman.log") || fail "$second did not stop within 40 s"
[ "$exit_code" = 0 ] || fail "$second exited with status $exit_code after SIGTERM"
stop_sink

# A read-only /etc/postern that lacks the defaults: one line, before any JVM starts.
mkdir -p "$work/readonly-conf"
printf 'myhostname = %s\n' "$host" >"$work/readonly-conf/main.cf"
podman run --rm --network=none -v "$work/readonly-conf:/etc/postern:ro" "$image" \
    >"$work/readonly.out" 2>"$work/readonly.err" && readonly_status=0 || readonly_status=$?
[ "$readonly_status" = 1 ] || fail "a read-only /etc/postern without the defaults: status $readonly_status, not 1"
grep -q '^postern: fatal: /etc/postern lacks .*smtpserver.xml.* and cannot be written by postern (uid '"$uid"')' "$work/readonly.err" ||
    fail "a read-only /etc/postern without the defaults: no one-line reason: $(tail -3 "$work/readonly.err")"
ok "a read-only /etc/postern without the defaults stops the start: $(grep '^postern: fatal' "$work/readonly.err" | cut -c1-110)..."

# --- the image's own ports, 25/587/465, as the non-root user ---------------------------------
# Its own network namespace, where the sysctl may be set (Docker 20.10+ sets it by default;
# podman does not); WebAdmin stays on the container's loopback.
ports="postern-$tag-ports"
pod run -d --name "$ports" --network=none --sysctl net.ipv4.ip_unprivileged_port_start=0 \
    -e POSTERN_myhostname="$host" "$image" >/dev/null || fail "podman run with the image's ports failed"
containers+=("$ports")
listening=""
for _ in $(seq 120); do
    listening=$(pod exec "$ports" bash -c '
        for p in 25 587 465; do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && printf "%s " $p; done
        exec 3<>/dev/tcp/127.0.0.1/25 && IFS= read -r -t 5 line <&3 && printf "%s" "$line"' 2>/dev/null || true)
    case "$listening" in "25 587 465 220 "*) break ;; esac
    [ "$(podman inspect --format '{{.State.Running}}' "$ports" 2>/dev/null)" = true ] ||
        fail "the container with the image's ports stopped: $(podman logs "$ports" 2>&1 | tail -3)"
    sleep 0.5
done
case "$listening" in
    "25 587 465 220 $host"*) ok "as uid $uid with net.ipv4.ip_unprivileged_port_start=0: listening on 25, 587 and 465 (${listening#25 587 465 })" ;;
    *) fail "the image's listeners 25/587/465 do not all answer inside the container: $listening" ;;
esac
pod rm -f -v "$ports" >/dev/null

denied="postern-$tag-denied"
# 1024 is the kernel's default, and what a container on the host's network gets.
podman run --name "$denied" --network=none --sysctl net.ipv4.ip_unprivileged_port_start=1024 \
    -e POSTERN_myhostname="$host" "$image" >"$work/denied.out" 2>"$work/denied.err" && denied_status=0 || denied_status=$?
containers+=("$denied")
[ "$denied_status" = 1 ] || fail "with ip_unprivileged_port_start=1024 the server's status is $denied_status, not 1"
grep -q '^postern: fatal: cannot listen on 0.0.0.0:25 (postern_smtpd_listen): Permission denied' "$work/denied.err" ||
    fail "with ip_unprivileged_port_start=1024 there is no one-line reason: $(tail -3 "$work/denied.err")"
ok "with ip_unprivileged_port_start=1024 the start fails with one line: $(grep '^postern: fatal' "$work/denied.err" | head -1)"

say "all checks passed"
