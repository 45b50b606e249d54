// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl: show the state of a running NTS router from its pinned maps.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include <nts/phl.h>
#include <nts/rc.h>

#include "dnsname.h"
#include "flow.h"
#include "fmt.h"
#include "log.h"
#include "mapwalk.h"
#include "policy.h"
#include "pin.h"
#include "stats.h"

struct ctl {
	const char *ifname;
	const char *pin_opt;
	char pin_dir[PATH_MAX];
	bool json;
	struct nts_maps maps;
};

/* clang-format off */
static void usage(FILE *f)
{
	fprintf(f,
"Usage: ntsctl [-i IFACE | -P DIR] [--json] COMMAND\n"
"\n"
"Show the state of the NTS router running on IFACE.\n"
"\n"
"Commands:\n"
"  nat                  the NAT table: one line per flow\n"
"  phl                  the Private Host List: inside hosts by name\n"
"  phl add NAME ADDR    a static entry (a host that doesn't register)\n"
"  phl del NAME         remove an entry\n"
"  rc                   the request cache: who may connect to whom\n"
"  policy               what each host exposes to a negotiated GN\n"
"  policy set NAME SPEC  SPEC: all, none, or e.g. tcp/22,tcp/80,udp/5060,icmp\n"
"  policy del NAME      back to ntsload's --default-policy\n"
"  stats                the datapath counters\n"
"\n"
"  -i, --iface IFACE     the WAN interface ntsload runs on (default: the\n"
"                        only one under " NTS_PIN_ROOT ")\n"
"  -P, --pin-path DIR    the maps are pinned in DIR (ntsload --pin-path)\n"
"  -j, --json            print JSON instead of a table\n"
"  -h, --help            this text\n");
}
/* clang-format on */

static int usage_error(const char *cmd, const char *arg)
{
	pr_err("%s: unexpected argument '%s'", cmd, arg);
	return -EINVAL;
}

/* Without -i or -P: the only instance there is. */
static int find_instance(struct ctl *c)
{
	static char only[NAME_MAX + 1];
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(NTS_PIN_ROOT);
	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.' || de->d_type != DT_DIR)
				continue;
			snprintf(only, sizeof(only), "%s", de->d_name);
			n++;
		}
		closedir(d);
	}
	if (n == 1) {
		c->ifname = only;
		return 0;
	}
	pr_err(n ? "ntsload runs on several interfaces; choose one with -i" :
		   "no ntsload found under " NTS_PIN_ROOT
		   "; is it running? (-i IFACE, or -P DIR for --pin-path)");
	return -ENOENT;
}

static void addr_port(char *buf, size_t len, __be32 addr, __be16 port)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, ntohs(port));
}

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

static int cmd_nat(struct ctl *c, int argc, char **argv)
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

	if (c->json)
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
		if (c->json)
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
	if (c->json)
		printf("%s]\n", fl.n ? "\n" : "");
	free(fl.v);
	return 0;
}

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
	int err;

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

	if (c->json)
		printf("[");
	else
		printf("%-40s %-15s %6s %8s\n", "NAME", "INSIDE", "AGE",
		       "EXPIRES");
	for (i = 0; i < nm.n; i++) {
		const struct phl_entry *e = &nm.e[order[i]];
		bool stat = e->flags & PHL_F_STATIC;
		__u64 age_s = now > e->registered_ns ?
				      (now - e->registered_ns) / 1000000000 :
				      0;
		__u64 left = e->expires_ns > now ?
				     (e->expires_ns - now) / 1000000000 :
				     0;

		inet_ntop(AF_INET, &e->addr, addr, sizeof(addr));
		if (c->json) {
			printf("%s\n {\"name\": \"%s\", \"inside\": \"%s\", "
			       "\"age\": %llu, ",
			       i ? "," : "", nm.k[order[i]].name, addr,
			       (unsigned long long)age_s);
			if (stat)
				printf("\"expires\": null, \"static\": true}");
			else
				printf("\"expires\": %llu, \"static\": false}",
				       (unsigned long long)left);
		} else {
			printf("%-40s %-15s %6s %8s\n", nm.k[order[i]].name,
			       addr, fmt_duration(age, sizeof(age), age_s),
			       stat ? "static" :
				      fmt_duration(exp, sizeof(exp), left));
		}
	}
	if (c->json)
		printf("%s]\n", nm.n ? "\n" : "");
out:
	free(order);
	free(nm.k);
	free(nm.e);
	return err;
}

static int phl_add(struct ctl *c, const char *name, const char *addr)
{
	struct phl_entry e = { .flags = PHL_F_STATIC };
	struct phl_key k;
	struct in_addr a;

	if (dns_name_normalize(name, k.name, sizeof(k.name))) {
		pr_err("'%s' is not a host name (letters, digits, '-' and '_' "
		       "in dot-separated labels)",
		       name);
		return -EINVAL;
	}
	if (inet_pton(AF_INET, addr, &a) != 1) {
		pr_err("'%s' is not an IPv4 address", addr);
		return -EINVAL;
	}
	e.addr = a.s_addr;
	e.registered_ns = mono_ns();
	if (bpf_map_update_elem(c->maps.phl, &k, &e, BPF_ANY)) {
		pr_err("cannot add %s: %s", k.name, strerror(errno));
		return -errno;
	}
	return 0;
}

static int phl_del(struct ctl *c, const char *name)
{
	struct phl_key k;

	if (dns_name_normalize(name, k.name, sizeof(k.name))) {
		pr_err("'%s' is not a host name", name);
		return -EINVAL;
	}
	if (bpf_map_delete_elem(c->maps.phl, &k)) {
		pr_err("%s: %s", k.name,
		       errno == ENOENT ? "no such name in the PHL" :
					 strerror(errno));
		return -errno;
	}
	return 0;
}

