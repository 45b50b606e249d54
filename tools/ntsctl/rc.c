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

int cmd_rc(struct ctl *c, int argc, char **argv)
{
	char gn[INET_ADDRSTRLEN], ext[INET_ADDRSTRLEN], in[INET_ADDRSTRLEN];
	char age[16], left[16];
	__u64 now = mono_ns();
	struct rcs *r;
	size_t i;
	int err, n6;

	if (argc)
		return usage_error("rc", argv[0]);
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	err = map_walk(c->maps.rc, sizeof(struct rc_key),
		       sizeof(struct rc_entry), collect_rc, r);
	if (err) {
		pr_err("cannot read the rc map: %s", strerror(-err));
		free(r);
		return err;
	}
	if (c->cfg.json)
		printf("[");
	else
		printf("%-15s %-15s %-15s %-30s %5s %7s %s\n", "GN", "VIA",
		       "INSIDE", "NAME", "AGE", "EXPIRES", "USED");
	for (i = 0; i < r->n; i++) {
		const struct rc_entry *e = &r->e[i];
		__u64 age_s = now > e->created_ns ?
				      (now - e->created_ns) / 1000000000 :
				      0;
		long long left_ms = ((long long)e->expires_ns - (long long)now) /
				    1000000;

		inet_ntop(AF_INET, &r->k[i].gn, gn, sizeof(gn));
		inet_ntop(AF_INET, &r->k[i].ext, ext, sizeof(ext));
		inet_ntop(AF_INET, &e->inside, in, sizeof(in));
		if (c->cfg.json) {
			printf("%s\n {\"gn\": \"%s\", \"via\": \"%s\", "
			       "\"inside\": \"%s\", \"name\": \"%s\", "
			       "\"age\": %llu, \"expires_ms\": %lld, "
			       "\"used\": %s}",
			       i ? "," : "", gn, ext, in, e->fqdn,
			       (unsigned long long)age_s, left_ms,
			       e->first_use_ns ? "true" : "false");
		} else {
			if (left_ms > 0)
				snprintf(left, sizeof(left), "%lld.%llds",
					 left_ms / 1000, left_ms % 1000 / 100);
			else
				snprintf(left, sizeof(left), "expired");
			printf("%-15s %-15s %-15s %-30s %5s %7s %s\n", gn, ext,
			       in, e->fqdn, fmt_duration(age, sizeof(age), age_s),
			       left, e->first_use_ns ? "yes" : "no");
		}
	}
	n6 = rc6_print(c, c->cfg.json, r->n == 0);
	if (c->cfg.json)
		printf("%s]\n", r->n || n6 > 0 ? "\n" : "");
	free(r);
	return n6 < 0 ? n6 : 0;
}
