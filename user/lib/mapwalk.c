// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "mapwalk.h"

#define WALK_BATCH 4096

int map_walk(int fd, size_t key_size, size_t value_size, map_walk_fn fn,
	     void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 batch = WALK_BATCH, n, i, in_batch, out_batch;
	void *keys = NULL, *values = NULL, *in = NULL;
	bool done = false;
	int err = 0;

	while (!done) {
		if (!keys) {
			keys = calloc(batch, key_size);
			values = calloc(batch, value_size);
			if (!keys || !values) {
				err = -ENOMEM;
				break;
			}
		}
		n = batch;
		err = bpf_map_lookup_batch(fd, in, &out_batch, keys, values,
					   &n, &opts);
		if (err && errno == ENOSPC && n == 0) {
			/* One bucket holds more than a batch: grow it. */
			free(keys);
			free(values);
			keys = values = NULL;
			batch *= 2;
			continue;
		}
		if (err && errno != ENOENT) {
			err = -errno;
			break;
		}
		done = err != 0;
		err = 0;
		for (i = 0; i < n; i++) {
			err = fn((char *)keys + i * key_size,
				 (char *)values + i * value_size, ctx);
			if (err < 0)
				goto out;
		}
		in_batch = out_batch;
		in = &in_batch;
	}
out:
	free(keys);
	free(values);
	return err;
}

void map_fill(int fd, __u32 *n, __u32 *max)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char key[512], next[512];	/* the largest key of any map */
	int err;

	*n = 0;
	*max = bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
	for (err = bpf_map_get_next_key(fd, NULL, next); !err;
	     err = bpf_map_get_next_key(fd, key, next)) {
		memcpy(key, next, sizeof(key));
		(*n)++;
	}
}
