# Sourced by the bench scripts: a private Postfix instance (Debian's postfix package,
# its service never started) with its own config directory and queue under a folder,
# listening on one loopback port and relaying everything to a relayhost, so that it
# can be measured in the same role as Postern. Needs root (Postfix's master does).
#
#   postfix_start DIR PORT RELAYHOST     e.g. postfix_start /tmp/pf 2600 '[127.0.0.1]:2700'
#                                        ($POSTFIX_MAIN_CF, if set, is appended to its main.cf;
#                                        $POSTFIX_POSTSCREEN=yes puts postscreen on the port, smtpd behind)
#   postfix_stop DIR
#   postfix_pid DIR                      the master's PID (for memory figures)

postfix_start() {
    local dir=$1 port=$2 relayhost=$3
    mkdir -p "$dir/etc" "$dir/spool" "$dir/data"
    cp /etc/postfix/master.cf.proto "$dir/etc/master.cf" 2>/dev/null || cp /etc/postfix/master.cf "$dir/etc/master.cf"
    cp /etc/postfix/dynamicmaps.cf "$dir/etc/" 2>/dev/null || true
    cat > "$dir/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = postfix.bench.test
mydestination =
mynetworks = 127.0.0.0/8
relayhost = $relayhost
smtpd_relay_restrictions = permit_mynetworks, reject
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
smtp_dns_support_level = disabled
CONF
    # Extra main.cf lines from the caller, e.g. POSTFIX_MAIN_CF='default_process_limit = 300'.
    [ -z "${POSTFIX_MAIN_CF:-}" ] || printf '%s\n' "$POSTFIX_MAIN_CF" >> "$dir/etc/main.cf"
    # Our port instead of 25, no chroot (the queue is a plain folder here).
    sed -i "s/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:$port inet n - n - - smtpd/" "$dir/etc/master.cf"
    # As a Postfix site enables postscreen: postscreen on the port, the smtpd it hands clients to.
    [ -z "${POSTFIX_POSTSCREEN:-}" ] || sed -i "s/^127.0.0.1:$port inet n - n - - smtpd/127.0.0.1:$port inet n - n - 1 postscreen\nsmtpd pass - - n - - smtpd/" "$dir/etc/master.cf"
    postconf -c "$dir/etc" -F '*/*/chroot = n' >/dev/null
    postfix -c "$dir/etc" check
    chown postfix:postfix "$dir/data"
    # postfix reports start-up errors only to syslog or a terminal: give it a terminal.
    script -qc "postfix -c $dir/etc start" /dev/null
}

postfix_stop() {
    postfix -c "$1/etc" stop >/dev/null 2>&1 || true
}

postfix_pid() {
    head -1 "$1/spool/pid/master.pid" | tr -d ' '
}

# Memory of the whole instance (master and every child), in MB: the sum of proportional
# set sizes, so that the pages Postfix's many processes share are counted once.
postfix_rss_mb() {
    local master pid sum=0 kb
    master=$(postfix_pid "$1")
    for pid in $master $(ps -o pid= --ppid "$master"); do
        kb=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
        sum=$(( sum + ${kb:-0} ))
    done
    echo $(( sum / 1024 ))
}
