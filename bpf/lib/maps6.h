/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPv6 maps (include/nts/ip6.h), pinned by name as those of maps.h.
 * New maps, not new fields: an IPv4 router's pins stay as they are.
 */
#ifndef NTS_BPF_MAPS6_H
#define NTS_BPF_MAPS6_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

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

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PHL_MAX);
	__type(key, struct phl_key);
	__type(value, struct phl6_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl6 SEC(".maps");

static __always_inline struct nts_config6 *config6_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&config6, &key);
}

#endif /* NTS_BPF_MAPS6_H */
