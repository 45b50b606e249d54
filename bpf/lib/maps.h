/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Maps shared by both datapath programs. Each object declares the same maps
 * and libbpf pins them by name, so the second object and a restarted
 * ntsload reuse the first one's maps. Changing a definition here changes
 * the pinned layout: see "Upgrades" in README.md.
 */
#ifndef NTS_BPF_MAPS_H
#define NTS_BPF_MAPS_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

#include <nts/config.h>
#include <nts/nat.h>
#include <nts/phl.h>
#include <nts/policy.h>
#include <nts/rc.h>
#include <nts/stats.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nts_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NAT_MAX_ENTRIES);
	__type(key, struct nat_key);
	__type(value, struct nat_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} nat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NAT_MAX_BINDS);
	__type(key, struct nat_bind_key);
	__type(value, struct nat_bind);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} nat_bind SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NTS_PORTS_MAX);
	__type(key, __u32);
	__type(value, struct nts_ports);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ports_used SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FRAG_MAX);
	__type(key, struct frag_key);
	__type(value, struct frag_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} frags SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PHL_MAX);
	__type(key, struct phl_key);
	__type(value, struct phl_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PHL_PENDING_MAX);
	__type(key, struct phl_pending_key);
	__type(value, struct phl_pending);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PHL_ZONES_MAX);
	__type(key, struct phl_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl_zones SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PHL_MAX);
	__type(key, __be32);
	__type(value, struct phl_host);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl_hosts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, PHL_EVENTS_SIZE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} phl_events SEC(".maps");

/*
 * LRU: a full request cache makes room by dropping the entry least
 * recently made or used, so that a signed flood spread over GNs (a leaked
 * key) cannot lock out legitimate NOTICEs; a waiting entry survives
 * max_entries newer ones.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, RC_MAX);
	__type(key, struct rc_key);
	__type(value, struct rc_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rc SEC(".maps");

/* Prefix entries (nts/rc.h); few, and short-lived: no LRU. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, RC_PREFIX_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct rc_prefix_key);
	__type(value, struct rc_entry);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rc_prefix SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, POLICY_MAX);
	__type(key, struct phl_key);
	__type(value, struct nts_policy);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} policy SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NTS_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats SEC(".maps");

static __always_inline void stat_inc(enum nts_stat id)
{
	__u32 key = id;
	__u64 *v = bpf_map_lookup_elem(&stats, &key);

	if (v)
		*v += 1;
}

/* Return @act and count why: every early exit is one line, one place. */
#define verdict(act, why) (stat_inc(why), (act))

static __always_inline struct nts_config *config_get(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&config, &key);
}

/* One of the router's global addresses? */
static __always_inline bool addr_ours(const struct nts_config *cfg,
				      __be32 addr)
{
	__u32 i;

	for (i = 0; i < NTS_ADDRS_MAX; i++) {
		if (i >= cfg->naddrs)
			break;
		if (cfg->addrs[i] == addr)
			return true;
	}
	return false;
}

#endif /* NTS_BPF_MAPS_H */
