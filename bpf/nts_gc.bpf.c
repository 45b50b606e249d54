// SPDX-License-Identifier: GPL-2.0
/*
 * nts_gc: the expiry pass over the NAT tables, in the kernel. Two
 * programs that ntsload's housekeeping thread runs with BPF_PROG_RUN
 * (user/ntsload/gc.c): gc_nat walks `nat`, then gc_bind walks `nat_bind`,
 * each with bpf_for_each_map_elem(). Each element is decided on its live
 * value, in place: no copy of a million entries to user space and no
 * syscall per flow.
 *
 * BPF_PROG_TYPE_SYSCALL (5.14+), not a map iterator (iter/bpf_map_elem):
 * iterators are tracing programs, which a kernel in lockdown or with an
 * LSM against tracing refuses, as this project's CI machine does. A
 * syscall program runs preemptible, and the walk takes the RCU read lock
 * one bucket at a time.
 *
 * An element is decided on what it holds at the moment of the visit and
 * deleted at once: no batch of stale copies, so no race of the kind
 * Cilium's ctmap GC had (issue 36981) with a packet that refreshes the
 * flow in between. The walk tolerates the delete of the element it
 * stands on as it tolerates the datapath's (an LRU eviction on another
 * CPU): the maps are preallocated, the element's memory stays, and if an
 * insert reuses it at once the walk may skip or see again a few
 * elements, which the next pass sets right.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>

#include <nts/config.h>
#include <nts/flow.h>
#include <nts/nat.h>
#include <nts/ip6.h>

struct bpf_map;

/* The datapath's maps: user space hands in their fds (reuse_fd). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1);
	__type(key, struct nat_key);
	__type(value, struct nat_entry);
} nat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct nat_bind_key);
	__type(value, struct nat_bind);
} nat_bind SEC(".maps");

/* The IPv6 firewall's flows (bpf/lib/fw6.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1);
	__type(key, struct fw6_key);
	__type(value, struct fw6_entry);
} fw6 SEC(".maps");

#define NSEC_PER_SEC 1000000000ULL
#define BIND_GRACE_NS (10 * NSEC_PER_SEC) /* GC_BIND_GRACE_SEC */
/* nat entries one pass deletes at most: about a quarter of a second. */
#define GC_DELETE_BUDGET (256 * 1024)

enum { REF_TCP, REF_UDP, REF_ICMP, REF_MAX };
#define REF_WORDS (65536 / 64)

/* Set by user space before each pass. */
__u64 gc_now;
__u64 gc_timeout_ns[FLOW_STATE_MAX];
__be32 gc_addrs[NTS_ADDRS_MAX];
__u32 gc_naddrs;
bool gc_orphans;	/* look for IN entries without their OUT twin */

/*
 * Results of the pass. gc_ref: the external ports that live flows use,
 * per protocol; gc_nat sets them, gc_bind keeps the mappings they name.
 */
__u32 gc_flows, gc_flows_expired, gc_flows_left, gc_binds, gc_binds_expired;
__u32 gc_deleted;	/* nat entries, this pass */
__u32 gc_fw6_flows, gc_fw6_expired;
__u64 gc_ref[REF_MAX][REF_WORDS];


static __always_inline int ref_idx(__u8 proto)
{
	return proto == IPPROTO_TCP ? REF_TCP :
	       proto == IPPROTO_UDP ? REF_UDP : REF_ICMP;
}

static __always_inline bool ours(__be32 addr)
{
	__u32 i;

	for (i = 0; i < NTS_ADDRS_MAX; i++) {
		if (i >= gc_naddrs)
			break;
		if (gc_addrs[i] == addr)
			return true;
	}
	return false;
}

/* Signed, as time_after(): a flow touched after gc_now is not idle. */
static __always_inline bool idle_for(__u64 last, __u64 ns)
{
	return (__s64)(gc_now - last) > (__s64)ns;
}

static __always_inline __u64 timeout_ns(enum flow_state st)
{
	return st < FLOW_STATE_MAX ? gc_timeout_ns[st] : 0;
}

/* TCP: no state has a shorter timeout than the transitory one's. */
static __always_inline __u64 min_timeout_ns(__u8 proto)
{
	__u64 t;

	if (proto != IPPROTO_TCP)
		return timeout_ns(flow_state(proto, 0, 0));
	t = gc_timeout_ns[FLOW_TCP_ESTABLISHED];
	if (gc_timeout_ns[FLOW_TCP_SYN_SENT] < t)
		t = gc_timeout_ns[FLOW_TCP_SYN_SENT];
	return t;
}

