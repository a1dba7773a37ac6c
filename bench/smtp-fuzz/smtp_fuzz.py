#!/usr/bin/env python3
"""Hostile SMTP sessions against a running Postern, and the checks that it survived them.

Runs SESSIONS sessions of malformed and hostile input, KINDS below, a few at a time, against the
SMTP port (plain, STARTTLS offered), the submission port (STARTTLS required, AUTH) and the
submissions port (TLS from the first byte). It keeps every byte the server sent and checks:

- every reply line is a well-formed SMTP reply: three digits, then a space, a dash or the end
  of the line, then printable text, ended by CRLF (a line the server cut off before closing
  the connection counts too);
- nothing the server sent, plain or where a TLS handshake failed, names a Java exception or
  shows a stack trace;
- afterwards (with --pid) the server process is alive, answers a normal transaction with
  "250 ... queued", and its thread count comes back to within --thread-slack of the idle count
  within --grace seconds. Resident memory before and after is printed, not judged: a JVM rarely
  gives heap back to the system.

Prints sessions per kind, replies per code and every violation; exits 1 on any violation,
2 on a usage error. The plan of sessions (kinds and their random input) follows from --seed;
the interleaving of concurrent sessions does not.

Python rather than a Java single-file program: raw sockets, ssl and threads in the standard
library, no JVM start per run, and the bench scripts already need python3.
"""
import argparse
import base64
import os
import random
import re
import select
import shutil
import smtplib
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

# RFC 5321 reply-line: Reply-code [ ( SP / "-" ) textstring ], textstring = 1*(HT / %d32-126).
REPLY_LINE = re.compile(rb'[2-5][0-9]{2}(?:[ -][\t\x20-\x7e]*)?')
# What a Java stack trace or exception leaking into a reply looks like.
TRACE = re.compile(rb'Exception|Throwable|at java\.|\tat |\b[A-Z]\w*[a-z]Error\b'
                   rb'|\b(?:java|javax|jdk|sun|io\.netty|org\.apache)\.[a-z]+\.')

SESSION_DEADLINE = 20.0   # seconds one session may take before the tool gives up on it
READ_IDLE = 5.0           # seconds of server silence that end a read


class Violation(Exception):
    pass


class Transcript:
    """Everything the server sent in one session, and the checks on it."""

    def __init__(self, kind):
        self.kind = kind
        self.plain = bytearray()      # bytes of the SMTP dialogue (plain or inside TLS)
        self.raw = bytearray()        # bytes that are not SMTP replies (failed TLS handshakes)
        self.closed_by_server = False
        self.violations = []
        self.codes = Counter()
        self.notes = Counter()

    def check(self):
        data = bytes(self.plain)
        # A TLS alert right after the server's 220 to STARTTLS: the client was slower than the
        # server and spoke plain text to a connection already waiting for a handshake.
        alert = data.find(b'\x15\x03')
        if alert >= 0 and b'\r\n220 ' in b'\r\n' + data[:alert] and data[:alert].endswith(b'\r\n'):
            self.raw += data[alert:]
            data = data[:alert]
        lines = data.split(b'\r\n')
        tail = lines.pop()            # what follows the last CRLF: empty unless cut off
        for line in lines:
            if not REPLY_LINE.fullmatch(line):
                self.violations.append(f'{self.kind}: malformed reply line {shorten(line)}')
            else:
                if len(line) == 3 or line[3:4] == b' ':
                    self.codes[line[:3].decode()] += 1
        if tail and self.closed_by_server:
            self.violations.append(f'{self.kind}: reply line cut off by the close: {shorten(tail)}')
        for blob in (data, bytes(self.raw)):
            match = TRACE.search(blob)
            if match:
                start = max(0, match.start() - 60)
                self.violations.append(f'{self.kind}: exception text sent to the client: '
                                       f'{shorten(blob[start:match.end() + 60])}')


def shorten(data, limit=160):
    text = repr(bytes(data[:limit]))
    return text + (f'... ({len(data)} bytes)' if len(data) > limit else '')


