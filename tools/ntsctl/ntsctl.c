// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl: show the state of a running NTS router from its pinned maps.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ntsctl.h"
#include "opts.h"
#include "pin.h"

#define F(m) OPT_FIELD(struct ctl_cfg, m)

/* clang-format off */
static const struct opt opts[] = {
	{ .name = "iface", .short_name = 'i', .type = OPT_STR,
	  .arg = "IFACE", F(ifname),
	  .def = "the only one under " NTS_PIN_ROOT,
	  .help = "the WAN interface ntsload runs on" },
	{ .name = "pin-path", .short_name = 'P', .type = OPT_STR,
	  .arg = "DIR", F(pin_path),
	  .help = "the maps are pinned in DIR (ntsload --pin-path)" },
	{ .name = "json", .short_name = 'j', .type = OPT_FLAG, F(json),
	  .help = "print JSON instead of a table" },
	{ .name = "prometheus", .type = OPT_FLAG, F(prometheus),
	  .help = "with stats: Prometheus' text format" },
	{ .name = "delta", .type = OPT_UINT, .arg = "SEC", F(delta),
	  .min = 1, .max = 3600, .def = "off",
	  .help = "with stats: only the counters that move in SEC seconds, "
		  "and how fast" },
	{ .name = "help", .short_name = 'h', .type = OPT_HELP,
	  .help = "this text" },
};

static const struct opts_prog prog = {
	.name = "ntsctl",
	.usage =
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
"  stats --delta SEC    what moves while you watch (e.g. which drop\n"
"                       counter, while you try a connection)\n"
"  stats --prometheus [FILE]\n"
"                       the same and the tables' fill in Prometheus' text\n"
"                       format; FILE: replaced whole (node_exporter's\n"
"                       textfile collector)\n"
"  status               all of it at a glance: attachment, addresses,\n"
"                       table fill levels, main counters\n"
"\n",
	.opts = opts,
	.nopts = sizeof(opts) / sizeof(opts[0]),
	.usage_on_error = true,
};
/* clang-format on */

int usage_error(const char *cmd, const char *arg)
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

void addr_port(char *buf, size_t len, __be32 addr, __be16 port)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &addr, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, ntohs(port));
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct ctl *c, int argc, char **argv);
	} cmds[] = {
		{ "nat", cmd_nat },
		{ "phl", cmd_phl },
		{ "rc", cmd_rc },
		{ "policy", cmd_policy },
		{ "stats", cmd_stats },
		{ "status", cmd_status },
	};
	struct ctl c = {};
	const char *cmd;
	char **args;
	int o, err, first, nargs = 0;
	size_t i;

	nts_log_init("ntsctl", 0);
	err = opts_parse(&prog, &c.cfg, argc, argv, &first);
	if (err > 0)
		return 0;
	if (err)
		return 2;
	if (first >= argc) {
		opts_usage(&prog, stderr);
		return 2;
	}
	c.ifname = c.cfg.ifname;
	cmd = argv[first];
	/* "ntsctl nat --json" reads as well as "ntsctl --json nat". */
	args = calloc(argc, sizeof(*args));
	if (!args)
		return 1;
	for (o = first + 1; o < argc; o++) {
		if (!strcmp(argv[o], "--json") || !strcmp(argv[o], "-j"))
			c.cfg.json = true;
		else
			args[nargs++] = argv[o];
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmd, cmds[i].name))
			break;
	if ((c.cfg.prometheus || c.cfg.delta) && strcmp(cmd, "stats")) {
		pr_err("--%s: only with stats, not with %s",
		       c.cfg.prometheus ? "prometheus" : "delta", cmd);
		return 2;
	}
	if (i == sizeof(cmds) / sizeof(cmds[0])) {
		pr_err("unknown command '%s'", cmd);
		opts_usage(&prog, stderr);
		return 2;
	}

	if (!c.cfg.pin_path && !c.ifname && find_instance(&c))
		return 1;
	if (nts_pin_dir(c.pin_dir, sizeof(c.pin_dir), c.cfg.pin_path,
			c.ifname)) {
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
