// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl rc, IPv6: rc6's entries after the IPv4 ones. No VIA column:
 * without NAT, GN reaches the inside address itself.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nts/ip6.h>
#include <nts/rc.h>

#include "flow.h"
#include "fmt.h"
#include "log.h"
#include "mapwalk.h"
#include "ntsctl.h"

struct rc6s {
	struct rc6_key k[RC6_MAX];
	struct rc6_entry e[RC6_MAX];
	size_t n;
};

static int collect(const void *key, const void *value, void *ctx)
{
	struct rc6s *r = ctx;

	if (r->n == RC6_MAX)
		return 0;
	memcpy(&r->k[r->n], key, sizeof(r->k[0]));
	memcpy(&r->e[r->n], value, sizeof(r->e[0]));
	r->n++;
	return 0;
}

/* An IPv6 network's entry (issue 20), its key as rc6's. */
static int collect_prefix(const void *key, const void *value, void *ctx)
{
	const struct rc6_prefix_key *pk = key;
	struct rc6_key k = { .gn = pk->gn, .inside = pk->inside };

	return collect(&k, value, ctx);
}

static void print_one(const struct rc6_key *k, const struct rc6_entry *e,
		      bool network, __u64 now, bool json, bool comma)
{
	char gn[INET6_ADDRSTRLEN + 4], in[INET6_ADDRSTRLEN], age[16], left[16];
	char used[24];
	__u64 age_s = now > e->created_ns ?
			      (now - e->created_ns) / 1000000000 : 0;
	long long left_ms =
		((long long)e->expires_ns - (long long)now) / 1000000;

	inet_ntop(AF_INET6, &k->gn, gn, sizeof(gn));
	if (network)
		snprintf(gn + strlen(gn), sizeof(gn) - strlen(gn), "/%u",
			 RC_F_PLEN(e->flags));
	inet_ntop(AF_INET6, &k->inside, in, sizeof(in));
	if (json) {
		printf("%s\n {\"family\": \"ipv6\", \"gn\": \"%s\", "
		       "\"inside\": \"%s\", \"name\": \"%s\", \"age\": %llu, "
		       "\"expires_ms\": %lld, \"used\": %s, \"network\": %s, "
		       "\"from_network\": %s}",
		       comma ? "," : "", gn, in, e->fqdn,
		       (unsigned long long)age_s, left_ms,
		       e->first_use_ns ? "true" : "false",
		       network ? "true" : "false",
		       !network && (e->flags & RC_F_PREFIX) ? "true" : "false");
		return;
	}
	rc_used(used, sizeof(used), e->flags, e->first_use_ns, network);
	printf("%-43s %-39s %-30s %5s %7s %s\n", gn, in, e->fqdn,
	       fmt_duration(age, sizeof(age), age_s),
	       fmt_left(left, sizeof(left), left_ms), used);
}

int rc6_print(struct ctl *c, bool json, bool first)
{
	__u64 now = mono_ns();
	struct rc6s *r;
	size_t i, hosts;
	int err;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = map_walk(c->maps.rc6, sizeof(struct rc6_key),
		       sizeof(struct rc6_entry), collect, r);
	hosts = r->n;
	if (!err)
		err = map_walk(c->maps.rc6_prefix, sizeof(struct rc6_prefix_key),
			       sizeof(struct rc6_entry), collect_prefix, r);
	if (err) {
		pr_err("cannot read the rc6 and rc6_prefix maps: %s",
		       strerror(-err));
		free(r);
		return err;
	}
	if (!json && r->n)
		printf("\n%-43s %-39s %-30s %5s %7s %s\n", "GN (IPv6)",
		       "INSIDE", "NAME", "AGE", "EXPIRES", "USED");
	for (i = 0; i < r->n; i++)
		print_one(&r->k[i], &r->e[i], i >= hosts, now, json,
			  !first || i);
	err = r->n;
	free(r);
	return err;
}