static int cmd_phl(struct ctl *c, int argc, char **argv)
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

static int cmd_rc(struct ctl *c, int argc, char **argv)
{
	char gn[INET_ADDRSTRLEN], ext[INET_ADDRSTRLEN], in[INET_ADDRSTRLEN];
	char age[16], left[16];
	__u64 now = mono_ns();
	struct rcs *r;
	size_t i;
	int err;

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
	if (c->json)
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
		if (c->json) {
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
	if (c->json)
		printf("%s]\n", r->n ? "\n" : "");
	free(r);
	return 0;
}

static int policy_list(struct ctl *c)
{
	struct phl_key k, next;
	struct nts_policy p;
	char spec[512];
	int n = 0, err;

	if (c->json)
		printf("[");
	else
		printf("%-40s %s\n", "NAME", "EXPOSES");
	for (err = bpf_map_get_next_key(c->maps.policy, NULL, &next); !err;
	     err = bpf_map_get_next_key(c->maps.policy, &k, &next)) {
		k = next;
		if (bpf_map_lookup_elem(c->maps.policy, &k, &p))
			continue;
		policy_format(&p, spec, sizeof(spec));
		if (c->json)
			printf("%s\n {\"name\": \"%s\", \"policy\": \"%s\"}",
			       n ? "," : "", k.name, spec);
		else
			printf("%-40s %s\n", k.name, spec);
		n++;
	}
	if (c->json)
		printf("%s]\n", n ? "\n" : "");
	return 0;
}

static int cmd_policy(struct ctl *c, int argc, char **argv)
{
	struct nts_policy p;
	struct phl_key k;
	char why[256];
	bool set, del;

	if (!argc)
		return policy_list(c);
	set = !strcmp(argv[0], "set") && argc == 3;
	del = !strcmp(argv[0], "del") && argc == 2;
	if (!set && !del) {
		pr_err("usage: ntsctl policy [set NAME SPEC | del NAME]");
		return -EINVAL;
	}
	if (dns_name_normalize(argv[1], k.name, sizeof(k.name))) {
		pr_err("'%s' is not a host name", argv[1]);
		return -EINVAL;
	}
	if (del) {
		if (bpf_map_delete_elem(c->maps.policy, &k)) {
			pr_err("%s: %s", k.name,
			       errno == ENOENT ? "has no policy" :
						 strerror(errno));
			return -errno;
		}
		return 0;
	}
	if (policy_parse(argv[2], &p, why, sizeof(why))) {
		pr_err("policy: %s", why);
		return -EINVAL;
	}
	if (bpf_map_update_elem(c->maps.policy, &k, &p, BPF_ANY)) {
		pr_err("cannot set the policy of %s: %s", k.name,
		       strerror(errno));
		return -errno;
	}
	return 0;
}

static int cmd_stats(struct ctl *c, int argc, char **argv)
{
	__u64 v[NTS_STAT_MAX];
	int i, err;

	if (argc)
		return usage_error("stats", argv[0]);
	err = stats_read(c->maps.stats, v);
	if (err) {
		pr_err("cannot read the stats map: %s", strerror(-err));
		return err;
	}
	if (c->json)
		printf("{");
	for (i = 0; i < NTS_STAT_MAX; i++) {
		if (c->json)
			printf("%s\n \"%s\": %llu", i ? "," : "",
			       nts_stat_name[i], (unsigned long long)v[i]);
		else
			printf("%-16s %12llu  %s\n", nts_stat_name[i],
			       (unsigned long long)v[i], nts_stat_help[i]);
	}
	if (c->json)
		printf("\n}\n");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "pin-path", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	static const struct {
		const char *name;
		int (*fn)(struct ctl *c, int argc, char **argv);
	} cmds[] = {
		{ "nat", cmd_nat },
		{ "phl", cmd_phl },
		{ "rc", cmd_rc },
		{ "policy", cmd_policy },
		{ "stats", cmd_stats },
	};
	struct ctl c = {};
	const char *cmd;
	char **args;
	int o, err, nargs = 0;
	size_t i;

	nts_log_init("ntsctl", 0);
	while ((o = getopt_long(argc, argv, "i:P:jh", opts, NULL)) != -1) {
		switch (o) {
		case 'i':
			c.ifname = optarg;
			break;
		case 'P':
			c.pin_opt = optarg;
			break;
		case 'j':
			c.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	/* "ntsctl nat --json" reads as well as "ntsctl --json nat". */
	args = calloc(argc, sizeof(*args));
	if (!args)
		return 1;
	for (o = optind + 1; o < argc; o++) {
		if (!strcmp(argv[o], "--json") || !strcmp(argv[o], "-j"))
			c.json = true;
		else
			args[nargs++] = argv[o];
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i].name))
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0])) {
		pr_err("unknown command '%s'", cmd);
		usage(stderr);
		return 2;
	}

	if (!c.pin_opt && !c.ifname && find_instance(&c))
		return 1;
	if (nts_pin_dir(c.pin_dir, sizeof(c.pin_dir), c.pin_opt, c.ifname)) {
		pr_err("pin path too long");
		return 1;
	}
	if (nts_maps_open(&c.maps, c.pin_dir)) {
		pr_err("is ntsload running%s%s?", c.ifname ? " on " : "",
		       c.ifname ? c.ifname : "");
		return 1;
	}
	err = cmds[i].fn(&c, nargs, args);
	nts_maps_close(&c.maps);
	free(args);
	return err ? 1 : 0;
}
