/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PROXY protocol v2 header (haproxy's "proxy-protocol.txt", section
 * 2.2) that a load balancer in front of ntsdns (dnsdist's
 * useProxyProtocol) puts before each UDP datagram and at the start of
 * each TCP connection: who the client is. Parsing only, no sockets
 * (fuzzed, and unit-tested in selftests/unit/test_proxy2.c).
 */
#ifndef NTSDNS_PROXY2_H
#define NTSDNS_PROXY2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define PROXY2_SIG_LEN 12
/* Signature, version and command, family, length. */
#define PROXY2_HDR_LEN 16
/*
 * The longest header taken: the addresses and TLVs of what dnsdist sends
 * fit many times over (dnsdist's own default for what it takes is 512).
 */
#define PROXY2_MAX (PROXY2_HDR_LEN + 512)

extern const uint8_t proxy2_sig[PROXY2_SIG_LEN];

struct proxy2 {
	/*
	 * LOCAL (a health check, the sender's own query): the connection's
	 * own addresses stand. Else the client's, as the sender saw them.
	 */
	bool local;
	bool stream; /* the client came over TCP (else UDP) */
	struct sockaddr_storage src, dst;
};

enum {
	PROXY2_SHORT = 0, /* a header's beginning: more bytes to come */
	PROXY2_BAD = -1,  /* not a PROXY v2 header we take */
};

/*
 * The header at the start of @buf (@len bytes there): its length (> 0),
 * and what it says in @out; PROXY2_SHORT if @buf is a header's first
 * @len bytes (a datagram: then it is bad too); PROXY2_BAD if it is no
 * header, another version or command, a family other than IPv4 and IPv6
 * over TCP or UDP (or UNSPEC with LOCAL), addresses that do not fit, TLVs
 * that run past the end, or longer than PROXY2_MAX.
 */
int proxy2_parse(const uint8_t *buf, size_t len, struct proxy2 *out);

/* Does @buf (@len bytes) begin with the signature, or with part of it? */
bool proxy2_sig_prefix(const uint8_t *buf, size_t len);

#endif /* NTSDNS_PROXY2_H */
