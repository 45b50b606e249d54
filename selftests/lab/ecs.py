#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Read capture.py's lines (PORTS HEX, a DNS message each) and print one
line per query: its name, type and EDNS Client Subnet ("-" without one),
e.g. "alice.example.net A 198.51.100.0/24". Answers (QR set) are left
out; with -a they are printed instead, "answer " first and the ECS
option's scope after its source length: "answer alice.example.net A
198.51.100.0/24/24". Stdlib only.

usage: ecs.py [-a] CAPFILE"""
import socket
import struct
import sys


def name_end(m, o):
    """The offset after the name at o (its pointer, if it ends in one)."""
    while True:
        n = m[o]
        if n == 0:
            return o + 1
        if n & 0xC0 == 0xC0:
            return o + 2
        o += 1 + n


def name_at(m, o):
    labels, hops = [], 0
    while m[o] != 0 and hops < 32:
        if m[o] & 0xC0 == 0xC0:
            o = struct.unpack("!H", m[o:o + 2])[0] & 0x3FFF
            hops += 1
            continue
        labels.append(m[o + 1:o + 1 + m[o]].decode("ascii", "replace"))
        o += 1 + m[o]
    return ".".join(labels).lower()


TYPES = {1: "A", 28: "AAAA", 2: "NS", 6: "SOA", 5: "CNAME"}


def ecs_of(m, o, rdlen, scope):
    end = o + rdlen
    while o + 4 <= end:
        code, olen = struct.unpack("!HH", m[o:o + 4])
        if code == 8:
            fam, src, sc = struct.unpack("!HBB", m[o + 4:o + 8])
            raw = m[o + 8:o + 4 + olen]
            if fam == 1:
                a = socket.inet_ntop(socket.AF_INET, raw.ljust(4, b"\0"))
            else:
                a = socket.inet_ntop(socket.AF_INET6, raw.ljust(16, b"\0"))
            return "%s/%d" % (a, src) + ("/%d" % sc if scope else "")
        o += 4 + olen
    return "-"


def main():
    answers = sys.argv[1] == "-a"
    for line in open(sys.argv[-1]):
        try:
            m = bytes.fromhex(line.split()[1])
            flags, qd, an, ns, ar = struct.unpack("!HHHHH", m[2:12])
            if bool(flags & 0x8000) != answers or qd != 1:
                continue
            o = 12
            q = name_at(m, o)
            o = name_end(m, o)
            qtype = struct.unpack("!H", m[o:o + 2])[0]
            o += 4
            ecs = "-"
            for i in range(an + ns + ar):
                o = name_end(m, o)
                t, _, _, rdlen = struct.unpack("!HHIH", m[o:o + 10])
                o += 10
                if t == 41:
                    ecs = ecs_of(m, o, rdlen, answers)
                o += rdlen
            print("answer " * answers + q, TYPES.get(qtype, str(qtype)), ecs)
        except (IndexError, ValueError, struct.error):
            continue


main()
