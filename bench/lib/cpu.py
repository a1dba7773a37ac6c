#!/usr/bin/env python3
"""CPU time of a server from /proc, for the bench scripts: user plus system time in clock ticks,
taken before and after a measured run, and the difference per message.

  cpu.py snapshot postern PID   one line per thread group of the JVM: "group ticks"
  cpu.py snapshot postfix PID   the master PID: all of Postfix's processes in one group "all"
  cpu.py per-message BEFORE AFTER MESSAGES   "total=7.41 smtpserver-io=3.02 ..." in ms per message

Postern's groups come from the thread names (/proc/PID/task/*/comm, at most 15 characters).
A thread that ended during the run took its counters with it; the process's own counters
(/proc/PID/stat) still include it, so "other" is the process total less every live named group
and the total is right however threads come and go. Postfix's processes are the master and its
children; a child that exited is counted through the master's cutime and cstime (the master
waits for its children), so a process that served part of the run and then quit is not lost.
"""
import os
import re
import sys

# First match wins; the JVM names its own threads, Postern and James name the rest.
GROUPS = [
    # James's Netty event loops (smtpserver-io-N) and its SMTP handler pool (smtpserver-N), and the
    # submission listeners'.
    ("smtpserver-io", re.compile(r"^smtpserver|^submissions?-")),
    # The spooler threads run routing and the SMTP client; the client's watchdog and cache too.
    ("spooler/delivery", re.compile(r"^spooler|^smtp-client|^smtp-connection")),
    # The queue's own writer and timer threads (postern-queue-*), James's queue scheduler.
    ("queue", re.compile(r"queue", re.IGNORECASE)),
    # postscreen's own event loops (postscreen-NAME-N) and its DNSBL thread.
    ("postscreen", re.compile(r"^postscreen")),
    ("jit", re.compile(r"CompilerThre|^Sweeper")),
    # SerialGC collects in the VM Thread (which runs every safepoint operation); G1 has workers.
    ("gc", re.compile(r"^GC Thread|^G1 |^VM Thread")),
]
ORDER = ["smtpserver-io", "spooler/delivery", "queue", "postscreen", "jit", "gc", "other"]


def stat_ticks(path, children=False):
    """utime+stime (and cutime+cstime if asked) from a stat file; 0 if it is gone."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return 0
    # The name in brackets may hold spaces: split after its closing bracket.
    fields = text[text.rindex(")") + 2:].split()
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks


def group_of(name):
    for group, pattern in GROUPS:
        if pattern.search(name):
            return group
    return "other"


def snapshot_jvm(pid):
    groups = dict.fromkeys(ORDER, 0)
    named = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        ticks = stat_ticks(f"/proc/{pid}/task/{tid}/stat")
        group = group_of(name)
        if group != "other":
            groups[group] += ticks
            named += ticks
    groups["other"] = stat_ticks(f"/proc/{pid}/stat") - named
    return groups


def snapshot_postfix(master):
    total = stat_ticks(f"/proc/{master}/stat", children=True)
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == str(master):
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        ppid = text[text.rindex(")") + 2:].split()[1]
        if ppid == str(master):
            total += stat_ticks(f"/proc/{pid}/stat", children=True)
    return {"all": total}


def read_snapshot(path):
    with open(path) as f:
        return {k: int(v) for k, v in (line.split() for line in f if line.strip())}


def main(argv):
    if argv[1] == "snapshot":
        groups = snapshot_jvm(argv[3]) if argv[2] == "postern" else snapshot_postfix(argv[3])
        for group, ticks in groups.items():
            print(group, ticks)
        return 0
    if argv[1] == "per-message":
        before, after, messages = read_snapshot(argv[2]), read_snapshot(argv[3]), int(argv[4])
        ms_per_tick = 1000.0 / os.sysconf("SC_CLK_TCK")
        deltas = {g: (after.get(g, 0) - before.get(g, 0)) * ms_per_tick / messages for g in after}
        parts = [f"total={sum(deltas.values()):.2f}"]
        if len(deltas) > 1:
            parts += [f"{g}={d:.2f}" for g, d in deltas.items()]
        print(" ".join(parts))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
