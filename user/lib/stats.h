/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NTS_USER_STATS_H
#define NTS_USER_STATS_H

#include <linux/types.h>
#include <nts/stats.h>

extern const char *const nts_stat_name[NTS_STAT_MAX];
extern const char *const nts_stat_help[NTS_STAT_MAX];

/* Sum the per-CPU counters of map @fd. 0 or -errno. */
int stats_read(int fd, __u64 out[NTS_STAT_MAX]);

/* Count from user space (ntsload's own counters). 0 or -errno. */
int stats_add(int fd, enum nts_stat id, __u64 n);

#endif /* NTS_USER_STATS_H */
