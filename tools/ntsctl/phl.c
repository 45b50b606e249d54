// SPDX-License-Identifier: GPL-2.0
/* ntsctl phl: the Private Host List. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include <nts/ip6.h>
#include <nts/phl.h>

#include "dnsname.h"
#include "flow.h"
#include "fmt.h"
#include "log.h"
#include "mapwalk.h"
#include "ntsctl.h"

struct names {
	struct phl_key *k;
	struct phl_entry *e;
	size_t n, cap;
};

static int collect_name(const void *key, const void *value, void *ctx)
{
	struct names *nm = ctx;

	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? 2 * nm->cap : 64;
		struct phl_key *k = realloc(nm->k, cap * sizeof(*k));
		struct phl_entry *e = realloc(nm->e, cap * sizeof(*e));

		if (k)
			nm->k = k;
		if (e)
			nm->e = e;
		if (!k || !e)
			return -ENOMEM;
		nm->cap = cap;
	}
	nm->k[nm->n] = *(const struct phl_key *)key;
	nm->e[nm->n] = *(const struct phl_entry *)value;
	nm->n++;
	return 0;
}

static struct names *name_sort_base;

static int name_cmp(const void *a, const void *b)
{
	return strcmp(name_sort_base->k[*(const size_t *)a].name,
		      name_sort_base->k[*(const size_t *)b].name);
}

static int phl_list(struct ctl *c)
{
	struct names nm = {};
	char addr[INET_ADDRSTRLEN], age[16], exp[16];
	__u64 now = mono_ns();
	size_t i, *order;
	int err, n6;

	err = map_walk(c->maps.phl, sizeof(struct phl_key),
		       sizeof(struct phl_entry), collect_name, &nm);
	order = calloc(nm.n + 1, sizeof(*order));
	if (err || !order) {
		pr_err("cannot read the phl map: %s",
		       strerror(err ? -err : ENOMEM));
		goto out;
	}
	for (i = 0; i < nm.n; i++)
		order[i] = i;
	name_sort_base = &nm;
	qsort(order, nm.n, sizeof(*order), name_cmp);

	if (c->cfg.json)
		printf("[");
	else
		printf("%-40s %-15s %6s %8s %s\n", "NAME", "INSIDE", "AGE",
		       "EXPIRES", "ORIGIN");
	for (i = 0; i < nm.n; i++) {
		const struct phl_entry *e = &nm.e[order[i]];
		bool stat = e->flags & PHL_F_STATIC;
		__u64 age_s = now > e->registered_ns ?
				      (now - e->registered_ns) / 1000000000 :
				      0;
		__u64 left = e->expires_ns > now ?
				     (e->expires_ns - now) / 1000000000 :
				     0;

		/* Where it came from: ntsctl, a DNS UPDATE, or --state-dir. */
		const char *origin = stat ? "static" :
				     e->flags & PHL_F_RESTORED ? "restored" :
								 "snooped";

		inet_ntop(AF_INET, &e->addr, addr, sizeof(addr));
		if (c->cfg.json) {
			printf("%s\n {\"name\": \"%s\", \"inside\": \"%s\", "
			       "\"age\": %llu, \"origin\": \"%s\", ",
			       i ? "," : "", nm.k[order[i]].name, addr,
			       (unsigned long long)age_s, origin);
			if (stat)
				printf("\"expires\": null, \"static\": true}");
			else
				printf("\"expires\": %llu, \"static\": false}",
				       (unsigned long long)left);
		} else {
			printf("%-40s %-15s %6s %8s %s\n", nm.k[order[i]].name,
			       addr, fmt_duration(age, sizeof(age), age_s),
			       stat ? "never" :
				      fmt_duration(exp, sizeof(exp), left),
			       origin);
		}
	}
	/* The IPv6 names follow, in a layout of their own. */
	n6 = phl6_print(c, c->cfg.json, nm.n == 0);
	if (n6 < 0)
		err = n6;
	if (c->cfg.json)
		printf("%s]\n", nm.n || n6 > 0 ? "\n" : "");
out:
	free(order);
	free(nm.k);
	free(nm.e);
	return err;
}

/* A name's IPv6 address goes to phl6, beside its IPv4 one (issue 19). */
static int phl6_add(struct ctl *c, const struct phl_key *k,
		    const struct nts_in6 *a)
{
	struct phl6_entry e = { .addr = *a, .flags = PHL_F_STATIC };

	e.registered_ns = mono_ns();
	if (bpf_map_update_elem(c->maps.phl6, k, &e, BPF_ANY)) {
		pr_err("cannot add %s to phl6: %s%s", k->name, strerror(errno),
		       errno == E2BIG ? "; delete names (ntsctl phl del)" : "");
		return -errno;
	}
	return 0;
}

static int phl_add(struct ctl *c, const char *name, const char *addr)
{
	struct phl_entry e = { .flags = PHL_F_STATIC };
	struct nts_in6 a6;
	struct phl_key k;
	struct in_addr a;

	if (dns_name_normalize(name, k.name, sizeof(k.name))) {
		pr_err("'%s' is not a host name (letters, digits, '-' and '_' "
		       "in dot-separated labels)",
		       name);
		return -EINVAL;
	}
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return phl6_add(c, &k, &a6);
	if (inet_pton(AF_INET, addr, &a) != 1) {
		pr_err("'%s' is not an IPv4 address, nor an IPv6 one", addr);
		return -EINVAL;
	}
	e.addr = a.s_addr;
	e.registered_ns = mono_ns();
	if (bpf_map_update_elem(c->maps.phl, &k, &e, BPF_ANY)) {
		if (errno == E2BIG)
			pr_err("cannot add %s: the PHL is full; delete names "
			       "(ntsctl phl del) or restart ntsload with a "
			       "larger --max-names",
			       k.name);
		else
			pr_err("cannot add %s: %s", k.name, strerror(errno));
		return -errno;
	}
	return 0;
}

static int phl_del(struct ctl *c, const char *name)
{
	bool gone4, gone6;
	struct phl_key k;
	int err4;

	if (dns_name_normalize(name, k.name, sizeof(k.name))) {
		pr_err("'%s' is not a host name", name);
		return -EINVAL;
	}
	/* Both families: the name is gone, whichever it had. */
	gone4 = !bpf_map_delete_elem(c->maps.phl, &k);
	err4 = errno;
	gone6 = !bpf_map_delete_elem(c->maps.phl6, &k);
	if (gone4 || gone6)
		return 0;
	if (err4 == ENOENT)
		err4 = errno;
	pr_err("%s: %s", k.name,
	       err4 == ENOENT ? "no such name in the PHL" : strerror(err4));
	return -err4;
}

int cmd_phl(struct ctl *c, int argc, char **argv)
{
	if (!argc)
		return phl_list(c);
	if (!strcmp(argv[0], "add") && argc == 3)
		return phl_add(c, argv[1], argv[2]);
	if (!strcmp(argv[0], "del") && argc == 2)
		return phl_del(c, argv[1]);
	pr_err("usage: ntsctl phl [add NAME ADDR | del NAME]");
	return -EINVAL;
}
