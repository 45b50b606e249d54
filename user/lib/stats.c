// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stats.h"

#define NTS_STAT_NAME(id, name, help) [NTS_STAT_##id] = name,
const char *const nts_stat_name[NTS_STAT_MAX] = { NTS_STATS(NTS_STAT_NAME) };
#define NTS_STAT_HELP(id, name, help) [NTS_STAT_##id] = help,
const char *const nts_stat_help[NTS_STAT_MAX] = { NTS_STATS(NTS_STAT_HELP) };

int stats_read(int fd, __u64 out[NTS_STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v;
	__u32 k;
	int c;

	if (ncpu < 0)
		return ncpu;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	memset(out, 0, sizeof(out[0]) * NTS_STAT_MAX);
	for (k = 0; k < NTS_STAT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, v)) {
			int err = -errno;

			free(v);
			return err;
		}
		for (c = 0; c < ncpu; c++)
			out[k] += v[c];
	}
	free(v);
	return 0;
}

int stats_add(int fd, enum nts_stat id, __u64 n)
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	__u32 k = id;
	__u64 *v;

	if (ncpu < 0)
		return ncpu;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	/* The datapath never counts these: CPU 0's slot is ours alone. */
	if (bpf_map_lookup_elem(fd, &k, v) ||
	    (v[0] += n, bpf_map_update_elem(fd, &k, v, BPF_ANY)))
		err = -errno;
	free(v);
	return err;
}
