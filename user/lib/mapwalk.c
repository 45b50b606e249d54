// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "mapwalk.h"

#define WALK_BATCH 4096
/* The kernel's ENOTSUPP, which is not in user space's errno.h. */
#define ENOTSUPP_KERNEL 524

/*
 * Maps without batch lookup (an LPM trie): key by key, all keys first,
 * so that @fn may delete what it is given (the trie's next key of a
 * deleted one is its first again).
 */
static int walk_keys(int fd, size_t key_size, size_t value_size,
		     map_walk_fn fn, void *ctx)
{
	size_t n = 0, cap = 0, i;
	char *keys = NULL, *more, *value;
	int err = 0;

	value = malloc(value_size);
	if (!value)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			more = realloc(keys, cap * key_size);
			if (!more) {
				err = -ENOMEM;
				goto out;
			}
			keys = more;
		}
		if (bpf_map_get_next_key(fd, n ? keys + (n - 1) * key_size :
						 NULL,
					 keys + n * key_size))
			break;
		n++;
	}
	for (i = 0; i < n && err >= 0; i++)
		if (!bpf_map_lookup_elem(fd, keys + i * key_size, value))
			err = fn(keys + i * key_size, value, ctx);
out:
	free(keys);
	free(value);
	return err < 0 ? err : 0;
}

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
		if (err && !in && (errno == EINVAL || errno == EOPNOTSUPP ||
				   errno == ENOTSUPP_KERNEL)) {
			free(keys);
			free(values);
			return walk_keys(fd, key_size, value_size, fn, ctx);
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
