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

int stats_batch_init(struct stats_batch *b)
{
	memset(b->n, 0, sizeof(b->n));
	b->ncpu = libbpf_num_possible_cpus();
	if (b->ncpu < 0)
		return b->ncpu;
	b->percpu = calloc(b->ncpu, sizeof(*b->percpu));
	return b->percpu ? 0 : -ENOMEM;
}

void stats_batch_fini(struct stats_batch *b)
{
	free(b->percpu);
	b->percpu = NULL;
}

int stats_batch_flush(struct stats_batch *b, int fd)
{
	int err = 0;
	__u32 k;

	for (k = 0; k < NTS_STAT_MAX; k++) {
		if (!b->n[k])
			continue;
		/*
		 * The datapath never counts these, and each is one
		 * thread's: CPU 0's slot is ours.
		 */
		if (bpf_map_lookup_elem(fd, &k, b->percpu) ||
		    (b->percpu[0] += b->n[k],
		     bpf_map_update_elem(fd, &k, b->percpu, BPF_ANY)))
			err = -errno;
		b->n[k] = 0;
	}
	return err;
}
