// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl: show the state of a running NTS router from its pinned maps.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "flow.h"
#include "log.h"
#include "mapwalk.h"
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
"  nat      the NAT table: one line per flow\n"
"  stats    the datapath counters\n"
"\n"
"  -i, --iface IFACE     the WAN interface ntsload runs on (default: the\n"
"                        only one under " NTS_PIN_ROOT ")\n"
"  -P, --pin-path DIR    the maps are pinned in DIR (ntsload --pin-path)\n"
"  -j, --json            print JSON instead of a table\n"
"  -h, --help            this text\n");
}
/* clang-format on */

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

static int cmd_nat(struct ctl *c)
{
	struct flows fl = { .nat_fd = c->maps.nat };
	char in[32], ext[32], rem[32];
	__u64 now = mono_ns();
	size_t i;
	int err;

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

static int cmd_stats(struct ctl *c)
{
	__u64 v[NTS_STAT_MAX];
	int i, err;

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
		int (*fn)(struct ctl *c);
	} cmds[] = {
		{ "nat", cmd_nat },
		{ "stats", cmd_stats },
	};
	struct ctl c = {};
	const char *cmd;
	size_t i;
	int o, err;

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
	for (o = optind + 1; o < argc; o++) {
		if (!strcmp(argv[o], "--json") || !strcmp(argv[o], "-j")) {
			c.json = true;
		} else {
			pr_err("%s: unexpected argument '%s'", cmd, argv[o]);
			return 2;
		}
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
	err = cmds[i].fn(&c);
	nts_maps_close(&c.maps);
	return err ? 1 : 0;
}
