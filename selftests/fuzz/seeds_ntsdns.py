#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# Seed corpus for fuzz_ntsdns: client queries paired with upstream
# answers, in the harness's layout (flags, query length, query, answer).
import os
import struct
import sys


def name(n):
    out = b""
    for label in n.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(id_, flags, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!6H", id_, flags, qd, an, ns, ar)


def question(n, qtype=1, qclass=1):
    return name(n) + struct.pack("!HH", qtype, qclass)


def rr(owner, rtype, rdata, ttl=300, rclass=1):
    o = owner if isinstance(owner, bytes) else name(owner)
    return o + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def a(addr):
    return bytes(int(x) for x in addr.split("."))


def opt(size=1232, do=False, options=b""):
    return b"\0" + struct.pack("!HHIH", 41, size, 0x8000 if do else 0,
                               len(options)) + options


def query(n, qtype=1, id_=0x1234, edns=None):
    ar = 1 if edns is not None else 0
    msg = header(id_, 0x0100, ar=ar) + question(n, qtype)
    return msg + (edns if edns is not None else b"")


def answer(n, records, qtype=1, rcode=0, ns=(), ar=(), id_=0x4242):
    msg = header(id_, 0x8180 | rcode, an=len(records), ns=len(ns), ar=len(ar))
    msg += question(n, qtype)
    return msg + b"".join(records) + b"".join(ns) + b"".join(ar)


def seed(flags, q, r):
    return bytes([flags]) + struct.pack("!H", len(q)) + q + r


def main(out):
    os.makedirs(out, exist_ok=True)
    cookie = struct.pack("!HH", 10, 8) + b"\1\2\3\4\5\6\7\x08"
    alice = "alice.example.net"
    ecs24 = struct.pack("!HHHBB", 8, 7, 1, 24, 0) + a("198.51.100.0")[:3]
    ecs56 = struct.pack("!HHHBB", 8, 11, 2, 56, 0) + b"\x20\1\x0d\xb8\0\1\x20"
    soa = rr("example.net", 6, name("ns.example.net") +
             name("hostmaster.example.net") + struct.pack("!5I", 1, 2, 3, 4, 5))
    sig = b"\r\n\r\n\0\r\nQUIT\n"
    inet = a("198.51.100.10") + a("198.51.100.53") + struct.pack("!HH", 40000, 53)
    udp4 = sig + b"\x21\x12" + struct.pack("!H", 12) + inet
    tlv = b"\x04\0\2\0\0" + b"\xee\0\3abc"
    tcp4 = sig + b"\x21\x11" + struct.pack("!H", 12 + len(tlv)) + inet + tlv
    local = sig + b"\x20\x00\0\0"
    seeds = [
        # Behind dnsdist (bit 3): a PROXY v2 header before the query.
        seed(10, udp4 + query(alice), answer(alice, [rr(b"\xc0\x0c", 1, a("198.51.100.2"))])),
        seed(11, tcp4 + query(alice), answer(alice, [rr(alice, 1, a("198.51.100.2"))])),
        seed(8, local + query("example.net", 6), answer("example.net", [soa], 6)),
        # In the zone: ACCEPT, ACCEPT with an address, REJECT.
        seed(2, query(alice), answer(alice, [rr(b"\xc0\x0c", 1, a("198.51.100.2"))])),
        seed(4, query(alice), answer(alice, [rr(alice, 1, a("198.51.100.2"))])),
        seed(6, query(alice, edns=opt(do=True, options=cookie)),
             answer(alice, [rr(b"\xc0\x0c", 1, a("198.51.100.2"))],
                    ar=[opt(do=True, options=cookie)])),
        # A public resolver's ECS (--authoritative, issue 20): a /24,
        # answered with ECS already, and one with bits past its prefix.
        seed(4, query(alice, edns=opt(options=ecs24)),
             answer(alice, [rr(b"\xc0\x0c", 1, a("198.51.100.2"))],
                    ar=[opt(options=ecs24)])),
        seed(4, query(alice, edns=opt(options=ecs56)),
             answer(alice, [rr(b"\xc0\x0c", 1, a("198.51.100.2"))],
                    ar=[opt()])),
        seed(2, query(alice, edns=opt(options=struct.pack("!HHHBB", 8, 7, 1, 23, 0) +
                                      a("198.51.101.0")[:3])), b""),
        # A CNAME chain into the zone, two routers, an RRSIG.
        seed(2, query("www.other.test"),
             answer("www.other.test", [
                 rr(b"\xc0\x0c", 5, name("web.nts.test")),
                 rr("web.nts.test", 5, name(alice)),
                 rr(alice, 1, a("198.51.100.2")),
                 rr(alice, 1, a("198.51.100.3")),
                 rr(alice, 46, b"\0\1\x08\3" + b"\0" * 30),
             ])),
        # AAAA in the zone (issue 19): ACCEPT, with an address, REFUSED
        # (withheld: the rest of the answer is written again by ldns).
        seed(4, query(alice, 28), answer(alice, [rr(b"\xc0\x0c", 28, b"\x20\1\x0d\xb8" + b"\0" * 11 + b"\2")], 28)),
        seed(6, query("www.other.test", 28, edns=opt(do=True)),
             answer("www.other.test", [
                 rr(b"\xc0\x0c", 5, name(alice)),
                 rr(alice, 28, b"\x20\1\x0d\xb8" + b"\0" * 11 + b"\2"),
                 rr(b"\xc0\x2c", 28, b"\x20\1\x0d\xb8" + b"\0" * 11 + b"\3"),
             ], 28, ns=[soa], ar=[opt(do=True)])),
        # Not ours: another zone, NXDOMAIN, a CNAME loop.
        seed(2, query("www.other.test"),
             answer("www.other.test", [rr(b"\xc0\x0c", 1, a("192.0.2.1"))])),
        seed(2, query(alice, 28), answer(alice, [rr(alice, 28, b"\x20\1" + b"\0" * 14)], 28)),
        seed(0, query("nobody.example.net"),
             answer("nobody.example.net", [], rcode=3, ns=[soa])),
        seed(2, query("loop.nts.test"),
             answer("loop.nts.test", [rr("loop.nts.test", 5, name("loop.nts.test"))])),
        # Too big for UDP: truncated; over TCP: whole.
        seed(0, query("big.nts.test", 16),
             answer("big.nts.test", [rr("big.nts.test", 16, b"\xff" + b"x" * 255)] * 4, 16)),
        seed(1, query("big.nts.test", 16),
             answer("big.nts.test", [rr("big.nts.test", 16, b"\xff" + b"x" * 255)] * 4, 16)),
        seed(0, query("big.nts.test", 16, edns=opt(1400)),
             answer("big.nts.test", [rr("big.nts.test", 16, b"\xff" + b"x" * 255)] * 8, 16,
                    ar=[opt(1400)])),
        # Broken: counts that lie, a pointer loop, a second OPT, NOTIFY.
        seed(2, header(1, 0x0100, qd=3) + question(alice), b""),
        seed(2, query(alice), header(0x4242, 0x8180, an=5) + question(alice)),
        seed(2, query(alice), header(0x4242, 0x8180) + b"\xc0\x0c\0\1\0\1"),
        seed(2, query(alice, edns=opt() + opt()), b""),
        seed(0, header(7, 0x2000) + question("example.net", 6), header(0x4242, 0xa000) +
             question("example.net", 6)),
        # An OPT after a TSIG, which ldns does not read (and so ntsdns
        # must not edit): found by the fuzzer.
        seed(4, query(alice, edns=opt()),
             answer(alice, [rr(alice, 1, a("198.51.100.2"))],
                    ar=[rr("k.example.net", 250, b"\0" * 26, ttl=0, rclass=255),
                        opt()])),
        # An OPT that ldns does not see (after a type-0 record under a
        # long owner), found by the fuzzer: edited, it must not matter.
        bytes.fromhex("04002e3412013d000100000000000105616c696365076578616d706c65036e653a000001000100002924d000000000000042428180000100010000000305616c696365076578616d706c65036e6574000001000105616c696365076578616d706c65036e657400000100010000013c0004c635640e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e04746573740000010001006f7861000600008000003d000000000000000000000000002900000000000000000000000000000000000000000000000000000000000000000000000000000000ffffd00000"),
        # The same with two OPTs: not edited (it made ldns refuse it).
        bytes.fromhex("04002e3412013d000100000000000105616c696365076578616d706c65036e653a000001000100002924d000000000000042428180000100010000000305616c696365076578616d706c65036e6574000001000105616c696365076578616d706c65036e657400000100010000013c0004c635640e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e04746573740000010001006f7861000600008000003d00002900000000000000000000002900000000000000000000ffffd00000"),
        # An OPT edit that ldns then refused to read: undone.
        bytes.fromhex("04002e3412013d000100000000000105616c696365076578616d706c65036e653a000001000100002924d000000000000042428180000100010000000305616c696365076578616d706c65036e6574000001000105616c696365076578616d706c65036e657400000100010000013c0004c635640e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e04746573740000010001006f7861000600008000003d00002900cb0000000000000029000000000000000000"),
        # An OPT edit after which ldns no longer saw EDNS at all: undone.
        bytes.fromhex("04002e3412013d000100000000000105616c696365076578616d706c65036e653a000001000100002924d000000000000042428180000100010000000305616c696365076578616d706c65036e6574000001000105616c696365076578616d706c65036e657400000100010000013c0004c635640e0e0e0e0e0e0e0e4e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e04746573740000010001006f7861000601800000000000002900cb0000000100000029000000000000000000"),
    ]
    for i, s in enumerate(seeds):
        with open(os.path.join(out, "seed%02d" % i), "wb") as f:
            f.write(s)


if __name__ == "__main__":
    main(sys.argv[1])
