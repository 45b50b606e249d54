// SPDX-License-Identifier: GPL-2.0
/* ntsctl nat: the NAT table, one line per flow. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "flow.h"
#include "log.h"
#include "mapwalk.h"
#include "ntsctl.h"

struct flows {
	struct flow *v;
	size_t n, cap;
	int nat_fd;
};

static int collect_flow(const void *key, const void *value, void *ctx)
{
	const struct nat_key *k = key;
	struct flows *fl = ctx;

	if (k->dir != NAT_DIR_OUT)
		return 0;
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? 2 * fl->cap : 256;
		struct flow *v = realloc(fl->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		fl->v = v;
		fl->cap = cap;
	}
	flow_from_out(&fl->v[fl->n++], fl->nat_fd, k, value);
	return 0;
}

static int flow_cmp(const void *a, const void *b)
{
	const struct flow *x = a, *y = b;

	if (x->out.saddr != y->out.saddr)
		return ntohl(x->out.saddr) < ntohl(y->out.saddr) ? -1 : 1;
	if (x->out.sport != y->out.sport)
		return ntohs(x->out.sport) < ntohs(y->out.sport) ? -1 : 1;
	return memcmp(&x->out, &y->out, sizeof(x->out));
}

int cmd_nat(struct ctl *c, int argc, char **argv)
{
	struct flows fl = { .nat_fd = c->maps.nat };
	char in[32], ext[32], rem[32];
	__u64 now = mono_ns();
	size_t i;
	int err;

	if (argc)
		return usage_error("nat", argv[0]);
	err = map_walk(c->maps.nat, sizeof(struct nat_key),
		       sizeof(struct nat_entry), collect_flow, &fl);
	if (err) {
		pr_err("cannot read the nat map: %s", strerror(-err));
		free(fl.v);
		return err;
	}
	qsort(fl.v, fl.n, sizeof(*fl.v), flow_cmp);

	if (c->cfg.json)
		printf("[");
	else
		printf("%-5s %-21s %-21s %-21s %-11s %6s %s\n", "PROTO",
		       "INSIDE", "OUTSIDE", "REMOTE", "STATE", "IDLE",
		       "ORIGIN");
	for (i = 0; i < fl.n; i++) {
		const struct flow *f = &fl.v[i];
		unsigned long idle = now > f->last_ns ?
					     (now - f->last_ns) / 1000000000 :
					     0;
		const char *origin = f->oe.origin == NAT_ORIGIN_RC ? "rc" :
								     "out";

		addr_port(in, sizeof(in), f->out.saddr, f->out.sport);
		addr_port(ext, sizeof(ext), f->oe.addr, f->oe.port);
		addr_port(rem, sizeof(rem), f->out.daddr, f->out.dport);
		if (c->cfg.json)
			printf("%s\n {\"proto\": \"%s\", \"inside\": \"%s\", "
			       "\"outside\": \"%s\", \"remote\": \"%s\", "
			       "\"state\": \"%s\", \"idle\": %lu, "
			       "\"origin\": \"%s\", \"reply_seen\": %s}",
			       i ? "," : "", proto_name(f->out.proto), in, ext,
			       rem, flow_state_name(f->state), idle, origin,
			       f->ie.seen ? "true" : "false");
		else
			printf("%-5s %-21s %-21s %-21s %-11s %5lus %s\n",
			       proto_name(f->out.proto), in, ext, rem,
			       flow_state_name(f->state), idle, origin);
	}
	/* The IPv6 firewall's flows follow, in a layout of their own. */
	err = nat6_print(c, c->cfg.json, fl.n == 0);
	if (c->cfg.json)
		printf("%s]\n", fl.n || err > 0 ? "\n" : "");
	free(fl.v);
	return err < 0 ? err : 0;
}
