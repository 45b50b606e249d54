/* SPDX-License-Identifier: GPL-2.0 */
/* Walking a hash map in batches. */
#ifndef NTS_MAPWALK_H
#define NTS_MAPWALK_H

#include <stddef.h>

/* Called per entry; a negative return stops the walk and is returned. */
typedef int (*map_walk_fn)(const void *key, const void *value, void *ctx);

/* Visit every entry of hash map @fd. Returns 0 or -errno. */
int map_walk(int fd, size_t key_size, size_t value_size, map_walk_fn fn,
	     void *ctx);

#endif /* NTS_MAPWALK_H */
