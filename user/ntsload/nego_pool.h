/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helper threads for the MAC work of the NOTICE path (DESIGN section 9):
 * pool_run() does fn(arg, 0) .. fn(arg, n - 1) on the calling thread and
 * the helpers at once, and returns when all are done, so that the stages
 * before and after it stay on one thread. Each fn(arg, i) may touch only
 * item i and what nobody writes meanwhile.
 *
 * One helper fewer than the CPUs ntsload may run on; none on one CPU,
 * where pool_run() is a plain loop.
 */
#ifndef NTSLOAD_NEGO_POOL_H
#define NTSLOAD_NEGO_POOL_H

#include <stddef.h>

struct nego_pool;

/* The CPUs this process may run on (online, and in its affinity mask). */
unsigned int pool_cpus(void);
/*
 * A pool of @threads threads in all, the caller's included (1: none of
 * its own). NULL with errno on failure (printed).
 */
struct nego_pool *pool_new(unsigned int threads);
void pool_free(struct nego_pool *p);
unsigned int pool_threads(const struct nego_pool *p);
void pool_run(struct nego_pool *p, void (*fn)(void *arg, size_t i), void *arg,
	      size_t n);

#endif /* NTSLOAD_NEGO_POOL_H */