class Session:
    """One connection. Reads are bounded by the session deadline and READ_IDLE."""

    def __init__(self, host, port, transcript, tls=False):
        self.t = transcript
        self.deadline = time.monotonic() + SESSION_DEADLINE
        self.sock = socket.create_connection((host, port), timeout=10)
        self.tls = False
        self.sink = self.t.plain
        self.cursor = 0           # where the next reply starts in self.sink
        if tls:
            self.start_tls()

    # --- reading -----------------------------------------------------------------------
    def _recv(self, timeout):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.t.notes['deadline'] += 1
            raise TimeoutError
        self.sock.settimeout(max(0.01, min(timeout, remaining)))
        try:
            data = self.sock.recv(65536)
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError) as e:
            self.t.notes[f'reset: {type(e).__name__}'] += 1
            self.t.closed_by_server = True
            return b''
        except socket.timeout:
            raise TimeoutError
        if not data:
            self.t.closed_by_server = True
        self.sink += data
        return data

    def reply(self, timeout=READ_IDLE):
        """Reads to the end of the next complete reply (last line "NNN "); returns its code or None."""
        while True:
            end = self.sink.find(b'\r\n', self.cursor)
            while end >= 0:
                line = bytes(self.sink[self.cursor:end])
                self.cursor = end + 2
                if line[3:4] != b'-':
                    return line[:3].decode(errors='replace')
                end = self.sink.find(b'\r\n', self.cursor)
            try:
                if not self._recv(timeout):
                    return None
            except TimeoutError:
                return None

    def drain(self, idle=READ_IDLE):
        """Reads until the server closes, stays silent for `idle` seconds, or the deadline."""
        while True:
            try:
                if not self._recv(idle):
                    return
            except TimeoutError:
                return

    # --- writing -----------------------------------------------------------------------
    def send(self, data):
        """Sends all of data while reading what the server answers meanwhile (pipelining)."""
        view = memoryview(data)
        if self.tls:
            try:
                self.sock.settimeout(10)
                self.sock.sendall(view)
            except (OSError, ssl.SSLError):
                self.t.notes['send refused'] += 1
            return
        self.sock.setblocking(False)
        try:
            while view:
                if time.monotonic() > self.deadline:
                    self.t.notes['deadline'] += 1
                    return
                readable, writable, _ = select.select([self.sock], [self.sock], [], 10)
                if readable:
                    try:
                        data_in = self.sock.recv(65536)
                    except (BlockingIOError, InterruptedError):
                        data_in = None
                    except ConnectionResetError:
                        self.t.closed_by_server = True
                        self.t.notes['reset while sending'] += 1
                        return
                    if data_in == b'':
                        self.t.closed_by_server = True
                        self.t.notes['closed while sending'] += 1
                        return
                    if data_in:
                        self.sink += data_in
                if writable:
                    try:
                        sent = self.sock.send(view[:65536])
                        view = view[sent:]
                    except (BlockingIOError, InterruptedError):
                        pass
                    except (BrokenPipeError, ConnectionResetError):
                        self.t.closed_by_server = True
                        self.t.notes['reset while sending'] += 1
                        return
                if not readable and not writable:
                    self.t.notes['send stalled'] += 1
                    return
        finally:
            self.sock.setblocking(True)

    def command(self, line):
        self.send(line if isinstance(line, bytes) else line.encode() + b'\r\n')
        return self.reply()

    def start_tls(self):
        """A real TLS handshake (certificate not verified: the server's is self-signed)."""
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.sock.settimeout(10)
        self.sock = context.wrap_socket(self.sock, server_hostname='localhost')
        self.tls = True

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


# --- hostile input ---------------------------------------------------------------------------
def printable(rng, n):
    return bytes(rng.randrange(33, 127) for _ in range(n))


def ehlo(s, rng):
    s.command(rng.choice([b'EHLO fuzz.example\r\n', b'HELO fuzz.example\r\n']))


def finish(s):
    # Ends any DATA the input may have opened, then leaves; reads until the server closes.
    s.send(b'\r\n.\r\nQUIT\r\n')
    s.drain()


def k_random_bytes(s, rng):
    s.reply()
    n = rng.choice([1, 16, 512, 4096, 65536])
    data = bytearray(rng.randbytes(rng.randrange(1, n + 1)))
    for _ in range(rng.randrange(0, 20)):
        data[rng.randrange(len(data) + 1):0] = b'\r\n'
    if rng.random() < 0.5:
        ehlo(s, rng)
    s.send(bytes(data))
    finish(s)


