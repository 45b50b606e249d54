/* SPDX-License-Identifier: GPL-2.0 */
/* Walking a map: in batches where the kernel can. */
#ifndef NTS_MAPWALK_H
#define NTS_MAPWALK_H

#include <stddef.h>
#include <linux/types.h>

/* Called per entry; a negative return stops the walk and is returned. */
typedef int (*map_walk_fn)(const void *key, const void *value, void *ctx);

/*
 * Visit every entry of map @fd: in batches, or key by key where the map
 * has no batch lookup (an LPM trie). Returns 0 or -errno.
 */
int map_walk(int fd, size_t key_size, size_t value_size, map_walk_fn fn,
	     void *ctx);

/*
 * How full map @fd is: its entries, counted one key at a time (any map
 * type), and its capacity; 0 for what can't be read.
 */
void map_fill(int fd, __u32 *n, __u32 *max);

#endif /* NTS_MAPWALK_H */
