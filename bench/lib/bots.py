#!/usr/bin/env python3
"""Bot clients for bench/postscreen-cost.sh, on loopback. Each connection comes from one of
SOURCES addresses 127.0.0.10 and up (never 127.0.0.1, which the script's postscreen_access_list
permits for its readiness probe), so that no per-client limit counts them all as one client.

  bots.py pregreet PORT N CONCURRENCY
      N connections, CONCURRENCY at a time, each sending "EHLO bot\\r\\n" at once, before the
      server's greeting, then reading until the server hangs up. Prints one line:
      "sent=N dropped=D (no 521 seen: R) other=O seconds=T ...": dropped are those the server
      answered 521 or hung up on after its 220- teaser (R of them: the reset came before the
      521 was read); other counts the rest by what happened (passed, closed, timeout, error).
  bots.py idle PORT N READY_FILE
      N connections that read the 220- teaser and then say nothing. Writes "held=H" to
      READY_FILE once they are open and waits for SIGUSR1 (at most 300 s); then prints
      "held=H open=O spoke=S closed=C": still open and silent, the server sent more, or it hung up.
"""
import asyncio
import os
import signal
import socket
import sys
import time

SOURCES = 200
TIMEOUT = 10


def source(i):
    return "127.0.0.%d" % (10 + i % SOURCES)


async def read_until_hangup(reader):
    """What the server sent until it closed the connection or reset it."""
    data = b""
    try:
        while True:
            chunk = await reader.read(4096)
            if not chunk:
                return data
            data += chunk
    except ConnectionResetError:
        return data


async def pregreet_one(port, i, semaphore, outcomes):
    async with semaphore:
        outcome = "error"
        writer = None
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port, local_addr=(source(i), 0)), TIMEOUT)
            writer.write(b"EHLO bot\r\n")
            data = await asyncio.wait_for(read_until_hangup(reader), TIMEOUT)
            if b"\r\n220 " in b"\r\n" + data:
                outcome = "passed"
            elif b"\r\n521 " in b"\r\n" + data:
                outcome = "dropped"
            elif data.startswith(b"220-"):
                # Hung up after the teaser without a 521 seen: Postfix's postscreen leaves the
                # pregreeting bytes unread (it peeks), so its close is a reset that can overtake
                # the 521 in the client's receive queue.
                outcome = "hung_up"
            else:
                outcome = "closed"
        except asyncio.TimeoutError:
            outcome = "timeout"
        except OSError:
            outcome = "error"
        finally:
            if writer is not None:
                writer.close()
        outcomes[outcome] = outcomes.get(outcome, 0) + 1


async def pregreet(port, count, concurrency):
    semaphore = asyncio.Semaphore(concurrency)
    outcomes = {}
    start = time.monotonic()
    await asyncio.gather(*(pregreet_one(port, i, semaphore, outcomes) for i in range(count)))
    seconds = time.monotonic() - start
    without_521 = outcomes.pop("hung_up", 0)
    dropped = outcomes.pop("dropped", 0) + without_521
    other = "".join(" %s=%d" % item for item in sorted(outcomes.items()))
    print("sent=%d dropped=%d (no 521 seen: %d) other=%d seconds=%.3f%s"
          % (count, dropped, without_521, sum(outcomes.values()), seconds, other))


def idle(port, count, ready_file):
    # Blocked before the file is written, so that the script's signal cannot come too early.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    held = []
    for i in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT, source_address=(source(i), 0))
            if s.recv(4096).startswith(b"220-"):
                held.append(s)
            else:
                s.close()
        except OSError:
            pass
    with open(ready_file + ".tmp", "w") as out:
        out.write("held=%d\n" % len(held))
    os.rename(ready_file + ".tmp", ready_file)
    signal.sigtimedwait({signal.SIGUSR1}, 300)
    open_, spoke, closed = 0, 0, 0
    for s in held:
        s.setblocking(False)
        try:
            data = s.recv(4096, socket.MSG_PEEK)
            if data:
                spoke += 1
            else:
                closed += 1
        except BlockingIOError:
            open_ += 1
        except OSError:
            closed += 1
        s.close()
    print("held=%d open=%d spoke=%d closed=%d" % (len(held), open_, spoke, closed))


def main():
    mode, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if mode == "pregreet":
        asyncio.run(pregreet(port, count, int(sys.argv[4])))
    elif mode == "idle":
        idle(port, count, sys.argv[4])
    else:
        sys.exit("unknown mode %s: pregreet or idle" % mode)


if __name__ == "__main__":
    main()
