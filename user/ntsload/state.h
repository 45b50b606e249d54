/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --state-dir DIR: what the router has learnt that must outlive a reboot
 * (bpffs is empty after one) — the PHL, snooped and static, with its
 * expiry, and the exposure policies — in the file DIR/state. Written
 * whole and atomically (a temporary file, fsync, rename), at most every
 * STATE_SAVE_EVERY seconds while it changes, and at exit; read back at a
 * start without pins (pins win: a restart, not a reboot). Flows and RC
 * entries are not kept: their peers have moved on.
 */
#ifndef NTSLOAD_STATE_H
#define NTSLOAD_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#include "pin.h"

#define STATE_SAVE_EVERY 10

struct state {
	char path[PATH_MAX]; /* DIR/state; "" without --state-dir */
	const struct nts_maps *maps;
	__u64 saved;	     /* hash of what the file holds */
	bool have_saved;
};

/* Into DIR/state, made if need be. 0 or -errno (said). */
int state_init(struct state *s, const char *dir, const struct nts_maps *maps);
/*
 * Fill the (fresh, empty) tables from the file. A missing file is an
 * empty start; a truncated, corrupt or foreign one is one log line and an
 * empty start, never half a table. Entries whose time ran out while the
 * router was down are dropped.
 */
void state_restore(struct state *s);
/* Write the file if the tables changed since (or @force). 0 or -errno. */
int state_save(struct state *s, bool force);

#endif /* NTSLOAD_STATE_H */
