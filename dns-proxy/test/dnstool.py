#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""DNS and NTS-Nego helpers for ntsdns's lab tests (standard library only).

  query SERVER NAME [TYPE]     ask, print a summary line (--hex: the bytes)
  same SERVER UPSTREAM NAME [TYPE]
                               ask both; "same" if the answers are byte for
                               byte equal but for the ID
  dup SERVER NAME              the same query three times, same ID and port
  pipeline SERVER NAME...      several queries on one TCP connection
  idle SERVER SECONDS          connect over TCP, send nothing: "closed" if
                               the server closes within SECONDS
  burst SERVER SRC...          1,000 concurrent queries from SRC addresses
  junk SERVER                  malformed messages over UDP and TCP
  proxy SERVER NAME CLIENT     a query behind a PROXY v2 header naming
                               CLIENT (ADDR:PORT) as the one who asks, as
                               dnsdist's useProxyProtocol sends it
  upstream ADDR:PORT LOG       a scripted upstream resolver (see Upstream)
  router ADDR KEYFILE MODE LOG a scripted NTS router on ADDR:20053
"""
import argparse
import base64
import hashlib
import hmac
import os
import random
import re
import select
import socket
import struct
import sys
import threading
import time

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MX": 15, "TXT": 16,
         "AAAA": 28, "OPT": 41, "RRSIG": 46, "ANY": 255}
RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"]


# ---- messages ----

def wname(n):
    out = b""
    for label in n.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def ecs_option(net):
    """An EDNS Client Subnet option for IPv4 ADDR/LEN, the address as
    given (host bits too: dig clears them, this does not)."""
    addr, plen = net.split("/")
    plen = int(plen)
    a = socket.inet_aton(addr)[:(plen + 7) // 8]
    return struct.pack("!HHHBB", 8, 4 + len(a), 1, plen, 0) + a


def query_msg(name, qtype="A", id_=None, edns=None, do=False, rd=True,
              opcode=0, ecs=None):
    id_ = random.getrandbits(16) if id_ is None else id_
    flags = (opcode << 11) | (0x0100 if rd else 0)
    edns = edns or (1232 if ecs else None)
    msg = struct.pack("!6H", id_, flags, 1, 0, 0, 1 if edns else 0)
    msg += wname(name) + struct.pack("!HH", TYPES.get(qtype, 1), 1)
    if edns:
        opts = ecs_option(ecs) if ecs else b""
        msg += b"\0" + struct.pack("!HHIH", 41, edns, 0x8000 if do else 0,
                                   len(opts)) + opts
    return msg


def read_name(msg, off):
    """(name, offset after it in place); follows pointers, bounded."""
    labels, end, hops = [], None, 0
    while True:
        c = msg[off]
        if c & 0xc0 == 0xc0:
            if end is None:
                end = off + 2
            off = (c & 0x3f) << 8 | msg[off + 1]
            hops += 1
            if hops > 20:
                raise ValueError("pointer loop")
            continue
        if c == 0:
            return ".".join(labels) + ".", end if end is not None else off + 1
        labels.append(msg[off + 1:off + 1 + c].decode("ascii", "replace"))
        off += 1 + c


def parse(msg):
    """A dict: id, flags, rcode, tc, question, answers [(name, type, ttl,
    data)], counts."""
    id_, flags, qd, an, ns, ar = struct.unpack("!6H", msg[:12])
    off, question = 12, []
    for _ in range(qd):
        n, off = read_name(msg, off)
        question.append((n.lower(), struct.unpack("!H", msg[off:off + 2])[0]))
        off += 4
    answers = []
    for _ in range(an):
        n, off = read_name(msg, off)
        t, c, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        rd = msg[off + 10:off + 10 + rdlen]
        if t == 1:
            data = socket.inet_ntoa(rd)
        elif t == 16:
            data, i = "", 0
            while i < len(rd):
                data += rd[i + 1:i + 1 + rd[i]].decode()
                i += 1 + rd[i]
        elif t == 5:
            data = read_name(msg, off + 10)[0]
        else:
            data = rd.hex()
        answers.append((n.lower(), t, ttl, data))
        off += 10 + rdlen
    return {"id": id_, "flags": flags, "rcode": flags & 0xf,
            "tc": bool(flags & 0x200), "question": question,
            "answers": answers, "counts": (qd, an, ns, ar)}


def summary(msg):
    p = parse(msg)
    ans = " ".join("%s/%d/%s" % (n, ttl, d) for n, t, ttl, d in p["answers"])
    return "rcode %s tc %d an %d size %d id %d %s" % (
        RCODES[p["rcode"]] if p["rcode"] < len(RCODES) else p["rcode"],
        p["tc"], p["counts"][1], len(msg), p["id"], ans)


# ---- transport ----

def hostport(s, port=53):
    host, _, p = s.rpartition(":") if s.count(":") == 1 else (s, "", "")
    return (host, int(p) if p else port)


def udp(server, msg, timeout=5.0, src=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if src:
        s.bind((src, 0))
    s.settimeout(timeout)
    s.sendto(msg, server)
    try:
        while True:
            data, frm = s.recvfrom(65535)
            if frm == server and data[:2] == msg[:2]:
                return data
    except socket.timeout:
        return None
    finally:
        s.close()


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def tcp_read(s):
    hdr = recv_exact(s, 2)
    if hdr is None:
        return None
    return recv_exact(s, struct.unpack("!H", hdr)[0])


def tcp(server, msg, timeout=5.0, sport=None):
    if sport:
        # The same port each time: the same 4-tuple, and so the same
        # ntsdns worker (SO_REUSEPORT). Closed with a RST: no TIME_WAIT
        # keeps the port from the next connection.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        s.settimeout(timeout)
        s.bind(("", sport))
        s.connect(server)
    else:
        s = socket.create_connection(server, timeout=timeout)
    try:
        s.sendall(struct.pack("!H", len(msg)) + msg)
        return tcp_read(s)
    except socket.timeout:
        return None
    finally:
        s.close()


def ask(args, server, name, qtype, id_=None):
    msg = query_msg(name, qtype, id_=id_, edns=args.edns, do=args.do,
                    opcode=args.opcode, ecs=getattr(args, "ecs", None))
    if args.tcp:
        return tcp(server, msg, args.timeout, getattr(args, "sport", None))
    return udp(server, msg, args.timeout)


PROXY2_SIG = b"\r\n\r\n\0\r\nQUIT\n"


def proxy2_header(client, server, tcp):
    """PROXY v2, command PROXY, TCP4 or UDP4: @client -> @server."""
    body = (socket.inet_aton(client[0]) + socket.inet_aton(server[0]) +
            struct.pack("!HH", client[1], server[1]))
    return (PROXY2_SIG + bytes([0x21, 0x11 if tcp else 0x12]) +
            struct.pack("!H", len(body)) + body)


# ---- commands ----

def cmd_query(args):
    r = ask(args, hostport(args.server), args.name, args.type)
    if r is None:
        print("timeout")
        return 1
    print(summary(r))
    if args.hex:
        print("hex " + r.hex())
    return 0


def cmd_same(args):
    """Answers through ntsdns and straight from the upstream, equal but for
    the ID. A cached answer's TTL counts down each second: ask the
    upstream before and after, and retry until both agree."""
    server, upstream = hostport(args.server), hostport(args.upstream)
    for _ in range(5):
        before = ask(args, upstream, args.name, args.type, id_=1)
        ours = ask(args, server, args.name, args.type, id_=1)
        after = ask(args, upstream, args.name, args.type, id_=1)
        if None in (before, ours, after):
            print("timeout")
            return 1
        if before == after:
            if ours == before:
                print("same " + summary(ours))
                return 0
            print("differ\nupstream %s\nntsdns   %s" % (before.hex(),
                                                      ours.hex()))
            return 1
    print("the upstream's answer kept changing")
    return 1


def cmd_dup(args):
    server = hostport(args.server)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(args.timeout)
    msg = query_msg(args.name, args.type)
    for _ in range(3):
        s.sendto(msg, server)
        time.sleep(0.1)
    answers = []
    try:
        while True:
            answers.append(s.recvfrom(65535)[0])
    except socket.timeout:
        pass
    print("answers %d" % len(answers))
    for a in answers:
        print(summary(a))
    return 0


def cmd_pipeline(args):
    """All queries first, then the answers, in whatever order."""
    s = socket.create_connection(hostport(args.server), timeout=args.timeout)
    sent = {}
    for i, n in enumerate(args.names):
        m = query_msg(n, args.type, id_=1000 + i)
        sent[1000 + i] = n.lower().rstrip(".") + "."
        s.sendall(struct.pack("!H", len(m)) + m)
    got = 0
    for _ in args.names:
        r = tcp_read(s)
        if r is None:
            break
        p = parse(r)
        if sent.get(p["id"]) == p["question"][0][0]:
            got += 1
        print(summary(r))
    s.close()
    print("matched %d of %d" % (got, len(args.names)))
    return 0 if got == len(args.names) else 1


def cmd_flood(args):
    """COUNT queries for NAME at once over UDP from one socket, each with
    its own ID; then the answers, for up to --timeout seconds."""
    server = hostport(args.server)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    ids = random.sample(range(65536), args.count)
    for id_ in ids:
        s.sendto(query_msg(args.name, args.type, id_=id_), server)
    want, deadline = set(ids), time.time() + args.timeout
    while want and time.time() < deadline:
        s.settimeout(max(0.01, deadline - time.time()))
        try:
            want.discard(parse(s.recv(65535))["id"])
        except socket.timeout:
            break
    print("answered %d of %d" % (args.count - len(want), args.count))
    return 0


def cmd_hold(args):
    """COUNT TCP connections from --src, one byte of a message on each,
    held for SECS: "open N of COUNT" still open then (the server closed
    the others, or never took them)."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks = []
    for _ in range(args.count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        try:
            s.bind((args.src, 0))
            s.connect(hostport(args.server))
            s.sendall(b"\0")
            socks.append(s)
        except OSError:
            s.close()
    print("connected", file=sys.stderr, flush=True)
    deadline, poll = time.time() + args.secs, select.poll()
    byfd = {s.fileno(): s for s in socks}
    for fd in byfd:
        poll.register(fd, select.POLLIN)
    while byfd and time.time() < deadline:
        for fd, _ in poll.poll(200):
            try:
                gone = byfd[fd].recv(1) == b""
            except OSError:
                gone = True
            if gone:
                poll.unregister(fd)
                byfd.pop(fd).close()
    print("open %d of %d" % (len(byfd), args.count), flush=True)
    return 0


def cmd_idle(args):
    s = socket.create_connection(hostport(args.server), timeout=args.secs)
    try:
        print("closed" if s.recv(1) == b"" else "data")
    except socket.timeout:
        print("open")
    return 0


def cmd_burst(args):
    """1,000 queries at once from each of several sources in turn, each
    on its own port; every answer must come, from the address asked,
    match its query and say what the zone says. other.test: tN TXT "tN",
    hN A 192.0.2.N."""
    server = hostport(args.server)
    socks, want = [], {}
    for src in args.sources:
        for _ in range(args.ports):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:    # SO_RCVBUFFORCE: past rmem_max, as root
                s.setsockopt(socket.SOL_SOCKET, 33, 1 << 20)
            except OSError:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            s.bind((src, 0))
            # Connected: an answer from another address never arrives.
            s.connect(server)
            s.setblocking(False)
            socks.append(s)
    for i in range(args.count):
        s = socks[i % len(socks)]
        if i % 4 == 3:
            name, qtype, data = "h%d.other.test" % (i % 256), "A", \
                "192.0.2.%d" % (i % 256)
        else:
            name, qtype, data = "t%d.other.test" % i, "TXT", "t%d" % i
        id_ = random.getrandbits(16)
        while (s, id_) in want:
            id_ = random.getrandbits(16)
        want[(s, id_)] = (name + ".", data)
        s.send(query_msg(name, qtype, id_=id_))
    bad, deadline = 0, time.time() + args.timeout
    while want and time.time() < deadline:
        ready, _, _ = select.select(socks, [], [], 0.2)
        for s in ready:
            while True:
                try:
                    r = s.recv(65535)
                except BlockingIOError:
                    break
                p = parse(r)
                exp = want.pop((s, p["id"]), None)
                if exp is None:
                    bad += 1
                    print("unexpected answer: " + summary(r))
                elif (p["question"][0][0] != exp[0] or p["rcode"] or
                      [a[3] for a in p["answers"]] != [exp[1]]):
                    bad += 1
                    print("wrong answer for %s: %s" % (exp[0], summary(r)))
    print("answered %d of %d, %d wrong, %d missing" % (
        args.count - len(want), args.count, bad, len(want)))
    return 0 if not want and not bad else 1


def cmd_junk(args):
    """Each case: what came back (FORMERR, another rcode or nothing)."""
    server = hostport(args.server)
    rnd = random.Random(5)
    good = query_msg("www.other.test", "A", id_=0x2222)
    cases = [
        ("empty", b""),
        ("one byte", b"\x01"),
        ("short header", good[:11]),
        ("header only, qdcount 1", good[:12]),
        ("truncated question", good[:20]),
        ("qdcount lies", good[:4] + b"\0\5" + good[6:]),
        ("ancount lies", good[:6] + b"\0\7" + good[8:]),
        ("arcount lies", good[:10] + b"\0\3" + good[12:]),
        ("pointer loop", good[:12] + b"\xc0\x0c\0\1\0\1"),
        ("pointer forward", good[:12] + b"\xc0\x40\0\1\0\1"),
        ("label too long", good[:12] + b"\x7fabc\0\0\1\0\1"),
        ("two OPT records", good[:10] + b"\0\2" + good[12:] +
         (b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)) * 2),
        ("a response", good[:2] + b"\x81\x80" + good[4:]),
    ]
    for i in range(40):
        m = bytearray(rnd.getrandbits(8)
                      for _ in range(rnd.randrange(12, 300)))
        if i % 4:
            m[2] &= 0x7f    # mostly queries: a response is just dropped
        cases.append(("random %d" % i, bytes(m)))
    for i in range(20):
        m = bytearray(good)
        for _ in range(3):
            m[rnd.randrange(len(m))] = rnd.getrandbits(8)
        cases.append(("mutated %d" % i, bytes(m)))
    for proto in ("udp", "tcp"):
        for label, m in cases:
            if proto == "udp":
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                s.settimeout(0.3)
                s.sendto(m, server)
                try:
                    r = s.recv(65535)
                except socket.timeout:
                    r = None
            else:
                s = socket.create_connection(server, timeout=0.5)
                try:
                    s.sendall(struct.pack("!H", len(m)) + m)
                    r = tcp_read(s)
                except (socket.timeout, ConnectionError):
                    r = None
            s.close()
            if r is None:
                what = "none"
            elif len(r) >= 12 and len(m) >= 2 and r[:2] != m[:2]:
                what = "wrong-id"
            else:
                what = RCODES[r[3] & 0xf] if (r[3] & 0xf) < 6 else "rcode?"
            print("%s %s: %s" % (proto, label, what))
    return 0


