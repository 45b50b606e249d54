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
	/*
	 * The quota's unit of each live snooped name: the inside address
	 * (4 bytes) or, for phl6, its /64 (8), in the first bytes of each.
	 */
	__u64 *owners;
	size_t nowners, cap;
	size_t key_size;	/* of the owners' hosts map */
	int hosts_fd;		/* that map */
	int rc_fd;		/* rc or rc_prefix, as walked */
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

static int owner_add(struct gc_ctx *c, const void *key)
{
	__u64 *o;

	if (c->nowners == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		o = realloc(c->owners, c->cap * sizeof(*o));
		if (!o)
			return -ENOMEM;
		c->owners = o;
	}
	o = &c->owners[c->nowners++];
	*o = 0;
	memcpy(o, key, c->key_size);
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
	return e->flags & PHL_F_STATIC ? 0 : owner_add(c, &e->addr);
}

static int gc_name6(const void *key, const void *value, void *ctx)
{
	const struct phl6_entry *e = value;
	struct gc_ctx *c = ctx;

	if (e->expires_ns && c->now > e->expires_ns) {
		bpf_map_delete_elem(c->maps->phl6, key);
		c->res->names_expired++;
		return 0;
	}
	c->res->names++;
	return e->flags & PHL_F_STATIC ? 0 : owner_add(c, &e->addr);
}

static int owner_cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

static int gc_host(const void *key, const void *value, void *ctx)
{
	struct gc_ctx *c = ctx;
	__u64 k = 0;

	(void)value;
	memcpy(&k, key, c->key_size);
	if (!c->nowners ||
	    !bsearch(&k, c->owners, c->nowners, sizeof(k), owner_cmp))
		bpf_map_delete_elem(c->hosts_fd, key);
	return 0;
}

/*
 * The quota's counts in @hosts, made exact again from the owners the
 * walk over a PHL found: the datapath keeps them between passes, and
 * may lose a race with a delete here.
 */
static int recount_hosts(struct gc_ctx *c, int hosts)
{
	struct phl_host h;
	size_t i, j;

	c->hosts_fd = hosts;
	if (c->nowners)
		qsort(c->owners, c->nowners, sizeof(*c->owners), owner_cmp);
	for (i = 0; i < c->nowners; i = j) {
		for (j = i; j < c->nowners && c->owners[j] == c->owners[i]; j++)
			;
		h.names = j - i;
		bpf_map_update_elem(hosts, &c->owners[i], &h, BPF_ANY);
	}
	return map_walk(hosts, c->key_size, sizeof(struct phl_host), gc_host,
			c);
}

/* One PHL and the quota's counts its names make. */
static int gc_names(struct gc_ctx *c, int phl, size_t value_size,
		    map_walk_fn fn, int hosts, size_t key_size)
{
	int err;

	c->nowners = 0;
	c->key_size = key_size;
	err = map_walk(phl, sizeof(struct phl_key), value_size, fn, c);
	return err ? err : recount_hosts(c, hosts);
}

/* An entry of a host's or of a network's (c->rc_fd). */
static int gc_rc(const void *key, const void *value, void *ctx)
{
	const struct rc_entry *e = value;
	struct gc_ctx *c = ctx;

	if (c->now > e->expires_ns)
		bpf_map_delete_elem(c->rc_fd, key);
	return 0;
}

static int gc_rcs(struct gc_ctx *c, int fd, size_t key_size)
{
	c->rc_fd = fd;
	return map_walk(fd, key_size, sizeof(struct rc_entry), gc_rc, c);
}

static int gc_rc6(const void *key, const void *value, void *ctx)
{
	const struct rc6_entry *e = value;
	struct gc_ctx *c = ctx;

	if (c->now > e->expires_ns)
		bpf_map_delete_elem(c->rc_fd, key);
	return 0;
}

static int gc_rc6s(struct gc_ctx *c, int fd, size_t key_size)
{
	c->rc_fd = fd;
	return map_walk(fd, key_size, sizeof(struct rc6_entry), gc_rc6, c);
}

static int gc_pending(const void *key, const void *value, void *ctx)
{
	const struct phl_pending *p = value;
	struct gc_ctx *c = ctx;

	if (idle_for(c->now, p->created_ns, GC_PENDING_SEC))
		bpf_map_delete_elem(c->maps->phl_pending, key);
	return 0;
}

static int gc_pending6(const void *key, const void *value, void *ctx)
{
	const struct phl6_pending *p = value;
	struct gc_ctx *c = ctx;

	if (idle_for(c->now, p->created_ns, GC_PENDING_SEC))
		bpf_map_delete_elem(c->maps->phl6_pending, key);
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
		err = gc_names(c, c->maps->phl, sizeof(struct phl_entry),
			       gc_name, c->maps->phl_hosts, sizeof(__be32));
	if (!err)
		err = gc_names(c, c->maps->phl6, sizeof(struct phl6_entry),
			       gc_name6, c->maps->phl6_hosts,
			       sizeof(struct phl6_host_key));
	if (!err)
		err = gc_rcs(c, c->maps->rc, sizeof(struct rc_key));
	if (!err)
		err = gc_rcs(c, c->maps->rc_prefix,
			     sizeof(struct rc_prefix_key));
	if (!err)
		err = gc_rc6s(c, c->maps->rc6, sizeof(struct rc6_key));
	if (!err)
		err = gc_rc6s(c, c->maps->rc6_prefix,
			      sizeof(struct rc6_prefix_key));
	if (!err)
		err = map_walk(c->maps->phl_pending,
			       sizeof(struct phl_pending_key),
			       sizeof(struct phl_pending), gc_pending, c);
	if (!err)
		err = map_walk(c->maps->phl6_pending,
			       sizeof(struct phl6_pending_key),
			       sizeof(struct phl6_pending), gc_pending6, c);
	free(c->owners);
	free(c);
	return err;
}
