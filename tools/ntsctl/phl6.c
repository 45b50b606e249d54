// SPDX-License-Identifier: GPL-2.0
/* ntsctl phl, IPv6: phl6's names after the IPv4 ones, sorted by name. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nts/ip6.h>

#include "flow.h"
#include "fmt.h"
#include "log.h"
#include "mapwalk.h"
#include "ntsctl.h"

struct name6 {
	struct phl_key k;
	struct phl6_entry e;
};

struct names6 {
	struct name6 *v;
	size_t n, cap;
};

static int collect(const void *key, const void *value, void *ctx)
{
	struct names6 *nm = ctx;

	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? 2 * nm->cap : 64;
		struct name6 *v = realloc(nm->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		nm->v = v;
		nm->cap = cap;
	}
	memcpy(&nm->v[nm->n].k, key, sizeof(struct phl_key));
	memcpy(&nm->v[nm->n].e, value, sizeof(struct phl6_entry));
	nm->n++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct name6 *)a)->k.name,
		      ((const struct name6 *)b)->k.name);
}

static void print_one(const struct name6 *n, __u64 now, bool json,
		      bool comma)
{
	const struct phl6_entry *e = &n->e;
	bool stat = e->flags & PHL_F_STATIC;
	char addr[INET6_ADDRSTRLEN], age[16], exp[16];
	__u64 age_s = now > e->registered_ns ?
			      (now - e->registered_ns) / 1000000000 : 0;
	__u64 left = e->expires_ns > now ? (e->expires_ns - now) / 1000000000 :
					   0;
	const char *origin = stat ? "static" :
			     e->flags & PHL_F_RESTORED ? "restored" :
							 "snooped";

	inet_ntop(AF_INET6, &e->addr, addr, sizeof(addr));
	if (!json) {
		printf("%-40s %-39s %6s %8s %s\n", n->k.name, addr,
		       fmt_duration(age, sizeof(age), age_s),
		       stat ? "never" : fmt_duration(exp, sizeof(exp), left),
		       origin);
		return;
	}
	printf("%s\n {\"family\": \"ipv6\", \"name\": \"%s\", "
	       "\"inside\": \"%s\", \"age\": %llu, \"origin\": \"%s\", ",
	       comma ? "," : "", n->k.name, addr, (unsigned long long)age_s,
	       origin);
	if (stat)
		printf("\"expires\": null, \"static\": true}");
	else
		printf("\"expires\": %llu, \"static\": false}",
		       (unsigned long long)left);
}

int phl6_print(struct ctl *c, bool json, bool first)
{
	struct names6 nm = {};
	__u64 now = mono_ns();
	size_t i;
	int err;

	err = map_walk(c->maps.phl6, sizeof(struct phl_key),
		       sizeof(struct phl6_entry), collect, &nm);
	if (err) {
		pr_err("cannot read the phl6 map: %s", strerror(-err));
		free(nm.v);
		return err;
	}
	qsort(nm.v, nm.n, sizeof(*nm.v), cmp);
	if (!json && nm.n)
		printf("\n%-40s %-39s %6s %8s %s\n", "NAME", "INSIDE (IPv6)",
		       "AGE", "EXPIRES", "ORIGIN");
	for (i = 0; i < nm.n; i++)
		print_one(&nm.v[i], now, json, !first || i);
	err = nm.n;
	free(nm.v);
	return err;
}
