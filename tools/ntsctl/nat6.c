// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl nat, IPv6: the firewall's flows (fw6, include/nts/ip6.h), one
 * line each. No translation, so no outside column: inside, remote,
 * protocol, state, idle, age and who opened it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include <nts/flow.h>
#include <nts/ip6.h>

#include "flow.h"
#include "log.h"
#include "mapwalk.h"
#include "ntsctl.h"

struct flow6 {
	struct fw6_key k;
	struct fw6_entry e;
};

struct flows6 {
	struct flow6 *v;
	size_t n, cap;
};

static int collect(const void *key, const void *value, void *ctx)
{
	struct flows6 *fl = ctx;

	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? 2 * fl->cap : 256;
		struct flow6 *v = realloc(fl->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		fl->v = v;
		fl->cap = cap;
	}
	memcpy(&fl->v[fl->n].k, key, sizeof(struct fw6_key));
	memcpy(&fl->v[fl->n].e, value, sizeof(struct fw6_entry));
	fl->n++;
	return 0;
}

static int cmp6(const void *a, const void *b)
{
	return memcmp(&((const struct flow6 *)a)->k,
		      &((const struct flow6 *)b)->k, sizeof(struct fw6_key));
}

static const char *proto6(__u8 p)
{
	static char buf[8];

	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMPV6:
		return "icmp6";
	case 44:
		return "frag";	/* a datagram's later fragments let in */
	default:
		snprintf(buf, sizeof(buf), "%u", p);
		return buf;
	}
}

/* [addr]:port, or the address alone when @port is 0 and @bare. */
static void ep6(char *buf, size_t len, const struct nts_in6 *a, __be16 port,
		bool bare)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, s, sizeof(s));
	if (bare)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "[%s]:%u", s, ntohs(port));
}

static unsigned long secs_since(__u64 now, __u64 t)
{
	return now > t ? (now - t) / 1000000000 : 0;
}

/* Print the IPv6 flows; @json: as more elements of the array (@first). */
int nat6_print(struct ctl *c, bool json, bool first)
{
	struct flows6 fl = {};
	__u64 now = mono_ns();
	char in[64], rem[64];
	size_t i;
	int err;

	err = map_walk(c->maps.fw6, sizeof(struct fw6_key),
		       sizeof(struct fw6_entry), collect, &fl);
	if (err) {
		pr_err("cannot read the fw6 map: %s", strerror(-err));
		free(fl.v);
		return err;
	}
	qsort(fl.v, fl.n, sizeof(*fl.v), cmp6);
	if (!json && fl.n)
		printf("\n%-5s %-46s %-46s %-11s %6s %6s %s\n", "PROTO",
		       "INSIDE (IPv6)", "REMOTE", "STATE", "IDLE", "AGE",
		       "ORIGIN");
	for (i = 0; i < fl.n; i++) {
		const struct flow6 *f = &fl.v[i];
		bool bare = f->k.proto != IPPROTO_TCP &&
			    f->k.proto != IPPROTO_UDP;
		__u64 last = f->e.last_out_ns > f->e.last_in_ns ?
				     f->e.last_out_ns :
				     f->e.last_in_ns;
		const char *st = flow_state_name(
			flow_state(f->k.proto, f->e.seen_out, f->e.seen_in));
		const char *origin = f->e.origin == NAT_ORIGIN_RC ? "rc" :
								   "out";

		ep6(in, sizeof(in), &f->k.inside, f->k.iport,
		    bare && f->k.proto != IPPROTO_ICMPV6);
		ep6(rem, sizeof(rem), &f->k.remote, f->k.rport, bare);
		if (json)
			printf("%s\n {\"family\": \"ipv6\", \"proto\": \"%s\", "
			       "\"inside\": \"%s\", \"remote\": \"%s\", "
			       "\"state\": \"%s\", \"idle\": %lu, \"age\": %lu, "
			       "\"origin\": \"%s\", \"reply_seen\": %s}",
			       first && !i ? "" : ",", proto6(f->k.proto), in,
			       rem, st, secs_since(now, last),
			       secs_since(now, f->e.created_ns), origin,
			       f->e.seen_in ? "true" : "false");
		else
			printf("%-5s %-46s %-46s %-11s %5lus %5lus %s\n",
			       proto6(f->k.proto), in, rem, st,
			       secs_since(now, last),
			       secs_since(now, f->e.created_ns), origin);
	}
	err = fl.n;
	free(fl.v);
	return err;
}
