/* SPDX-License-Identifier: GPL-2.0 */
/* Expiry of idle flows and of the bindings no flow uses any more. */
#ifndef NTSLOAD_GC_H
#define NTSLOAD_GC_H

#include <linux/types.h>

#include "flow.h"
#include "netdev.h"
#include "pin.h"

/*
 * A binding no flow uses is kept this long, for the flow being created
 * (BIND_GRACE_NS in bpf/nts_gc.bpf.c).
 */
#define GC_BIND_GRACE_SEC 10
/* An UPDATE whose answer did not come in this long is forgotten. */
#define GC_PENDING_SEC 30

struct gc_result {
	unsigned int flows;		/* live flows */
	unsigned int flows_expired;
	unsigned int flows_left;	/* expired, for the next pass: budget */
	unsigned int binds;		/* live endpoint bindings */
	unsigned int binds_expired;
	unsigned int names;		/* PHL entries */
	unsigned int names_expired;
	unsigned int fw6;		/* live IPv6 flows */
	unsigned int fw6_expired;
};

/* The expiry programs, loaded on the datapath's maps. */
struct gc {
	const struct nts_maps *maps;
	struct nts_gc *skel;
	unsigned long passes;
};

/* Passes between two looks for IN entries whose OUT twin is gone. */
#define GC_ORPHANS_EVERY 16

/* Load and attach; 0 or -errno, said. @maps must outlive @gc. */
int gc_open(struct gc *gc, const struct nts_maps *maps);
void gc_close(struct gc *gc);

/* One pass over all the tables; @addrs: the router's addresses now. */
int gc_run(struct gc *gc, const struct addr_set *addrs,
	   const struct nat_timeouts *to, struct gc_result *res);

#endif /* NTSLOAD_GC_H */