def k_nul_bytes(s, rng):
    s.reply()
    lines = [b'EHLO fu\x00zz.example', b'\x00\x00\x00', b'MAIL FROM:<a\x00b@example.com>',
             b'MAIL FROM:<fuzz@example.com>\x00 SIZE=10', b'RCPT TO:<r\x00@remote.example>',
             b'RCPT TO:<r@remote.example>', b'NO\x00OP', b'\x00EHLO x', b'DATA']
    rng.shuffle(lines)
    for line in lines:
        code = s.command(line + b'\r\n')
        if code == '354':
            s.command(b'Subject: \x00nul\r\n\r\nbody \x00 with nul\r\n\x00.\r\n.\r\n')
    finish(s)


def k_long_line(s, rng):
    s.reply()
    if rng.random() < 0.5:
        ehlo(s, rng)
    prefix = rng.choice([b'', b'EHLO ', b'NOOP ', b'MAIL FROM:<', b'RCPT TO:<', b'VRFY ', b'X'])
    size = rng.randrange(100_000, 200_001)
    body = b'a' * size if rng.random() < 0.5 else printable(rng, size)
    s.send(prefix + body + b'\r\n')
    s.reply()
    s.command(b'NOOP\r\n')
    finish(s)


def k_many_rcpts(s, rng):
    s.reply()
    s.command(b'EHLO fuzz.example\r\n')
    s.command(b'MAIL FROM:<fuzz@example.com>\r\n')
    s.send(b''.join(b'RCPT TO:<r%d@remote.example>\r\n' % i for i in range(10_000)))
    if rng.random() < 0.5:
        # Queue the message with as many recipients as the server took (up to its limit).
        s.send(b'DATA\r\n')
        time.sleep(0.5)
        s.send(b'Subject: many recipients\r\n\r\nbody\r\n.\r\n')
    finish(s)


def k_pipelining_flood(s, rng):
    s.reply()
    s.command(b'EHLO fuzz.example\r\n')
    parts = []
    for i in range(rng.randrange(1000, 5001)):
        parts.append(rng.choice([
            b'NOOP\r\n', b'RSET\r\n', b'MAIL FROM:<f%d@example.com>\r\n' % i,
            b'RCPT TO:<r%d@remote.example>\r\n' % i, b'VRFY postmaster\r\n', b'HELP\r\n',
            b'EHLO again.example\r\n', b'DATA\r\nSubject: p\r\n\r\nx\r\n.\r\n', b'BDAT 5\r\n',
            b'STARTTLS\r\n' if rng.random() < 0.01 else b'NOOP\r\n']))
    s.send(b''.join(parts))
    finish(s)


def k_half_open_silent(s, rng):
    # Connects and never speaks (half the time it does not even read the greeting).
    if rng.random() < 0.5:
        s.reply()
    time.sleep(rng.uniform(0.5, 4))


def k_half_line_stall(s, rng):
    s.reply()
    ehlo(s, rng)
    if rng.random() < 0.5:
        s.send(rng.choice([b'MAIL FROM:<stall@', b'RCPT', b'EH', b'DATA']))
    else:
        s.command(b'MAIL FROM:<stall@example.com>\r\n')
        s.command(b'RCPT TO:<stall@remote.example>\r\n')
        if s.command(b'DATA\r\n') == '354':
            s.send(b'Subject: half\r\n\r\nhalf a message, then nothing' + b'x' * rng.randrange(0, 50_000))
    time.sleep(rng.uniform(0.5, 4))


def tls_garbage(rng):
    choice = rng.randrange(6)
    if choice == 0:
        return rng.randbytes(rng.randrange(1, 4096))
    if choice == 1:
        return b'EHLO plaintext.example\r\n'
    if choice == 2:   # a handshake record header announcing 16 KB, then too little
        return b'\x16\x03\x01\x40\x00\x01' + rng.randbytes(rng.randrange(0, 200))
    if choice == 3:   # a record of a type that does not exist
        return bytes([rng.randrange(0, 256), 3, rng.randrange(0, 5), 0, 20]) + rng.randbytes(20)
    if choice == 4:   # an SSLv2-style hello
        return b'\x80\x2e\x01\x00\x02\x00\x15\x00\x00\x00\x10' + rng.randbytes(37)
    # a plausible ClientHello with its body scrambled
    body = bytearray(rng.randbytes(300))
    return b'\x16\x03\x01\x01\x30\x01\x00\x01\x2c\x03\x03' + bytes(body)