# ---- a scripted upstream ----

class Upstream:
    """Answers by name (the log gets a line per query):

    slow.fake.test        A 192.0.2.7, after a second
    big.fake.test         TXT of 3,000 bytes, whatever the client's size
    spoof.fake.test       three wrong answers (another question, another
                          ID, another port), then A 192.0.2.9
    tcp-spoof.fake.test   over UDP: TC; over TCP: as spoof.fake.test
    garbage.fake.test     a broken answer, then A 192.0.2.10
    silent.fake.test      nothing
    chain.fake.test       CNAME web.nts.test, A 198.51.100.61
    multi.nts.test        A 198.51.100.61 and A 198.51.100.62
    signed.nts.test       A 198.51.100.61 and its RRSIG (signed.fake.test:
                          the same, outside the NTS zone)
    ecs.nts.test          A 198.51.100.61 (AAAA 2001:db8:1::61), and an
                          OPT record without
                          options if asked with EDNS (as BIND answers)
    anything else         A 192.0.2.1
    """

    def __init__(self, addr, log):
        self.addr, self.log = addr, open(log, "a", buffering=1)
        self.u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.u.bind(addr)
        self.other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.t.bind(addr)
        self.t.listen(64)

    @staticmethod
    def answer(q, records, qname=None, id_=None, rcode=0, opt=False):
        """Records (owner, type, ttl, rdata) after q's question; an
        OPT record after them if opt."""
        p = parse(q)
        qd_end = 12 + len(wname(p["question"][0][0])) + 4
        question = q[12:qd_end] if qname is None else \
            wname(qname) + q[qd_end - 4:qd_end]
        id_ = p["id"] if id_ is None else id_
        msg = struct.pack("!6H", id_, 0x8580 | rcode, 1, len(records), 0,
                          1 if opt else 0)
        msg += question
        for owner, t, ttl, rd in records:
            msg += wname(owner) + struct.pack("!HHIH", t, 1, ttl, len(rd)) + rd
        if opt:
            msg += b"\0" + struct.pack("!HHIH", 41, 1232, 0, 0)
        return msg

    def respond(self, q, send, tcp=False):
        p = parse(q)
        name = p["question"][0][0].rstrip(".")
        self.log.write("query %s %d%s\n" % (name, p["question"][0][1],
                                           " tcp" if tcp else ""))
        a = lambda ip: socket.inet_aton(ip)  # noqa: E731
        if name == "silent.fake.test":
            return
        if name == "tcp-spoof.fake.test" and not tcp:
            tc = self.answer(q, [])
            send(tc[:2] + bytes([tc[2] | 0x02]) + tc[3:])
            return
        if name == "slow.fake.test":
            time.sleep(1)
            send(self.answer(q, [(name, 1, 300, a("192.0.2.7"))]))
        elif name == "big.fake.test":
            txt = b"".join(b"\xfa" + b"x" * 250 for _ in range(12))
            send(self.answer(q, [(name, 16, 300, txt)]))
        elif name in ("spoof.fake.test", "tcp-spoof.fake.test"):
            send(self.answer(q, [(name, 1, 300, a("6.6.6.1"))],
                             qname="other.fake.test"))
            send(self.answer(q, [(name, 1, 300, a("6.6.6.2"))],
                             id_=p["id"] ^ 1))
            send(self.answer(q, [(name, 1, 300, a("6.6.6.3"))]), other=True)
            time.sleep(0.1)
            send(self.answer(q, [(name, 1, 300, a("192.0.2.9"))]))
        elif name == "garbage.fake.test":
            good = self.answer(q, [(name, 1, 300, a("192.0.2.10"))])
            send(good[:6] + b"\0\5" + good[8:-4])
            time.sleep(0.1)
            send(good)
        elif name == "chain.fake.test":
            send(self.answer(q, [(name, 5, 300, wname("web.nts.test")),
                                 ("web.nts.test", 1, 300,
                                  a("198.51.100.61"))]))
        elif name in ("signed.nts.test", "signed.fake.test"):
            sig = struct.pack("!HBBIIIH", 1, 13, 3, 300, 1900000000,
                              1800000000, 4242) + wname("nts.test") + \
                bytes(range(64))
            send(self.answer(q, [(name, 1, 300, a("198.51.100.61")),
                                 (name, 46, 300, sig)]))
        elif name == "ecs.nts.test" and p["question"][0][1] == 28:
            send(self.answer(q, [(name, 28, 300, socket.inet_pton(
                socket.AF_INET6, "2001:db8:1::61"))],
                opt=p["counts"][3] > 0))
        elif name == "ecs.nts.test":
            send(self.answer(q, [(name, 1, 300, a("198.51.100.61"))],
                             opt=p["counts"][3] > 0))
        elif name == "multi.nts.test":
            send(self.answer(q, [(name, 1, 300, a("198.51.100.61")),
                                 (name, 1, 300, a("198.51.100.62"))]))
        else:
            send(self.answer(q, [(name, 1, 300, a("192.0.2.1"))]))

    def serve_udp(self):
        while True:
            q, frm = self.u.recvfrom(65535)

            def send(m, other=False, frm=frm):
                (self.other if other else self.u).sendto(m, frm)
            threading.Thread(target=self.respond, args=(q, send),
                             daemon=True).start()

    def serve_tcp_conn(self, c):
        while True:
            q = tcp_read(c)
            if q is None:
                c.close()
                return

            def send(m, other=False):
                if not other:
                    c.sendall(struct.pack("!H", len(m)) + m)
            self.respond(q, send, tcp=True)

    def run(self):
        threading.Thread(target=self.serve_udp, daemon=True).start()
        self.log.write("ready\n")
        while True:
            c, _ = self.t.accept()
            threading.Thread(target=self.serve_tcp_conn, args=(c,),
                             daemon=True).start()


