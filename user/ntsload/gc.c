// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include <nts/phl.h>
#include <nts/rc.h>

#include "gc.h"
#include "mapwalk.h"
#include "ports.h"

#define NSEC_PER_SEC 1000000000ULL

enum { REF_TCP, REF_UDP, REF_ICMP, REF_MAX };

struct gc_ctx {
	const struct nts_maps *maps;
	const struct nat_timeouts *to;
	const struct addr_set *addrs;
	__u64 now;
	struct gc_result *res;
	/* External ports that live flows use, per protocol. */
	struct nts_ports ref[REF_MAX];
	/* The inside host of each live snooped name, for the quota. */
	__be32 *owners;
	size_t nowners, cap;
};

static int ref_idx(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return REF_TCP;
	case IPPROTO_UDP:
		return REF_UDP;
	default:
		return REF_ICMP;
	}
}

/*
 * The difference is taken as signed, as time_after() does: a flow the
 * datapath touched after @now was read is not idle, and a time before
 * boot (a clock near zero in a fresh VM, less an age) still compares.
 */
static bool idle_for(__u64 now, __u64 last, unsigned int sec)
{
	return (__s64)(now - last) > (__s64)(sec * NSEC_PER_SEC);
}

static int gc_flow_out(struct gc_ctx *c, const struct nat_key *k,
		       const struct nat_entry *e)
{
	struct nat_key in;
	struct flow f;

	flow_from_out(&f, c->maps->nat, k, e);
	if (addr_set_has(c->addrs, e->addr) &&
	    !idle_for(c->now, f.last_ns, flow_timeout(c->to, f.state))) {
		ports_set(&c->ref[ref_idx(k->proto)], ntohs(e->port));
		c->res->flows++;
		return 0;
	}
	nat_twin_key(&in, k, e);
	bpf_map_delete_elem(c->maps->nat, k);
	if (f.has_in)
		bpf_map_delete_elem(c->maps->nat, &in);
	c->res->flows_expired++;
	return 0;
}

/* An IN entry goes with its OUT twin; alone, it goes when idle. */
static int gc_flow_in(struct gc_ctx *c, const struct nat_key *k,
		      const struct nat_entry *e)
{
	struct nat_entry twin;
	struct nat_key out;

	if (addr_set_has(c->addrs, k->daddr)) {
		enum flow_state st = flow_state(k->proto, 0, e->seen);

		if (!idle_for(c->now, e->last_ns, flow_timeout(c->to, st)))
			return 0;
		nat_twin_key(&out, k, e);
		if (!bpf_map_lookup_elem(c->maps->nat, &out, &twin))
			return 0;
	}
	bpf_map_delete_elem(c->maps->nat, k);
	return 0;
}

/* A permission of address-dependent filtering lives with its mapping. */
static int gc_perm(struct gc_ctx *c, const struct nat_key *k,
		   const struct nat_entry *e)
{
	struct nat_bind_key bk = {
		.addr = k->daddr,
		.port = k->dport,
		.proto = k->proto,
		.side = NAT_SIDE_OUTSIDE,
	};
	struct nat_bind b;

	if (!addr_set_has(c->addrs, k->daddr) ||
	    bpf_map_lookup_elem(c->maps->nat_bind, &bk, &b) ||
	    b.addr != e->addr || b.port != e->port)
		bpf_map_delete_elem(c->maps->nat, k);
	return 0;
}

static int gc_flow(const void *key, const void *value, void *ctx)
{
	const struct nat_key *k = key;

	switch (k->dir) {
	case NAT_DIR_OUT:
		return gc_flow_out(ctx, k, value);
	case NAT_DIR_PERM:
		return gc_perm(ctx, k, value);
	default:
		return gc_flow_in(ctx, k, value);
	}
}

/* The binding on the other side, if it points back at @k. */
static bool bind_twin(int fd, const struct nat_bind_key *k,
		      const struct nat_bind *b, struct nat_bind_key *tk,
		      struct nat_bind *tb)
{
	memset(tk, 0, sizeof(*tk));
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
	if (bpf_map_lookup_elem(fd, tk, tb) || tb->addr != k->addr ||
	    tb->port != k->port)
		return false;
	return k->side == NAT_SIDE_OUTSIDE ||
	       (tb->raddr == k->raddr && tb->rport == k->rport);
}