def k_starttls_garbage(s, rng):
    s.reply()
    s.command(b'EHLO fuzz.example\r\n')
    code = s.command(b'STARTTLS\r\n')
    if code != '220':
        s.t.notes[f'STARTTLS answered {code}'] += 1
        finish(s)
        return
    s.sink = s.t.raw        # what follows is a (failing) TLS handshake, not SMTP
    s.send(tls_garbage(rng))
    if rng.random() < 0.3:
        time.sleep(rng.uniform(0.2, 2))   # and then stall
    s.drain(idle=2)


def k_implicit_tls_garbage(s, rng):
    s.sink = s.t.raw
    s.send(tls_garbage(rng))
    if rng.random() < 0.3:
        time.sleep(rng.uniform(0.2, 2))
    s.drain(idle=2)


def k_huge_headers(s, rng):
    s.reply()
    s.command(b'EHLO fuzz.example\r\n')
    s.command(b'MAIL FROM:<fuzz@example.com>\r\n')
    s.command(b'RCPT TO:<huge@remote.example>\r\n')
    if s.command(b'DATA\r\n') != '354':
        finish(s)
        return
    choice = rng.randrange(3)
    if choice == 0:     # one 200 KB header folded into 998-byte lines
        value = b'\r\n '.join(printable(rng, 990) for _ in range(200))
        header = b'X-Huge: ' + value + b'\r\n'
    elif choice == 1:   # 20,000 short headers
        header = b''.join(b'X-H%d: v\r\n' % i for i in range(20_000))
    else:               # one unfolded 100 KB header line
        header = b'X-Long: ' + b'b' * 100_000 + b'\r\n'
    s.send(b'Subject: huge headers\r\n' + header + b'\r\nbody\r\n.\r\n')
    s.reply(timeout=10)
    s.send(b'QUIT\r\n')
    s.drain()


def k_bare_lf_cr(s, rng):
    s.reply()
    end = rng.choice([b'\n', b'\r', b'\r\r\n', b'\n\r'])
    s.send(b'EHLO fuzz.example' + end)
    s.send(b'MAIL FROM:<fuzz@example.com>' + rng.choice([end, b'\r\n']))
    s.send(b'RCPT TO:<crlf@remote.example>\r\n')
    s.send(b'DATA\r\n')
    time.sleep(0.3)
    s.send(rng.choice([
        b'Subject: bare LF\n\nline\n.\nMAIL FROM:<smuggled@example.com>\r\n',
        b'Subject: bare CR\r\rline\r.\rRCPT TO:<smuggled@remote.example>\r\n',
        b'Subject: mixed\r\n\r\nline\n.\r\nNOOP\r\n',
        b'Subject: cr lf dot\r\n\r\nline\r\n.\n\r\n',
    ]))
    finish(s)


