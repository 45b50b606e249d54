/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fragments that came before the first of their datagram: XDP parks them
 * here and says when the first came; they are sent on translated, through
 * a raw socket (include/nts/nat.h, FRAG_EV_*).
 */
#ifndef NTSLOAD_FRAGS_H
#define NTSLOAD_FRAGS_H

#include <stddef.h>
#include <linux/types.h>

#include <nts/nat.h>

#define FRAG_PARK_MAX 256

struct parked;

struct frag_park {
	struct perf_buffer *pb;
	int raw;
	struct parked *p[FRAG_PARK_MAX];
	int n;
	unsigned long sent, expired, dropped;
};

/* Read events from perf map @map_fd. 0 or -errno (printed). */
int frag_park_init(struct frag_park *fp, int map_fd);
void frag_park_fini(struct frag_park *fp);
int frag_park_fd(const struct frag_park *fp);
void frag_park_input(struct frag_park *fp);
/* Forget what waited longer than FRAG_TIMEOUT_NS. */
void frag_park_tick(struct frag_park *fp);

#endif /* NTSLOAD_FRAGS_H */