def cmd_proxy(args):
    server = hostport(args.server)
    hdr = proxy2_header(hostport(args.client), server, args.tcp)
    msg = query_msg(args.name, args.type)
    if args.tcp:
        s = socket.create_connection(server, timeout=args.timeout)
        try:
            s.sendall(hdr + struct.pack("!H", len(msg)) + msg)
            r = tcp_read(s)
        except (socket.timeout, ConnectionError):
            r = None
        finally:
            s.close()
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(args.timeout)
        s.sendto(hdr + msg, server)
        try:
            r = s.recv(65535)
        except socket.timeout:
            r = None
        s.close()
    if r is None:
        print("no answer")
        return 1
    print(summary(r))
    return 0


def cmd_upstream(args):
    Upstream(hostport(args.addr), args.log).run()


# ---- a scripted NTS router ----

def load_key(path):
    text = open(path).read()
    name = re.search(r'key\s+"([^"]+)"', text).group(1).lower().rstrip(".")
    secret = base64.b64decode(re.search(r'secret\s+"([^"]+)"', text).group(1))
    return name, secret


def nego_encode(txid, mtype, gn, fqdn, key, addr=None, plen=None,
                gn6=None):
    """DESIGN section 3; key (name, secret) or None for unsigned; plen:
    GN is a network (NEGO_F_PREFIX, issue 20); gn6: an IPv6 GN
    (NEGO_F_V6, gn then 0)."""
    f = fqdn.encode()
    flags = (0x80 if addr else 0) | (0x20 if plen is not None else 0) | \
        (0x40 if gn6 else 0)
    msg = struct.pack("!BBH", txid, mtype | flags, len(f))
    msg += gn + f + (gn6 or b"")
    msg += (bytes([plen]) if plen is not None else b"") + (addr or b"")
    if key is None:
        return msg
    msg += struct.pack("!QQH", int(time.time()), random.getrandbits(64),
                       len(key[0])) + key[0].encode()
    return msg + hmac.new(key[1], msg, hashlib.sha256).digest()


