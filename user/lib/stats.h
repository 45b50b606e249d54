/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NTS_USER_STATS_H
#define NTS_USER_STATS_H

#include <linux/types.h>
#include <nts/stats.h>

extern const char *const nts_stat_name[NTS_STAT_MAX];
extern const char *const nts_stat_help[NTS_STAT_MAX];

/* Sum the per-CPU counters of map @fd. 0 or -errno. */
int stats_read(int fd, __u64 out[NTS_STAT_MAX]);

/*
 * Counting from user space (ntsload's own counters): counted in memory,
 * added to the map in one go, so that counting costs no syscall.
 */
struct stats_batch {
	__u64 n[NTS_STAT_MAX];
	__u64 *percpu;		/* scratch for one map value */
	int ncpu;
};

int stats_batch_init(struct stats_batch *b);
void stats_batch_fini(struct stats_batch *b);
static inline void stats_count(struct stats_batch *b, enum nts_stat id)
{
	b->n[id]++;
}
/* Add what was counted to map @fd and start again. 0 or -errno. */
int stats_batch_flush(struct stats_batch *b, int fd);

#endif /* NTS_USER_STATS_H */
