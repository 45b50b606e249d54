/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token buckets in a fixed table: RATE per second, bursts of twice that.
 * Two keys that share a slot share a bucket, which errs on the strict
 * side and keeps memory bounded whatever the senders do.
 */
#ifndef NTSLOAD_RATELIMIT_H
#define NTSLOAD_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct ratelimit;

struct ratelimit *rl_new(size_t slots, unsigned int rate);
void rl_free(struct ratelimit *rl);
/* Take a token for @key at @now_ns; false if there is none. */
bool rl_allow(struct ratelimit *rl, __u64 key, __u64 now_ns);
__u64 rl_hash(const char *s);
/* For keys wider than 64 bits: an IPv6 GN's address. */
__u64 rl_hash_bytes(const void *p, size_t len);

#endif /* NTSLOAD_RATELIMIT_H */