def k_overlong_params(s, rng):
    s.reply()
    s.command(b'EHLO fuzz.example\r\n')
    big = rng.randrange(1000, 100_001)
    mails = [
        b'MAIL FROM:<' + b'l' * big + b'@example.com>',
        b'MAIL FROM:<fuzz@' + b'd.' * (big // 2) + b'example>',
        b'MAIL FROM:<fuzz@example.com> SIZE=' + b'9' * rng.randrange(10, 200),
        b'MAIL FROM:<fuzz@example.com> SIZE=-1 BODY=' + printable(rng, 100),
        b'MAIL FROM:<fuzz@example.com> ' + b' '.join(b'X%d=%d' % (i, i) for i in range(rng.randrange(100, 2000))),
        b'MAIL FROM:<fuzz@example.com> ENVID=' + printable(rng, big) + b' RET=' + printable(rng, 50),
        b'MAIL FROM:<@a.example,@b.example:fuzz@example.com>',
        b'MAIL FROM:<"unbalanced@example.com>', b'MAIL FROM:fuzz@example.com', b'MAIL FROM:<<>>',
        b'MAIL FROM:<fuzz@example.com> SMTPUTF8 BODY=8BITMIME AUTH=' + printable(rng, 500),
        b'MAIL FROM:<fuzz@[999.999.999.999]>', b'MAIL FROM:<fuzz@[IPv6:' + b'f:' * 200 + b']>',
    ]
    rcpts = [
        b'RCPT TO:<' + b'r' * big + b'@remote.example>',
        b'RCPT TO:<r@remote.example> NOTIFY=' + printable(rng, 300),
        b'RCPT TO:<r@remote.example> NOTIFY=NEVER,SUCCESS ORCPT=rfc822;' + printable(rng, big),
        b'RCPT TO:<r@remote.example> ORCPT=' + b'+' * 1000,
        b'RCPT TO:<@x.example:r@remote.example> ' + b' '.join(b'P%d' % i for i in range(1000)),
        b'RCPT TO:<r@remote.example', b'RCPT TO:<>', b'RCPT TO:<"\\\\"@remote.example>',
        b'RCPT TO:<postmaster>', b'RCPT TO:<r%remote.example@localhost>',
    ]
    for _ in range(rng.randrange(2, 6)):
        s.command(rng.choice(mails) + b'\r\n')
        for _ in range(rng.randrange(1, 4)):
            s.command(rng.choice(rcpts) + b'\r\n')
        s.command(b'RSET\r\n')
    finish(s)


def auth_lines(rng):
    b64 = lambda b: base64.b64encode(b)
    return rng.choice([
        [b'AUTH PLAIN !!!not-base64!!!'],
        [b'AUTH PLAIN', b'%%%%'],
        [b'AUTH PLAIN ' + b64(b'\x00\x00')],
        [b'AUTH PLAIN ' + b64(b'nobody\x00nobody\x00wrong')],
        [b'AUTH PLAIN ' + b64(b'\x00' + rng.randbytes(rng.randrange(1, 3000)))],
        [b'AUTH PLAIN ='],
        [b'AUTH LOGIN', b64(printable(rng, 80_000))],
        [b'AUTH LOGIN', b64(b'user'), b'*'],
        [b'AUTH LOGIN ' + b64(b'user'), b64(b'\x00pass\x00')],
        [b'AUTH CRAM-MD5', b64(rng.randbytes(64))],
        [b'AUTH XOAUTH2 ' + printable(rng, 500)],
        [b'AUTH'], [b'AUTH ' + printable(rng, 2000)],
        [b'AUTH PLAIN ' + b64(b'a\x00b\x00c'), b'AUTH PLAIN ' + b64(b'a\x00b\x00c')],
    ])


def auth_garbage(s, rng):
    s.command(b'EHLO fuzz.example\r\n')
    for _ in range(rng.randrange(1, 4)):
        for line in auth_lines(rng):
            s.command(line + b'\r\n')
    s.command(b'MAIL FROM:<fuzz@example.com>\r\n')
    s.command(b'RCPT TO:<unauth@remote.example>\r\n')
    s.send(b'QUIT\r\n')
    s.drain()


def k_auth_garbage_plain(s, rng):
    s.reply()
    auth_garbage(s, rng)


def k_auth_garbage_submission(s, rng):
    s.reply()
    s.command(b'EHLO fuzz.example\r\n')
    code = s.command(b'STARTTLS\r\n')
    if code != '220':
        s.t.notes[f'STARTTLS answered {code}'] += 1
        finish(s)
        return
    s.start_tls()
    auth_garbage(s, rng)


def k_auth_garbage_submissions(s, rng):
    s.reply()
    auth_garbage(s, rng)


def k_command_mutation(s, rng):
    s.reply()
    base = [b'EHLO fuzz.example', b'HELO fuzz.example', b'MAIL FROM:<fuzz@example.com>',
            b'RCPT TO:<m@remote.example>', b'DATA', b'RSET', b'NOOP', b'VRFY postmaster',
            b'EXPN staff', b'HELP', b'STARTTLS', b'BDAT 10 LAST', b'ETRN example.com', b'TURN',
            b'XCLIENT ADDR=1.2.3.4', b'XFORWARD NAME=spoof', b'AUTH PLAIN']
    for _ in range(rng.randrange(5, 40)):
        line = bytearray(rng.choice(base))
        for _ in range(rng.randrange(0, 4)):
            op = rng.randrange(5)
            pos = rng.randrange(len(line) + 1)
            if op == 0:
                line[pos:pos] = bytes([rng.randrange(256)])
            elif op == 1 and line:
                del line[min(pos, len(line) - 1)]
            elif op == 2:
                line = line.swapcase()
            elif op == 3:
                line[pos:pos] = b' ' * rng.randrange(1, 50)
            else:
                line[pos:pos] = b':<>'[rng.randrange(3):][:1]
        code = s.command(bytes(line) + b'\r\n')
        if code == '354':
            s.command(b'Subject: mutated\r\n\r\nbody\r\n.\r\n')
        elif code == '220' and line.strip().upper().startswith(b'STARTTLS'):
            # The server now expects a handshake: what it sends next (a TLS alert) is not SMTP.
            s.sink = s.t.raw
            s.send(b'QUIT\r\n')
            s.drain(idle=2)
            return
    finish(s)


# kind -> (function, port key, TLS from the first byte, weight)
KINDS = {
    'random_bytes': (k_random_bytes, 'smtp', False, 10),
    'nul_bytes': (k_nul_bytes, 'smtp', False, 6),
    'long_line': (k_long_line, 'smtp', False, 6),
    'many_rcpts': (k_many_rcpts, 'smtp', False, 2),
    'pipelining_flood': (k_pipelining_flood, 'smtp', False, 4),
    'half_open_silent': (k_half_open_silent, 'smtp', False, 4),
    'half_line_stall': (k_half_line_stall, 'smtp', False, 4),
    'starttls_garbage': (k_starttls_garbage, 'smtp', False, 6),
    'implicit_tls_garbage': (k_implicit_tls_garbage, 'submissions', False, 6),
    'huge_headers': (k_huge_headers, 'smtp', False, 4),
    'bare_lf_cr': (k_bare_lf_cr, 'smtp', False, 6),
    'overlong_params': (k_overlong_params, 'smtp', False, 6),
    'auth_garbage_plain': (k_auth_garbage_plain, 'smtp', False, 2),
    'auth_garbage_submission': (k_auth_garbage_submission, 'submission', False, 4),
    'auth_garbage_submissions': (k_auth_garbage_submissions, 'submissions', True, 4),
    'command_mutation': (k_command_mutation, 'smtp', False, 10),
}


def run_session(args, kind, seed):
    function, port_key, tls, _ = KINDS[kind]
    transcript = Transcript(kind)
    rng = random.Random(seed)
    try:
        session = Session(args.host, getattr(args, port_key), transcript, tls=tls)
    except (OSError, ssl.SSLError) as e:
        transcript.notes[f'connect failed: {type(e).__name__}'] += 1
        transcript.violations.append(f'{kind}: could not connect or handshake: {e}')
        return transcript
    try:
        function(session, rng)
    except TimeoutError:
        pass
    except (ssl.SSLError, OSError) as e:
        transcript.notes[f'ended by {type(e).__name__}'] += 1
    finally:
        session.close()
    transcript.check()
    return transcript


# --- the server process ------------------------------------------------------------------------
def process_figures(pid):
    """RSS, threads and start time of the process, or None if it is gone."""
    figures = {}
    try:
        with open(f'/proc/{pid}/stat') as stat:
            # the start time (field 22) tells the server from a later process given the same pid
            figures['start'] = stat.read().rsplit(')', 1)[1].split()[19]
        with open(f'/proc/{pid}/status') as status:
            for line in status:
                key, _, value = line.partition(':')
                if key in ('VmRSS', 'Threads'):
                    figures[key] = int(value.split()[0])
    except FileNotFoundError:
        return None
    if shutil.which('jcmd'):
        try:
            out = subprocess.run(['jcmd', str(pid), 'Thread.print'], capture_output=True, text=True,
                                 timeout=30).stdout
            figures['java threads'] = sum(1 for line in out.splitlines() if line.startswith('"'))
        except subprocess.TimeoutExpired:
            pass
    return figures


def describe(figures):
    text = f"RSS {figures['VmRSS'] // 1024} MB, {figures['Threads']} threads (/proc)"
    if 'java threads' in figures:
        text += f", {figures['java threads']} (jcmd Thread.print)"
    return text


def normal_transaction(args):
    """A plain, well-behaved message; returns the final reply to DATA or raises."""
    with smtplib.SMTP(args.host, args.smtp, timeout=30) as smtp:
        smtp.ehlo('fuzz-check.example')
        code, text = smtp.mail('fuzz-check@example.com')
        if code != 250:
            return code, text
        code, text = smtp.rcpt('check@remote.example')
        if code != 250:
            return code, text
        return smtp.data(b'Subject: after the fuzzing\r\n\r\nstill here\r\n')


def polite_session(args, port, tls):
    """Greeting, EHLO, NOOP, QUIT: nothing hostile."""
    transcript = Transcript('warm-up')
    try:
        session = Session(args.host, port, transcript, tls=tls)
    except (OSError, ssl.SSLError):
        return
    try:
        session.reply()
        for line in (b'EHLO warm-up.example\r\n', b'NOOP\r\n', b'QUIT\r\n'):
            session.command(line)
    finally:
        session.close()


def warm_up(args, connections=32):
    """
    Brings the server to its working size before the idle figures are taken: one normal
    transaction, then `connections` polite sessions at once on each listener. James runs each
    listener's handlers on a pool of threads it starts one by one as connections come (up to
    16 by default) and keeps afterwards; counted from a cold server, those threads would look
    like a leak. A leak grows with the number of sessions, so it still shows against this idle
    figure.
    """
    code, text = normal_transaction(args)
    print(f'warm-up transaction: {code} {text.decode(errors="replace")}')
    targets = [(args.smtp, False), (args.submission, False), (args.submissions, True)] * connections
    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        list(pool.map(lambda target: polite_session(args, *target), targets))


def self_test():
    """The checks must be able to fail: known bad transcripts are caught, good ones pass."""
    def violations(plain, raw=b'', closed=True):
        transcript = Transcript('self-test')
        transcript.plain += plain
        transcript.raw += raw
        transcript.closed_by_server = closed
        transcript.check()
        return transcript.violations

    good = b'220 mx.example ESMTP Postern\r\n250-mx.example\r\n250 PIPELINING\r\n502 5.5.2 Error: command not recognized\r\n221 2.0.0 Bye\r\n'
    bad = {
        'exception class': b'451 4.3.0 java.lang.NullPointerException: null\r\n',
        'stack frame': b'451 4.3.0 Error\r\n\tat dev.postern.Foo.bar(Foo.java:1)\r\n',
        'at java.': b'451 4.3.0 at java.base/java.lang.Thread.run\r\n',
        'an Error class': b'421 4.3.0 OutOfMemoryError\r\n',
        'two-digit code': b'25 ok\r\n',
        'no separator': b'250ok\r\n',
        'bare LF inside': b'250 ok\nmore\r\n',
        'NUL in the text': b'500 5.5.1 Command NO\x00OP unrecognized.\r\n',
        'cut off': b'220 mx.example ESMTP\r\n250 mx.exa',
    }
    failed = [] if not violations(good) else ['a good transcript was refused: ' + str(violations(good))]
    failed += [f'not caught: {name}' for name, plain in bad.items() if not violations(plain)]
    if not violations(b'', raw=b'\x15\x03\x03\x00\x02\x02\x28javax.net.ssl.SSLHandshakeException'):
        failed.append('not caught: exception text after a failed TLS handshake')
    if violations(b'220 mx.example ESMTP\r\n250 mx.exa', closed=False):
        failed.append('a line the client cut off was blamed on the server')
    for text in failed:
        print('self-test: ' + text)
    print('self-test: ' + ('FAILED' if failed else f'{len(bad) + 3} cases ok'))
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--smtp', type=int, required=True, help='SMTP port (STARTTLS offered)')
    parser.add_argument('--submission', type=int, required=True, help='submission port (STARTTLS required)')
    parser.add_argument('--submissions', type=int, required=True, help='submissions port (implicit TLS)')
    parser.add_argument('--sessions', type=int, default=2000)
    parser.add_argument('--concurrency', type=int, default=16)
    parser.add_argument('--seed', type=int, default=None, help='seed of the session plan (default: random, printed)')
    parser.add_argument('--pid', type=int, help='server process to watch (threads, memory, still alive)')
    parser.add_argument('--grace', type=float, default=60, help='seconds for threads to settle afterwards')
    parser.add_argument('--thread-slack', type=int, default=20, help='threads allowed above idle afterwards')
    parser.add_argument('--kinds', help='comma-separated subset of: ' + ', '.join(KINDS))
    parser.add_argument('--self-test', action='store_true', help='check the checks on known transcripts, then exit')
    if '--self-test' in sys.argv[1:]:
        return self_test()
    args = parser.parse_args()

    kinds = args.kinds.split(',') if args.kinds else list(KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f'unknown kind(s) {unknown}; known: {", ".join(KINDS)}')
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2 ** 32)
    plan_rng = random.Random(seed)
    weights = [KINDS[k][3] for k in kinds]
    plan = [(plan_rng.choices(kinds, weights)[0], plan_rng.randrange(2 ** 63)) for _ in range(args.sessions)]
    print(f'smtp-fuzz: {args.sessions} sessions, seed {seed}, {args.concurrency} at a time, '
          f'ports smtp {args.smtp} submission {args.submission} submissions {args.submissions}', flush=True)

    violations = []
    idle = None
    if args.pid:
        try:
            warm_up(args)
        except (OSError, smtplib.SMTPException) as e:
            print(f'the server does not answer before the fuzzing: {e!r}', file=sys.stderr)
            return 1
        time.sleep(3)
        idle = process_figures(args.pid)
        if idle is None:
            print(f'server process {args.pid} is not running', file=sys.stderr)
            return 1
        print(f'idle before: {describe(idle)}', flush=True)

    per_kind = Counter()
    codes = Counter()
    notes = Counter()
    started = time.monotonic()
    done = 0
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        for transcript in pool.map(lambda item: run_session(args, *item), plan):
            per_kind[transcript.kind] += 1
            codes.update(transcript.codes)
            notes.update({f'{transcript.kind}: {note}': n for note, n in transcript.notes.items()})
            violations.extend(transcript.violations)
            done += 1
            if done % 100 == 0:
                print(f'  {done} sessions, {len(violations)} violations, '
                      f'{time.monotonic() - started:.0f} s', flush=True)
    elapsed = time.monotonic() - started

    print(f'\n{done} sessions in {elapsed:.0f} s')
    print('sessions per kind:')
    for kind in kinds:
        print(f'  {kind:26} {per_kind[kind]}')
    print('replies by code (final lines): ' + ', '.join(f'{c} x{n}' for c, n in sorted(codes.items())))
    if notes:
        print('how sessions ended, where not by the server closing after QUIT (informational):')
        for note, n in sorted(notes.items()):
            print(f'  {note} x{n}')

    if args.pid:
        now = process_figures(args.pid)
        if now is None or now['start'] != idle['start']:
            violations.append(f'the server process {args.pid} died')
        else:
            try:
                code, text = normal_transaction(args)
                text = text.decode(errors='replace')
                print(f'transaction after the fuzzing: {code} {text}')
                if code != 250 or 'queued' not in text:
                    violations.append(f'the transaction after the fuzzing got {code} {text}, not 250 queued')
            except (OSError, smtplib.SMTPException) as e:
                violations.append(f'the transaction after the fuzzing failed: {e!r}')
            limit = idle['Threads'] + args.thread_slack
            deadline = time.monotonic() + args.grace
            after = process_figures(args.pid)
            while after and after['Threads'] > limit and time.monotonic() < deadline:
                time.sleep(2)
                after = process_figures(args.pid)
            if after is None or after['start'] != idle['start']:
                violations.append(f'the server process {args.pid} died')
            else:
                print(f'idle before: {describe(idle)}')
                print(f'after:       {describe(after)}')
                if after['Threads'] > limit:
                    violations.append(f"{after['Threads']} threads {args.grace:.0f} s after the fuzzing, "
                                      f"more than idle {idle['Threads']} + {args.thread_slack}")

    if violations:
        # Grouped by session kind and what was wrong, with a few examples of each.
        print(f'\n{len(violations)} VIOLATIONS:')
        groups = {}
        for text in violations:
            groups.setdefault(text.split(' b', 1)[0].split(' b"', 1)[0], []).append(text)
        for group, texts in sorted(groups.items(), key=lambda item: -len(item[1])):
            print(f'  {len(texts)} x {group}')
            for text in list(dict.fromkeys(texts))[:3]:
                print(f'      {text}')
        return 1
    print('\nno violations')
    return 0


if __name__ == '__main__':
    sys.exit(main())
