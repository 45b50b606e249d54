#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send COUNT DNS UPDATEs (zone example.net, NAMES A records each,
unsigned) to SERVER:53 as fast as the socket takes them, each from its
own socket (own source port) and with its own ID, reading the answers as
they come. Prints how many answers came back. Stdlib only.

usage: upd_flood.py SERVER COUNT NAMES ADDR"""
import socket
import struct
import sys
import time

server, count, names, addr = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".")) + b"\0"


def update(i):
    m = struct.pack("!HHHHHH", i & 0xFFFF, 5 << 11, 1, 0, names, 0)
    m += name("example.net") + struct.pack("!HH", 6, 1)
    for j in range(names):
        m += name("f%d-%d.example.net" % (i, j))
        m += struct.pack("!HHIH", 1, 1, 300, 4) + socket.inet_aton(addr)
    return m


socks = []
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    s.sendto(update(i), (server, 53))
    socks.append(s)
    if len(socks) >= 256:        # bounded: file descriptors
        socks.pop(0).close()
answers = 0
end = time.time() + 1.0
while time.time() < end and socks:
    for s in list(socks):
        try:
            s.recv(512)
            answers += 1
            socks.remove(s)
            s.close()
        except BlockingIOError:
            pass
    time.sleep(0.01)
print(answers)
