/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bulk work of the control plane, in a thread of its own so that no
 * NOTICE waits behind it (DESIGN section 9): the expiry pass over the
 * tables and the refresh of the router's own ports. The main thread
 * tells it when the router's addresses change.
 */
#ifndef NTSLOAD_HOUSEKEEP_H
#define NTSLOAD_HOUSEKEEP_H

#include <pthread.h>
#include <stdbool.h>
#include <linux/types.h>

#include "flow.h"
#include "gc.h"
#include "netdev.h"
#include "pin.h"
#include "state.h"
#include "stats.h"

struct housekeep {
	const struct nts_maps *maps;
	struct gc gc;
	struct stats_batch counts;	/* this thread's */
	struct nat_timeouts to;
	unsigned int gc_interval;	/* seconds between expiry passes */
	__u16 nego_port;
	struct state *state;		/* saved while it changes */
	pthread_mutex_t lock;		/* guards addrs */
	struct addr_set addrs;
	int stop_fd;			/* eventfd: written to stop */
	pthread_t thread;
	bool running;
};

/* Start the thread; every second a port refresh, every @gc_interval an
 * expiry pass, every STATE_SAVE_EVERY a save of @state if it changed.
 * 0 or -errno (printed). */
int housekeep_start(struct housekeep *h, const struct nts_maps *maps,
		    const struct addr_set *addrs, const struct nat_timeouts *to,
		    unsigned int gc_interval, __u16 nego_port,
		    struct state *state);
/* The router's addresses are now @addrs. */
void housekeep_addrs(struct housekeep *h, const struct addr_set *addrs);
/* Stop the thread and wait for it (a pass under way finishes first). */
void housekeep_stop(struct housekeep *h);

#endif /* NTSLOAD_HOUSEKEEP_H */
