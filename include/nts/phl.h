/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Private Host List (PHL): inside hosts by name, learnt by snooping
 * their DNS UPDATEs (DESIGN section 4), shared by BPF and user space.
 *
 * Whom it trusts: only UPDATEs sent to a DDNS server the router is told
 * to trust (ntsload --ddns-server, struct nts_config's ddns[]) are read,
 * and only the answer from that server's address and port commits them.
 * Any other server could answer NOERROR to anything (issue 22).
 *
 * What the snooper accepts (the BPF parser and the reference parser in
 * selftests/ implement exactly this):
 *
 *  - a UDP message to a trusted server with QR = 0 and opcode 5 (UPDATE),
 *    of at most DNSU_MSG_MAX bytes;
 *  - ZOCOUNT = 1, PRCOUNT and UPCOUNT at most DNSU_RRS_MAX each; the zone,
 *    prerequisite and update sections complete within the message (the
 *    additional section, where TSIG lives, is not read);
 *  - names: labels of at most 63 bytes, at most 255 bytes in wire form,
 *    compression pointers anywhere inside the message except into its
 *    first byte, at most DNSU_PTRS_MAX pointers per name;
 *  - an update RR of type A and class IN has 4 bytes of data.
 *
 * Operations, from the update section: type A class IN adds the name
 * with the packet's source address and the RR's TTL; type A class ANY or
 * NONE, and type ANY class ANY, delete it. At most PHL_OPS_MAX of them. A
 * name that is not a host name (letters, digits, '-' and '_' in every
 * label) yields no operation. Anything else refuses the whole message:
 * it teaches the router nothing, and passes on untouched all the same.
 *
 * With zones given (ntsload --zone, the `phl_zones` map), the zone
 * section must name one of them, and every operation's name must be at
 * or under it; otherwise the message is ignored (counted, logged).
 *
 * At commit, a name new to an inside host counts against its quota
 * (nts_config's phl_quota), kept in `phl_hosts`; a host at its quota gets
 * no more names. A name moves from one host to another only through such
 * a commit for that very name.
 */
#ifndef NTS_PHL_H
#define NTS_PHL_H

#include <linux/types.h>
#include <nts/abi.h>

#define PHL_NAME_MAX  256	/* lowercase, no trailing dot, zero-padded */
#define PHL_MAX	      16384
#define PHL_OPS_MAX   8
#define DNSU_MSG_MAX  1024	/* a power of two: offsets are masked */
#define DNSU_RRS_MAX  16
#define DNSU_PTRS_MAX 16

#define DNS_PORT      53
#define DNS_OPCODE_UPDATE 5

struct phl_key {
	char name[PHL_NAME_MAX];
};
NTS_PINNED(struct phl_key, 256);

enum phl_flags {
	PHL_F_STATIC = 1 << 0,	/* added by the operator; never expires */
	PHL_F_RESTORED = 1 << 1, /* snooped before a reboot, read back from
				  * ntsload --state-dir; a new registration
				  * of the name clears it */
};

struct phl_entry {
	__be32 addr;		/* the inside address */
	__u32 flags;		/* enum phl_flags */
	__u64 registered_ns;	/* CLOCK_MONOTONIC */
	__u64 expires_ns;	/* 0: never */
};
NTS_PINNED(struct phl_entry, 24);
NTS_PINNED_AT(struct phl_entry, expires_ns, 16);

enum phl_op_kind {
	PHL_OP_ADD = 1,
	PHL_OP_DEL = 2,
};

struct phl_op {
	__u8 kind;		/* enum phl_op_kind */
	__u8 pad[3];
	__u32 ttl;
	char name[PHL_NAME_MAX];
};

/* A snooped UPDATE waits for its answer under this key. */
struct phl_pending_key {
	__be32 inside;		/* source address as the router saw it */
	__be32 server;
	__be16 port;		/* inside source port */
	__be16 server_port;	/* the answer must come from there */
	__be16 id;		/* DNS message ID */
	__u16 pad;
};
NTS_PINNED(struct phl_pending_key, 16);

struct phl_pending {
	__u32 n;		/* operations used */
	__u32 pad;
	__u64 created_ns;
	struct phl_op ops[PHL_OPS_MAX];
};
NTS_PINNED(struct phl_pending, 2128);
NTS_PINNED_AT(struct phl_pending, ops, 16);

#define PHL_PENDING_MAX 1024

/* Zones names are learnt in (ntsload --zone): name -> 1. */
#define PHL_ZONES_MAX 64

/* Names per inside host, for the quota: inside address -> count. */
struct phl_host {
	__u32 names;		/* snooped (not static) names of the host */
};
NTS_PINNED(struct phl_host, 4);

/*
 * What the datapath tells ntsload about registrations, through the
 * `phl_events` ring buffer, so that each refusal and each change is one
 * log line. Lost when the buffer is full; the counters are not.
 */
enum phl_event_kind {
	PHL_EV_UNTRUSTED = 1,	/* an UPDATE to a server not trusted */
	PHL_EV_ZONE,		/* for a zone not given, or a name outside it */
	PHL_EV_QUOTA,		/* a new name for a host at its quota */
	PHL_EV_FULL,		/* the PHL is full */
	PHL_EV_ADD,		/* a name registered (@prev: its last host) */
	PHL_EV_DEL,		/* a name deleted */
	PHL_EV_DISCARD,		/* the server answered an error (@rcode) */
};

struct phl_event {
	__u8 kind;		/* enum phl_event_kind */
	__u8 rcode;
	__be16 port;		/* the inside host's source port */
	__be32 inside;
	__be32 server;
	__be16 server_port;
	__u16 pad;
	__be32 prev;		/* PHL_EV_ADD: the host the name had, or 0 */
	__u32 quota;		/* PHL_EV_QUOTA: the quota */
	char name[PHL_NAME_MAX];	/* the name, the zone, or empty */
};

#define PHL_EVENTS_SIZE (64 * 1024)

#endif /* NTS_PHL_H */
