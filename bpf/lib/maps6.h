/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPv6 maps (include/nts/ip6.h), pinned by name as those of maps.h.
 * New maps, not new fields: an IPv4 router's pins stay as they are.
 */
#ifndef NTS_BPF_MAPS6_H
#define NTS_BPF_MAPS6_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <nts/ip6.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nts_config6);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} config6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FW6_MAX_FLOWS);
	__type(key, struct fw6_key);
	__type(value, struct fw6_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fw6 SEC(".maps");

/* LRU for the reason rc is (maps.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, RC6_MAX);
	__type(key, struct rc6_key);
	__type(value, struct rc6_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rc6 SEC(".maps");

/* IPv6 networks' entries (nts/ip6.h), as rc_prefix. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, RC6_PREFIX_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rc6_prefix_key);
	__type(value, struct rc6_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rc6_prefix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PHL_MAX);
	__type(key, struct phl_key);
	__type(value, struct phl6_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PHL_PENDING_MAX);
	__type(key, struct phl6_pending_key);
	__type(value, struct phl6_pending);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl6_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PHL_MAX);
	__type(key, struct phl6_host_key);
	__type(value, struct phl_host);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl6_hosts SEC(".maps");

static __always_inline struct nts_config6 *config6_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&config6, &key);
}

static __always_inline bool in6_eq(const struct nts_in6 *a,
				   const struct nts_in6 *b)
{
	return a->a[0] == b->a[0] && a->a[1] == b->a[1] && a->a[2] == b->a[2] &&
	       a->a[3] == b->a[3];
}

/*
 * Without a branch on the length: unrolled over 4 words and 8 prefixes,
 * branches would multiply the verifier's paths (BPF has no cmov).
 */
static __always_inline bool cidr6_has(const struct nts_cidr6 *c,
				      const struct nts_in6 *a)
{
	__u32 diff = 0, i;

	for (i = 0; i < 4; i++) {
		__s32 bits = (__s32)c->len - 32 * (__s32)i;
		__u32 neg = (__u32)(bits >> 31);	/* ~0 if < 0 */
		__u32 b = (__u32)bits & ~neg;		/* max(bits, 0) */
		__u32 over = (__u32)((__s32)(32 - b) >> 31); /* ~0 if > 32 */
		__u32 mask;

		b = (b & ~over) | (32 & over);		/* min(b, 32) */
		mask = (__u32)(0xffffffffULL << ((32 - b) & 63));
		diff |= (a->a[i] ^ c->net.a[i]) & bpf_htonl(mask);
	}
	return !diff;
}

/* In one of the inside prefixes, and not one of the router's own? */
static __always_inline bool fw6_inside(const struct nts_config6 *c,
				       const struct nts_in6 *a)
{
	bool in = false;
	__u32 i;

	for (i = 0; i < NTS_PREFIX6_MAX; i++) {
		if (i >= c->nprefix)
			break;
		if (cidr6_has(&c->prefix[i], a)) {
			in = true;
			break;
		}
	}
	if (!in)
		return false;
	for (i = 0; i < NTS_ADDRS_MAX; i++) {
		if (i >= c->naddrs)
			break;
		if (in6_eq(&c->addrs[i], a))
			return false;
	}
	return true;
}

#endif /* NTS_BPF_MAPS6_H */
