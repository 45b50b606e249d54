// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <nts/phl.h>
#include <nts/rc.h>
#include <nts/ip6.h>

#include "gc.h"
#include "log.h"
#include "mapwalk.h"
#include "nts_gc.skel.h"

#define NSEC_PER_SEC 1000000000ULL

/* The pass over the NAT tables runs in the kernel: bpf/nts_gc.bpf.c. */
struct gc_ctx {
	const struct nts_maps *maps;
	__u64 now;
	struct gc_result *res;
	/* The inside host of each live snooped name, for the quota. */
	__be32 *owners;
	size_t nowners, cap;
};

static bool idle_for(__u64 now, __u64 last, unsigned int sec)
{
	return (__s64)(now - last) > (__s64)(sec * NSEC_PER_SEC);
}

int gc_open(struct gc *gc, const struct nts_maps *maps)
{
	int err;

	memset(gc, 0, sizeof(*gc));
	gc->maps = maps;
	gc->skel = nts_gc__open();
	if (!gc->skel) {
		err = -errno;
		pr_err("cannot open the expiry programs: %s", strerror(-err));
		return err;
	}
	err = bpf_map__reuse_fd(gc->skel->maps.nat, maps->nat);
	if (!err)
		err = bpf_map__reuse_fd(gc->skel->maps.nat_bind, maps->nat_bind);
	if (!err)
		err = bpf_map__reuse_fd(gc->skel->maps.fw6, maps->fw6);
	if (!err)
		err = nts_gc__load(gc->skel);
	if (err) {
		pr_err("cannot load the expiry programs (BPF syscall programs, "
		       "Linux 5.14): %s", strerror(-err));
		gc_close(gc);
	}
	return err;
}

void gc_close(struct gc *gc)
{
	nts_gc__destroy(gc->skel);
	memset(gc, 0, sizeof(*gc));
}

static int prog_run(struct bpf_program *prog)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
		return -errno;
	return 0;
}

static int gc_nat(struct gc *gc, const struct addr_set *addrs,
		  const struct nat_timeouts *to, __u64 now,
		  struct gc_result *res)
{
	struct nts_gc__bss *b = gc->skel->bss;
	int st, i, err;

	b->gc_now = now;
	for (st = 0; st < FLOW_STATE_MAX; st++)
		b->gc_timeout_ns[st] = flow_timeout(to, st) * NSEC_PER_SEC;
	for (i = 0; i < addrs->n && i < NTS_ADDRS_MAX; i++)
		b->gc_addrs[i] = addrs->a[i];
	b->gc_naddrs = i;
	/* Orphaned IN entries are looked for on every GC_ORPHANS_EVERY'th. */
	b->gc_orphans = gc->passes++ % GC_ORPHANS_EVERY == 0;
	b->gc_flows = b->gc_flows_expired = b->gc_flows_left = 0;
	b->gc_deleted = 0;
	b->gc_binds = b->gc_binds_expired = 0;
	memset(b->gc_ref, 0, sizeof(b->gc_ref));

	err = prog_run(gc->skel->progs.gc_nat);
	if (!err)
		err = prog_run(gc->skel->progs.gc_bind);
	res->flows = b->gc_flows + b->gc_flows_left;
	res->flows_expired = b->gc_flows_expired;
	res->flows_left = b->gc_flows_left;
	res->binds = b->gc_binds;
	res->binds_expired = b->gc_binds_expired;
	if (!err) {
		/* The timeouts by state are the IPv4 flows', set above. */
		b->gc_fw6_flows = b->gc_fw6_expired = 0;
		err = prog_run(gc->skel->progs.gc_fw6);
		res->fw6 = b->gc_fw6_flows;
		res->fw6_expired = b->gc_fw6_expired;
	}
	return err;
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

static int gc_rc6(const void *key, const void *value, void *ctx)
{
	const struct rc6_entry *e = value;
	struct gc_ctx *c = ctx;

	if (c->now > e->expires_ns)
		bpf_map_delete_elem(c->maps->rc6, key);
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

int gc_run(struct gc *gc, const struct addr_set *addrs,
	   const struct nat_timeouts *to, struct gc_result *res)
{
	struct gc_ctx *c;
	int err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	memset(res, 0, sizeof(*res));
	c->maps = gc->maps;
	c->res = res;
	c->now = mono_ns();

	err = gc_nat(gc, addrs, to, c->now, res);
	if (!err)
		err = map_walk(c->maps->phl, sizeof(struct phl_key),
			       sizeof(struct phl_entry), gc_name, c);
	if (!err)
		err = recount_hosts(c);
	if (!err)
		err = map_walk(c->maps->rc, sizeof(struct rc_key),
			       sizeof(struct rc_entry), gc_rc, c);
	if (!err)
		err = map_walk(c->maps->rc6, sizeof(struct rc6_key),
			       sizeof(struct rc6_entry), gc_rc6, c);
	if (!err)
		err = map_walk(c->maps->phl_pending,
			       sizeof(struct phl_pending_key),
			       sizeof(struct phl_pending), gc_pending, c);
	free(c->owners);
	free(c);
	return err;
}
