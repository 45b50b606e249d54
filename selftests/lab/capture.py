#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the payload of every UDP datagram to or from PORT seen on IFACE
(both directions) as one hex line, for SECONDS. Stdlib only (AF_PACKET).

usage: capture.py IFACE PORT SECONDS OUTFILE"""
import socket
import struct
import sys
import time

ifname, port, secs, out = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((ifname, 0))
s.settimeout(0.1)
end = time.time() + secs
with open(out, "w", buffering=1) as f:
    print("ready", file=sys.stderr, flush=True)
    while time.time() < end:
        try:
            frame = s.recv(65535)
        except socket.timeout:
            continue
        if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue
        ihl = (frame[14] & 0xF) * 4
        udp = frame[14 + ihl:]
        sport, dport, ulen = struct.unpack("!HHH", udp[:6])
        if port in (sport, dport):
            f.write("%d>%d %s\n" % (sport, dport, udp[8:ulen].hex()))
