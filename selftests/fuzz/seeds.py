#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write a seed corpus of NTS-Nego messages into DIR: valid ones (signed
with the harness's key, unsigned, answers) and near misses."""
import hashlib
import hmac
import os
import struct
import sys

KEY = b"0123456789abcdef0123456789abcdef"
NOW = 1800000000


def msg(txid, typ, name, gn=0xC633640A, addr=None, key=b"fuzz-key", t=NOW, nonce=7,
        plen=None):
    body = struct.pack("!BBHI", txid, typ, len(name), gn) + name
    if plen is not None:  # NEGO_F_PREFIX: the network's length
        body += struct.pack("!B", plen)
    if addr is not None:
        body += struct.pack("!I", addr)
    if key is None:
        return body
    body += struct.pack("!QQH", t, nonce, len(key)) + key
    return body + hmac.new(KEY, body, hashlib.sha256).digest()


seeds = {
    "notice": msg(1, 1, b"alice.example.net"),
    "notice_unsigned": msg(2, 1, b"alice.example.net", key=None),
    "accept": msg(3, 2, b"alice.example.net"),
    "accept_addr": msg(4, 2 | 0x80, b"a.example.net", addr=0xC6336403),
    "reject": msg(5, 3, b"bob.example.net"),
    "refused_old": msg(6, 4, b"x.example.net", t=NOW - 100),
    "other_key": msg(7, 1, b"alice.example.net", key=b"who"),
    "notice_prefix": msg(9, 1 | 0x20, b"alice.example.net", gn=0xC6336400, plen=24),
    "accept_prefix": msg(10, 2 | 0x20 | 0x80, b"alice.example.net", gn=0xC6336400,
                         plen=24, addr=0xC6336403),
    "notice_anyone": msg(11, 1 | 0x20, b"alice.example.net", gn=0, plen=0),
    "long_name": msg(8, 1, b".".join([b"a" * 63] * 3) + b".bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
}
os.makedirs(sys.argv[1], exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(sys.argv[1], name), "wb") as f:
        f.write(data)
