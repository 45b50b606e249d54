#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A lying DNS server, as an attacker outside would run it: every message
to ADDR:53 is answered NOERROR (itself with QR set, RCODE 0), whatever
it asked. Stdlib only; runs until killed.

usage: fake_ddns.py ADDR"""
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
print("ready", file=sys.stderr, flush=True)
while True:
    msg, peer = s.recvfrom(65535)
    if len(msg) >= 12:
        s.sendto(msg[:2] + bytes([msg[2] | 0x80, msg[3] & 0xF0]) + msg[4:], peer)
