/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the datapath did with registrations, one log line each: names
 * registered, moved and deleted, and every UPDATE it refused to learn
 * from (include/nts/phl.h, PHL_EV_*).
 */
#ifndef NTSLOAD_PHL_LOG_H
#define NTSLOAD_PHL_LOG_H

#include "log.h"

struct phl_log {
	struct ring_buffer *rb;
	struct log_limit lim;
};

/* Read the `phl_events` ring buffer @map_fd. 0 or -errno (printed). */
int phl_log_init(struct phl_log *pl, int map_fd);
void phl_log_fini(struct phl_log *pl);
int phl_log_fd(const struct phl_log *pl);
void phl_log_input(struct phl_log *pl);

#endif /* NTSLOAD_PHL_LOG_H */
