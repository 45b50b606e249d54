/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS-Nego, the notice from the NTS server to the router (DESIGN
 * section 3). UDP, router port NTS_NEGO_PORT; integers in network order.
 *
 *   0       8       16              31
 *   +-------+-------+---------------+
 *   | TxID  | Type  | Length of FQDN|
 *   +-------+-------+---------------+
 *   |        GN IPv4 address        |
 *   +-------------------------------+
 *   | FQDN, Length bytes (1..253): lowercase, no trailing dot
 *   +-------------------------------+
 *   | NEGO_F_V6 in Type only: GN's IPv6 address, 16 bytes; the
 *   | IPv4 field above is then 0 (issue 19)
 *   +-------------------------------+
 *   | NEGO_F_PREFIX in Type only: one byte, the prefix length of the
 *   | GN address, which then names a network (issue 20); 0: anyone
 *   +-------------------------------+
 *   | ACCEPT with NEGO_F_ADDR in Type only: the address GN is to be
 *   | answered with (DESIGN section 7): IPv4, 4 bytes; with NEGO_F_V6
 *   | the inside host's IPv6 address, 16 bytes
 *   +-------------------------------+
 *   | Auth trailer, absent only in insecure mode:
 *   |   u64 time (Unix seconds)  u64 nonce  u16 key-name length
 *   |   key name  32-byte HMAC-SHA256 over every byte before it
 *   +-------------------------------+
 *
 * An answer repeats the TxID, GN address and FQDN of its notice and
 * carries a trailer of its own, signed with the notice's key.
 */
#ifndef NTS_NEGO_H
#define NTS_NEGO_H

#include <linux/types.h>

#include "config.h"	/* NTS_NEGO_PORT */

enum nego_type {
	NEGO_NOTICE = 1,	/* server -> router */
	NEGO_ACCEPT = 2,	/* the way is open */
	NEGO_REJECT = 3,	/* no such host */
	NEGO_REFUSED = 4,	/* authentication, policy or resource limit */
};

/* In Type: a 4-byte address follows the FQDN (ACCEPT only). */
#define NEGO_F_ADDR	0x80
/*
 * In Type: GN is an IPv6 host and the NOTICE asks for the inside host's
 * IPv6 side. A router that predates it reads an unknown type and answers
 * REFUSED, so an NTS server learns it must not answer the AAAA.
 */
#define NEGO_F_V6	0x40
/*
 * In Type: GN is a network, its prefix length in a byte after the GN
 * address (EDNS Client Subnet: the resolver said which /24 asked). The
 * router opens the way to the first host of it that connects. Answers
 * repeat the flag and the length.
 */
#define NEGO_F_PREFIX	0x20
/*
 * In Type: flags of later versions. A NOTICE with one this router does
 * not know is answered REFUSED (signed, if its trailer, found from the
 * message's end, checks with one of our keys): the FQDN is where it
 * always is, whatever the flag adds after it. Type itself is 0x07.
 */
#define NEGO_F_LATER	0x18
#define NEGO_TYPE_MASK	0x07

struct nego_hdr {
	__u8 txid;
	__u8 type;
	__be16 len;	/* of the FQDN */
	__be32 gn;
};

#define NEGO_FQDN_MAX	253
#define NEGO_KEYNAME_MAX 255
#define NEGO_MAC_LEN	32
/* time, nonce, key-name length */
#define NEGO_TRAILER_FIXED (8 + 8 + 2)
#define NEGO_MSG_MAX                                                          \
	(sizeof(struct nego_hdr) + NEGO_FQDN_MAX + 33 + NEGO_TRAILER_FIXED + \
	 NEGO_KEYNAME_MAX + NEGO_MAC_LEN)

/* Bytes of the address an ACCEPT with NEGO_F_ADDR carries. */
static inline unsigned int nego_addr_len(int v6)
{
	return v6 ? 16 : 4;
}

/* A time more than this far from ours is refused. */
#define NEGO_TIME_SKEW	30
/* Nonces remembered at once by default (ntsload --max-nonces). */
#define NEGO_REPLAY_MAX (1 << 20)

#endif /* NTS_NEGO_H */
