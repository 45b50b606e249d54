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
#include <nts/abi.h>

enum nat_dir {
	NAT_DIR_OUT = 1,
	NAT_DIR_IN = 2,
	/*
	 * Address-dependent filtering: remote:0 -> wan:ep may open a flow
	 * to the mapping of ep, since its inside endpoint sent to remote.
	 * Lives as long as that mapping.
	 */
	NAT_DIR_PERM = 3,
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
NTS_PINNED(struct nat_key, 16);

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
	NAT_ORIGIN_IN = 3,	/* from outside, through a mapping that
				 * endpoint-independent or address-dependent
				 * filtering leaves open */
};

/* RFC 4787 mapping behaviour: what the external port depends on. */
enum nat_mapping {
	NAT_MAP_EIM = 0,	/* the inside endpoint only */
	NAT_MAP_ADM = 1,	/* and the remote address */
	NAT_MAP_APDM = 2,	/* and the remote address and port */
};

/* RFC 4787 filtering behaviour: who may send to a mapping. */
enum nat_filtering {
	NAT_FILT_APDF = 0,	/* the remote address and port it sent to */
	NAT_FILT_ADF = 1,	/* remote addresses the inside endpoint sent to */
	NAT_FILT_EIF = 2,	/* anybody */
};

struct nat_entry {
	__be32 addr;	/* OUT: new source address; IN: new destination */
	__be16 port;	/* OUT: new source port;    IN: new destination port */
	__u8 seen;	/* enum nat_seen, this direction only */
	__u8 origin;	/* enum nat_origin */
	__u64 created_ns;	/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 last_ns;		/* last packet, 1 s resolution */
	/*
	 * IN: where XDP forwards the flow's packets, learnt from
	 * bpf_fib_lookup() and looked up again each time last_ns moves on
	 * (once a second). fwd_ifindex 0: not known.
	 */
	__u32 fwd_ifindex;
	__u8 fwd_dmac[6];
	__u8 fwd_smac[6];
};
NTS_PINNED(struct nat_entry, 40);
NTS_PINNED_AT(struct nat_entry, last_ns, 16);
NTS_PINNED_AT(struct nat_entry, fwd_ifindex, 24);

enum nat_side {
	NAT_SIDE_INSIDE = 1,
	NAT_SIDE_OUTSIDE = 2,
};

/*
 * inside:ip -> wan:ep (INSIDE) and wan:ep -> inside:ip (OUTSIDE). The
 * mapping behaviour decides what of the remote endpoint an INSIDE key
 * holds: nothing (EIM), its address (ADM), or address and port (APDM).
 * OUTSIDE keys never hold it: an external port is one mapping's.
 */
struct nat_bind_key {
	__be32 addr;
	__be16 port;
	__u8 proto;
	__u8 side;	/* enum nat_side */
	__be32 raddr;
	__be16 rport;
	__u16 pad;
};
NTS_PINNED(struct nat_bind_key, 16);

struct nat_bind {
	__be32 addr;
	__be16 port;
	__be16 rport;	/* OUTSIDE: the remote part of the INSIDE key */
	__be32 raddr;
	__u32 pad;
	__u64 used_ns;	/* created, or last used to open a flow */
};
NTS_PINNED(struct nat_bind, 24);
NTS_PINNED_AT(struct nat_bind, used_ns, 16);

/*
 * Inbound fragments: only the first has the ports. Its translation is
 * remembered for the others of its datagram (RFC 4787 REQ-14).
 */
struct frag_key {
	__be32 saddr;
	__be32 daddr;
	__be16 id;
	__u8 proto;
	__u8 pad;
};
NTS_PINNED(struct frag_key, 12);

struct frag_entry {
	__be32 addr;		/* the inside address; 0: not known yet */
	__u32 pad;
	__u64 seen_ns;
};
NTS_PINNED(struct frag_entry, 16);

/*
 * A later fragment that comes before the first is parked: XDP hands it
 * to ntsload (perf buffer `frag_events`) and drops it; when the first
 * comes, XDP says so and ntsload sends the parked ones on, translated.
 */
enum frag_event_kind {
	FRAG_EV_PARK = 1,	/* followed by the frame */
	FRAG_EV_RELEASE = 2,	/* the first fragment came: send them on */
};

struct frag_event {
	__u32 kind;		/* enum frag_event_kind */
	__be32 addr;		/* RELEASE: the inside address */
	struct frag_key key;
};

#define FRAG_MAX	4096
/* Fragments of one datagram must arrive within this long. */
#define FRAG_TIMEOUT_NS 2000000000ULL

/* Default table sizes: flows, and endpoint bindings. */
#define NAT_MAX_FLOWS	65536
#define NAT_MAX_ENTRIES (2 * NAT_MAX_FLOWS)
#define NAT_MAX_BINDS	(2 * NAT_MAX_FLOWS)
/*
 * A mapping holds an external port of its protocol (TCP, UDP, ICMP
 * echo id) on one address, and has two bindings: a router can't have
 * more than this many per global address, however many flows it has.
 */
#define NAT_BINDS_PER_ADDR (2 * 3 * 65536)

/* Bounded random retries when the preferred external port is taken. */
#define NAT_PORT_RETRIES 32

#endif /* NTS_NAT_H */
