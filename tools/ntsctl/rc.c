// SPDX-License-Identifier: GPL-2.0
/* ntsctl rc: the request cache. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include <nts/rc.h>

#include "flow.h"
#include "fmt.h"
#include "log.h"
#include "mapwalk.h"
#include "ntsctl.h"

struct rcs {
	struct rc_key k[RC_MAX];
	struct rc_entry e[RC_MAX];
	size_t n;
};

static int collect_rc(const void *key, const void *value, void *ctx)
{
	struct rcs *r = ctx;

	if (r->n == RC_MAX)
		return 0;
	r->k[r->n] = *(const struct rc_key *)key;
	r->e[r->n] = *(const struct rc_entry *)value;
	r->n++;
	return 0;
}

/* A network's entry (issue 20) as GN's column shows it: 198.51.100.0/24. */
static void gn_str(const struct rc_key *k, const struct rc_entry *e,
		   bool network, char *buf, size_t len)
{
	inet_ntop(AF_INET, &k->gn, buf, len);
	if (network)
		snprintf(buf + strlen(buf), len - strlen(buf), "/%u",
			 RC_F_PLEN(e->flags));
}

void rc_used(char *buf, size_t len, __u32 flags, __u64 first_use,
	     bool network)
{
	/* A host's entry made from its network's says which length. */
	if (flags & RC_F_PREFIX && !network)
		snprintf(buf, len, "%s, of a /%u", first_use ? "yes" : "no",
			 RC_F_PLEN(flags));
	else
		snprintf(buf, len, "%s", first_use ? "yes" : "no");
}

static void print_one(const struct ctl *c, const struct rc_key *k,
		      const struct rc_entry *e, bool network, bool first,
		      __u64 now)
{
	char gn[INET_ADDRSTRLEN + 4], ext[INET_ADDRSTRLEN], in[INET_ADDRSTRLEN];
	char age[16], left[16], used[24];
	__u64 age_s = now > e->created_ns ? (now - e->created_ns) / 1000000000 :
					    0;
	long long left_ms = ((long long)e->expires_ns - (long long)now) /
			    1000000;

	gn_str(k, e, network, gn, sizeof(gn));
	inet_ntop(AF_INET, &k->ext, ext, sizeof(ext));
	inet_ntop(AF_INET, &e->inside, in, sizeof(in));
	if (c->cfg.json) {
		/* "from": the network an entry of one host was made for. */
		printf("%s\n {\"gn\": \"%s\", \"via\": \"%s\", "
		       "\"inside\": \"%s\", \"name\": \"%s\", "
		       "\"age\": %llu, \"expires_ms\": %lld, "
		       "\"used\": %s, \"network\": %s, \"from_network\": %s}",
		       first ? "" : ",", gn, ext, in, e->fqdn,
		       (unsigned long long)age_s, left_ms,
		       e->first_use_ns ? "true" : "false",
		       network ? "true" : "false",
		       !network && (e->flags & RC_F_PREFIX) ? "true" : "false");
		return;
	}
	rc_used(used, sizeof(used), e->flags, e->first_use_ns, network);
	printf("%-18s %-15s %-15s %-30s %5s %7s %s\n", gn, ext, in, e->fqdn,
	       fmt_duration(age, sizeof(age), age_s),
	       fmt_left(left, sizeof(left), left_ms), used);
}

static int collect_prefix(const void *key, const void *value, void *ctx)
{
	const struct rc_prefix_key *pk = key;
	struct rcs *r = ctx;

	if (r->n == RC_MAX)
		return 0;
	r->k[r->n] = (struct rc_key){ .gn = pk->gn, .ext = pk->ext };
	r->e[r->n] = *(const struct rc_entry *)value;
	r->n++;
	return 0;
}

int cmd_rc(struct ctl *c, int argc, char **argv)
{
	__u64 now = mono_ns();
	struct rcs *r;
	size_t i, hosts;
	int err, n6;

	if (argc)
		return usage_error("rc", argv[0]);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = map_walk(c->maps.rc, sizeof(struct rc_key),
		       sizeof(struct rc_entry), collect_rc, r);
	hosts = r->n;
	if (!err)
		err = map_walk(c->maps.rc_prefix, sizeof(struct rc_prefix_key),
			       sizeof(struct rc_entry), collect_prefix, r);
	if (err) {
		pr_err("cannot read the rc and rc_prefix maps: %s",
		       strerror(-err));
		free(r);
		return err;
	}
	if (c->cfg.json)
		printf("[");
	else
		printf("%-18s %-15s %-15s %-30s %5s %7s %s\n", "GN", "VIA",
		       "INSIDE", "NAME", "AGE", "EXPIRES", "USED");
	for (i = 0; i < r->n; i++)
		print_one(c, &r->k[i], &r->e[i], i >= hosts, !i, now);
	n6 = rc6_print(c, c->cfg.json, r->n == 0);
	if (c->cfg.json)
		printf("%s]\n", r->n || n6 > 0 ? "\n" : "");
	free(r);
	return n6 < 0 ? n6 : 0;
}