static int gc_bind(const void *key, const void *value, void *ctx)
{
	const struct nat_bind_key *k = key;
	const struct nat_bind *b = value;
	struct gc_ctx *c = ctx;
	int fd = c->maps->nat_bind;
	struct nat_bind_key tk;
	struct nat_bind tb;
	bool paired;
	__u64 used;

	paired = bind_twin(fd, k, b, &tk, &tb);
	used = paired && tb.used_ns > b->used_ns ? tb.used_ns : b->used_ns;
	if (!idle_for(c->now, used, GC_BIND_GRACE_SEC)) {
		c->res->binds += k->side == NAT_SIDE_OUTSIDE;
		return 0;
	}
	if (k->side == NAT_SIDE_OUTSIDE && addr_set_has(c->addrs, k->addr) &&
	    paired &&
	    ports_test(&c->ref[ref_idx(k->proto)], ntohs(k->port))) {
		c->res->binds++;
		return 0;
	}
	/* Unused, orphaned, or for an address the router no longer has. */
	if (k->side == NAT_SIDE_INSIDE && paired)
		return 0;	/* decided with its OUTSIDE twin */
	bpf_map_delete_elem(fd, k);
	if (paired)
		bpf_map_delete_elem(fd, &tk);
	c->res->binds_expired++;
	return 0;
}

static int owner_add(struct gc_ctx *c, __be32 addr)
{
	__be32 *o;

	if (c->nowners == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		o = realloc(c->owners, c->cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		c->owners = o;
	}
	c->owners[c->nowners++] = addr;
	return 0;
}

static int gc_name(const void *key, const void *value, void *ctx)
{
	const struct phl_entry *e = value;
	struct gc_ctx *c = ctx;

	if (e->expires_ns && c->now > e->expires_ns) {
		bpf_map_delete_elem(c->maps->phl, key);
		c->res->names_expired++;
		return 0;
	}
	c->res->names++;
	return e->flags & PHL_F_STATIC ? 0 : owner_add(c, e->addr);
}

static int addr_cmp(const void *a, const void *b)
{
	__u32 x = *(const __be32 *)a, y = *(const __be32 *)b;

	return x < y ? -1 : x > y;
}

static int gc_host(const void *key, const void *value, void *ctx)
{
	struct gc_ctx *c = ctx;

	(void)value;
	if (!c->nowners || !bsearch(key, c->owners, c->nowners,
				    sizeof(*c->owners), addr_cmp))
		bpf_map_delete_elem(c->maps->phl_hosts, key);
	return 0;
}

/*
 * The quota's counts, made exact again from the PHL: the datapath keeps
 * them between passes, and may lose a race with a delete here.
 */
static int recount_hosts(struct gc_ctx *c)
{
	struct phl_host h;
	size_t i, j;

	if (c->nowners)
		qsort(c->owners, c->nowners, sizeof(*c->owners), addr_cmp);
	for (i = 0; i < c->nowners; i = j) {
		for (j = i; j < c->nowners && c->owners[j] == c->owners[i]; j++)
			;
		h.names = j - i;
		bpf_map_update_elem(c->maps->phl_hosts, &c->owners[i], &h,
				    BPF_ANY);
	}
	return map_walk(c->maps->phl_hosts, sizeof(__be32),
			sizeof(struct phl_host), gc_host, c);
}

static int gc_rc(const void *key, const void *value, void *ctx)
{
	const struct rc_entry *e = value;
	struct gc_ctx *c = ctx;

	if (c->now > e->expires_ns)
		bpf_map_delete_elem(c->maps->rc, key);
	return 0;
}

static int gc_pending(const void *key, const void *value, void *ctx)
{
	const struct phl_pending *p = value;
	struct gc_ctx *c = ctx;

	if (idle_for(c->now, p->created_ns, GC_PENDING_SEC))
		bpf_map_delete_elem(c->maps->phl_pending, key);
	return 0;
}

int gc_run(const struct nts_maps *maps, const struct addr_set *addrs,
	   const struct nat_timeouts *to, struct gc_result *res)
{
	struct gc_ctx *c;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	memset(res, 0, sizeof(*res));
	c->maps = maps;
	c->to = to;
	c->addrs = addrs;
	c->res = res;
	c->now = mono_ns();

	err = map_walk(maps->nat, sizeof(struct nat_key),
		       sizeof(struct nat_entry), gc_flow, c);
	if (!err)
		err = map_walk(maps->nat_bind, sizeof(struct nat_bind_key),
			       sizeof(struct nat_bind), gc_bind, c);
	if (!err)
		err = map_walk(maps->phl, sizeof(struct phl_key),
			       sizeof(struct phl_entry), gc_name, c);
	if (!err)
		err = recount_hosts(c);
	if (!err)
		err = map_walk(maps->rc, sizeof(struct rc_key),
			       sizeof(struct rc_entry), gc_rc, c);
	if (!err)
		err = map_walk(maps->phl_pending,
			       sizeof(struct phl_pending_key),
			       sizeof(struct phl_pending), gc_pending, c);
	free(c->owners);
	free(c);
	return err;
}