enum verdict { KEEP, EXPIRE, EXPIRE_BOTH };

/* An OUT entry decides for its flow, IN direction included. */
static __always_inline enum verdict nat_out(const struct nat_key *k,
					    const struct nat_entry *e,
					    struct nat_key *in)
{
	struct nat_entry *ie;
	__u64 last = e->last_ns;
	__u8 in_seen = 0;

	nat_twin_key(in, k, e);
	/*
	 * Seen within the shortest timeout its flow can have: alive, whatever
	 * the other direction says. Most live flows are decided so, without
	 * the lookup (a cache miss or two in a large table).
	 */
	if (ours(e->addr) && !idle_for(last, min_timeout_ns(k->proto)))
		return KEEP;
	ie = bpf_map_lookup_elem(&nat, in);
	if (ie) {
		in_seen = ie->seen;
		if ((__s64)(ie->last_ns - last) > 0)
			last = ie->last_ns;
	}
	if (ours(e->addr) &&
	    !idle_for(last, timeout_ns(flow_state(k->proto, e->seen, in_seen))))
		return KEEP;
	return ie ? EXPIRE_BOTH : EXPIRE;
}

/*
 * An IN entry goes with its OUT twin, which decides for both; alone (its
 * twin evicted from a full table), it goes when idle. Looking for the
 * twin costs a lookup, a cache miss or two, so it is done only on the
 * passes user space asks for it (gc_orphans): the few orphans wait a
 * little longer, and a pass over a table that expires at once is half
 * the work.
 */
static __always_inline enum verdict nat_in(const struct nat_key *k,
					   const struct nat_entry *e)
{
	struct nat_key out;

	if (ours(k->daddr)) {
		if (!gc_orphans ||
		    !idle_for(e->last_ns,
			      timeout_ns(flow_state(k->proto, 0, e->seen))))
			return KEEP;
		nat_twin_key(&out, k, e);
		if (bpf_map_lookup_elem(&nat, &out))
			return KEEP;
	}
	return EXPIRE;
}

/* A permission of address-dependent filtering lives with its mapping. */
static __always_inline enum verdict nat_perm(const struct nat_key *k,
					     const struct nat_entry *e)
{
	struct nat_bind_key bk = {
		.addr = k->daddr,
		.port = k->dport,
		.proto = k->proto,
		.side = NAT_SIDE_OUTSIDE,
	};
	struct nat_bind *b;

	if (!ours(k->daddr))
		return EXPIRE;
	b = bpf_map_lookup_elem(&nat_bind, &bk);
	return b && b->addr == e->addr && b->port == e->port ? KEEP : EXPIRE;
}

static __always_inline enum verdict nat_decide(const struct nat_key *k,
					       const struct nat_entry *e,
					       struct nat_key *in)
{
	switch (k->dir) {
	case NAT_DIR_OUT:
		return nat_out(k, e, in);
	case NAT_DIR_PERM:
		return nat_perm(k, e);
	default:
		return nat_in(k, e);
	}
}

static long nat_visit(struct bpf_map *map, const struct nat_key *k,
		      struct nat_entry *e, void *ctx)
{
	struct nat_key key, in;
	enum verdict v;
	__u16 port;
	int r;

	key = *k;
	/*
	 * Deletes and the lookups that decide them are most of a pass's
	 * cost when a whole table expires at once. Past the budget the walk
	 * goes on without them, so that one run of the program (not
	 * preemptible on most kernels) stays short, and the next pass takes
	 * the rest; the flows not looked at keep their ports used.
	 */
	if (gc_deleted >= GC_DELETE_BUDGET) {
		if (key.dir != NAT_DIR_OUT)
			return 0;
		gc_flows_left++;
		goto used;
	}
	v = nat_decide(&key, e, &in);
	if (v != KEEP) {
		gc_deleted += v == EXPIRE_BOTH ? 2 : 1;
		bpf_map_delete_elem(&nat, &key);
		if (v == EXPIRE_BOTH)
			bpf_map_delete_elem(&nat, &in);
		if (key.dir == NAT_DIR_OUT)
			gc_flows_expired++;
		return 0;
	}
	if (key.dir != NAT_DIR_OUT)
		return 0;
	gc_flows++;
used:
	port = __builtin_bswap16(e->port);
	r = ref_idx(key.proto);
	if (r >= 0 && r < REF_MAX)
		gc_ref[r][(port / 64) % REF_WORDS] |= 1ULL << (port % 64);
	return 0;
}

