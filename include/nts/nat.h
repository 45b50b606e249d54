/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NAT table layout, shared by the BPF datapath and user space.
 *
 * A flow has two entries in the `nat` map, one per direction, each keyed by
 * the tuple exactly as its packets arrive at the hook that translates them:
 *
 *   NAT_DIR_OUT  inside:ip  -> remote:rp   rewritten to  wan:ep  (tc egress)
 *   NAT_DIR_IN   remote:rp  -> wan:ep      rewritten to  inside:ip (XDP)
 *
 * Each hook writes only its own entry, so the fast path never touches the
 * other direction. The `nat_bind` map holds the endpoint-independent
 * mapping inside:ip <-> wan:ep that all flows of an inside endpoint share.
 *
 * For ICMP echo the identifier plays the port of the side that sent the
 * request, and the other side's port is 0.
 */
#ifndef NTS_NAT_H
#define NTS_NAT_H

#include <linux/types.h>

enum nat_dir {
	NAT_DIR_OUT = 1,
	NAT_DIR_IN = 2,
};

struct nat_key {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 dir;	/* enum nat_dir */
	__u16 pad;
};

/* What one direction of a flow has seen; the GC combines both directions. */
enum nat_seen {
	NAT_SEEN_PKT = 1 << 0,
	NAT_SEEN_SYN = 1 << 1,
	NAT_SEEN_FIN = 1 << 2,
	NAT_SEEN_RST = 1 << 3,
};

enum nat_origin {
	NAT_ORIGIN_OUT = 1,	/* opened by an inside host */
	NAT_ORIGIN_RC = 2,	/* opened from the request cache (NTS) */
};

struct nat_entry {
	__be32 addr;	/* OUT: new source address; IN: new destination */
	__be16 port;	/* OUT: new source port;    IN: new destination port */
	__u8 seen;	/* enum nat_seen, this direction only */
	__u8 origin;	/* enum nat_origin */
	__u64 created_ns;	/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 last_ns;		/* last packet, 1 s resolution */
};

enum nat_side {
	NAT_SIDE_INSIDE = 1,
	NAT_SIDE_OUTSIDE = 2,
};

/* inside:ip -> wan:ep (INSIDE) and wan:ep -> inside:ip (OUTSIDE) */
struct nat_bind_key {
	__be32 addr;
	__be16 port;
	__u8 proto;
	__u8 side;	/* enum nat_side */
};

struct nat_bind {
	__be32 addr;
	__be16 port;
	__u16 pad;
	__u64 used_ns;	/* created, or last used to open a flow */
};

/* Default table sizes: flows, and endpoint bindings. */
#define NAT_MAX_FLOWS	65536
#define NAT_MAX_ENTRIES (2 * NAT_MAX_FLOWS)
#define NAT_MAX_BINDS	(2 * NAT_MAX_FLOWS)

/* Bounded random retries when the preferred external port is taken. */
#define NAT_PORT_RETRIES 32

#endif /* NTS_NAT_H */