def cmd_router(args):
    """MODE: accept, accept-addr=IP, reject, refused, silent, unsigned
    (an unsigned ACCEPT), wrongkey (ACCEPT signed with another secret),
    wrongtxid, refused-old (REFUSED without NEGO_F_PREFIX, as a router
    older than it answers a network's NOTICE). Logs "notice TXID GN FQDN NONCE" per NOTICE, GN as
    ADDR/PLEN for a network (NEGO_F_PREFIX), which answers repeat."""
    key = load_key(args.keyfile)
    log = open(args.log, "a", buffering=1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((args.addr, args.port))
    log.write("ready\n")
    while True:
        m, frm = s.recvfrom(2048)
        txid, mtype, flen = struct.unpack("!BBH", m[:4])
        gn, fqdn = m[4:8], m[8:8 + flen].decode()
        off = 8 + flen
        gn6 = m[off:off + 16] if mtype & 0x40 else None
        off += 16 if gn6 else 0
        plen = m[off] if mtype & 0x20 else None
        trailer = m[off + (plen is not None):]
        nonce = struct.unpack("!Q", trailer[8:16])[0] if len(trailer) > 16 \
            else 0
        signed = len(trailer) >= 18 and hmac.compare_digest(
            hmac.new(key[1], m[:-32], hashlib.sha256).digest(), m[-32:])
        log.write("notice %d %s %s %d %s\n" % (
            txid, (socket.inet_ntop(socket.AF_INET6, gn6) if gn6 else
                   socket.inet_ntoa(gn)) +
            ("/%d" % plen if plen is not None else ""), fqdn, nonce,
            "signed" if signed else "BAD-SIGNATURE"))
        mode = args.mode
        if mode == "silent":
            continue
        if mode.startswith("accept-addr="):
            r = nego_encode(txid, 2, gn, fqdn, key,
                            socket.inet_aton(mode.split("=")[1]), plen)
        elif mode == "unsigned":
            r = nego_encode(txid, 2, gn, fqdn, None)
        elif mode == "wrongkey":
            r = nego_encode(txid, 2, gn, fqdn, (key[0], b"not the key"))
        elif mode == "refused-old":
            # a router older than NEGO_F_PREFIX: REFUSED, no prefix
            r = nego_encode(txid, 4, gn, fqdn, key)
        elif mode == "wrongtxid":
            r = nego_encode((txid + 1) & 0xff, 2, gn, fqdn, key)
        else:
            r = nego_encode(txid, {"accept": 2, "reject": 3,
                                   "refused": 4}[mode], gn, fqdn, key,
                            plen=plen, gn6=gn6)
        s.sendto(r, frm)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def common(p):
        p.add_argument("--tcp", action="store_true")
        p.add_argument("--edns", type=int)
        p.add_argument("--do", action="store_true")
        p.add_argument("--opcode", type=int, default=0)
        p.add_argument("--timeout", type=float, default=5.0)
    p = sub.add_parser("query")
    p.add_argument("server")
    p.add_argument("name")
    p.add_argument("type", nargs="?", default="A")
    p.add_argument("--hex", action="store_true")
    p.add_argument("--sport", type=int, help="TCP: from this port")
    p.add_argument("--ecs", help="EDNS Client Subnet ADDR/LEN (IPv4)")
    common(p)
    p = sub.add_parser("same")
    p.add_argument("server")
    p.add_argument("upstream")
    p.add_argument("name")
    p.add_argument("type", nargs="?", default="A")
    common(p)
    p = sub.add_parser("dup")
    p.add_argument("server")
    p.add_argument("name")
    p.add_argument("type", nargs="?", default="A")
    p.add_argument("--timeout", type=float, default=3.0)
    p = sub.add_parser("pipeline")
    p.add_argument("server")
    p.add_argument("names", nargs="+")
    p.add_argument("--type", default="A")
    p.add_argument("--timeout", type=float, default=5.0)
    p = sub.add_parser("flood")
    p.add_argument("server")
    p.add_argument("name")
    p.add_argument("count", type=int)
    p.add_argument("type", nargs="?", default="A")
    p.add_argument("--timeout", type=float, default=10.0)
    p = sub.add_parser("hold")
    p.add_argument("server")
    p.add_argument("count", type=int)
    p.add_argument("secs", type=float)
    p.add_argument("--src", default="0.0.0.0")
    p = sub.add_parser("idle")
    p.add_argument("server")
    p.add_argument("secs", type=float)
    p = sub.add_parser("burst")
    p.add_argument("server")
    p.add_argument("sources", nargs="+")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--ports", type=int, default=5)
    p.add_argument("--timeout", type=float, default=20.0)
    p = sub.add_parser("junk")
    p.add_argument("server")
    p = sub.add_parser("proxy")
    p.add_argument("server")
    p.add_argument("name")
    p.add_argument("client")
    p.add_argument("type", nargs="?", default="A")
    p.add_argument("--tcp", action="store_true")
    p.add_argument("--timeout", type=float, default=3.0)
    p = sub.add_parser("upstream")
    p.add_argument("addr")
    p.add_argument("log")
    p = sub.add_parser("router")
    p.add_argument("addr")
    p.add_argument("keyfile")
    p.add_argument("mode")
    p.add_argument("log")
    p.add_argument("--port", type=int, default=20053)
    args = ap.parse_args()
    sys.exit(globals()["cmd_" + args.cmd](args) or 0)


if __name__ == "__main__":
    main()