SEC("syscall")
int gc_nat(void *ctx)
{
	bpf_for_each_map_elem(&nat, nat_visit, NULL, 0);
	return 0;
}

/* The binding on the other side, if it points back at @k. */
static __always_inline struct nat_bind *bind_twin(const struct nat_bind_key *k,
						  const struct nat_bind *b,
						  struct nat_bind_key *tk)
{
	struct nat_bind *tb;

	__builtin_memset(tk, 0, sizeof(*tk));
	tk->addr = b->addr;
	tk->port = b->port;
	tk->proto = k->proto;
	if (k->side == NAT_SIDE_OUTSIDE) {
		tk->side = NAT_SIDE_INSIDE;
		tk->raddr = b->raddr;
		tk->rport = b->rport;
	} else {
		tk->side = NAT_SIDE_OUTSIDE;
	}
	tb = bpf_map_lookup_elem(&nat_bind, tk);
	if (!tb || tb->addr != k->addr || tb->port != k->port)
		return NULL;
	if (k->side == NAT_SIDE_INSIDE &&
	    (tb->raddr != k->raddr || tb->rport != k->rport))
		return NULL;
	return tb;
}

static __always_inline bool port_used(__u8 proto, __be16 nport)
{
	__u16 port = __builtin_bswap16(nport);
	int r = ref_idx(proto);

	if (r < 0 || r >= REF_MAX)
		return false;
	return gc_ref[r][(port / 64) % REF_WORDS] & (1ULL << (port % 64));
}

/*
 * KEEP, or EXPIRE (the binding alone, orphaned) or EXPIRE_BOTH (and its
 * twin, whose key is left in @tk). An INSIDE binding with a twin is
 * decided with its OUTSIDE twin.
 */
static __always_inline enum verdict bind_decide(const struct nat_bind_key *k,
						const struct nat_bind *b,
						struct nat_bind_key *tk)
{
	struct nat_bind *tb = bind_twin(k, b, tk);
	__u64 used = b->used_ns;

	if (tb && (__s64)(tb->used_ns - used) > 0)
		used = tb->used_ns;
	if (!idle_for(used, BIND_GRACE_NS) ||
	    (k->side == NAT_SIDE_OUTSIDE && tb && ours(k->addr) &&
	     port_used(k->proto, k->port)))
		return KEEP;
	if (k->side == NAT_SIDE_INSIDE && tb)
		return KEEP;
	return tb ? EXPIRE_BOTH : EXPIRE;
}

static long bind_visit(struct bpf_map *map, const struct nat_bind_key *k,
		       struct nat_bind *b, void *ctx)
{
	struct nat_bind_key key, tk;
	enum verdict v;

	key = *k;
	v = bind_decide(&key, b, &tk);
	if (v == KEEP) {
		gc_binds += key.side == NAT_SIDE_OUTSIDE;
		return 0;
	}
	bpf_map_delete_elem(&nat_bind, &key);
	if (v == EXPIRE_BOTH)
		bpf_map_delete_elem(&nat_bind, &tk);
	gc_binds_expired++;
	return 0;
}

SEC("syscall")
int gc_bind(void *ctx)
{
	bpf_for_each_map_elem(&nat_bind, bind_visit, NULL, 0);
	return 0;
}

/*
 * An IPv6 flow is one entry, both directions' times in it: idle for the
 * timeout of its state, as an IPv4 flow. The entries that let a
 * datagram's later fragments in (proto 44) go with the ICMP timeout.
 */
static long fw6_visit(struct bpf_map *map, const struct fw6_key *k,
		      struct fw6_entry *e, void *ctx)
{
	struct fw6_key key = *k;
	__u64 last = e->last_out_ns;

	if ((__s64)(e->last_in_ns - last) > 0)
		last = e->last_in_ns;
	if (!idle_for(last, timeout_ns(flow_state(key.proto, e->seen_out,
						  e->seen_in)))) {
		gc_fw6_flows++;
		return 0;
	}
	bpf_map_delete_elem(&fw6, &key);
	gc_fw6_expired++;
	return 0;
}

SEC("syscall")
int gc_fw6(void *ctx)
{
	bpf_for_each_map_elem(&fw6, fw6_visit, NULL, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
