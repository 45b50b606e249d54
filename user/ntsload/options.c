// SPDX-License-Identifier: GPL-2.0
/*
 * ntsload's command line: one row per option (opts.h), which parses it
 * and says it in --help. README's and the man page's tables are checked
 * against this one (selftests/install/).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nts/nat.h>
#include <nts/ip6.h>
#include <nts/rc.h>

#include "cfg.h"
#include "cidr.h"
#include "dnsname.h"
#include "log.h"
#include "opts.h"
#include "pin.h"

const char *const ntsload_mappings[] = { "eim", "adm", "apdm", NULL };
const char *const ntsload_filterings[] = { "apdf", "adf", "eif", NULL };
static const char *const policies[] = { "all", "none", NULL };

static int parse_mode(const struct opt *o, const char *arg, void *dst)
{
	(void)o;
	if (xdp_mode_parse(arg, dst)) {
		pr_err("--xdp-mode: '%s' is not native, generic or auto", arg);
		return -EINVAL;
	}
	return 0;
}

static int parse_range(const struct opt *o, const char *arg, void *dst)
{
	(void)o;
	if (port_range_parse(arg, dst)) {
		pr_err("--port-range: '%s' is not LO-HI with 1 <= LO <= HI <= "
		       "65535",
		       arg);
		return -EINVAL;
	}
	return 0;
}

/* ADDR[:PORT], port 53 by default. */
static int parse_ddns(const struct opt *o, const char *arg, void *dst)
{
	char addr[INET_ADDRSTRLEN];
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	struct nts_ddns_server *s = dst;
	unsigned long long port = 53;
	struct in_addr a;

	(void)o;
	if (n >= sizeof(addr) || (memcpy(addr, arg, n), addr[n] = '\0',
				  inet_pton(AF_INET, addr, &a) != 1)) {
		pr_err("--ddns-server: '%s' is not ADDR[:PORT] with an IPv4 "
		       "address",
		       arg);
		return -EINVAL;
	}
	if (colon &&
	    opts_uint("--ddns-server port", colon + 1, 1, 65535, &port))
		return -EINVAL;
	s->addr = a.s_addr;
	s->port = htons(port);
	return 0;
}

/* ADDR or [ADDR]:PORT, port 53 by default. */
static int parse_ddns6(const struct opt *o, const char *arg, void *dst)
{
	char addr[INET6_ADDRSTRLEN];
	struct nts_ddns6_server *s = dst;
	unsigned long long port = 53;
	const char *a = arg, *end;
	size_t n;

	(void)o;
	if (*arg == '[') {
		a = arg + 1;
		end = strchr(a, ']');
		if (!end || (end[1] && end[1] != ':'))
			goto bad;
		if (end[1] && opts_uint("--ddns-server6 port", end + 2, 1,
					65535, &port))
			return -EINVAL;
	} else {
		end = a + strlen(a);
	}
	n = end - a;
	memset(s, 0, sizeof(*s));
	if (n >= sizeof(addr))
		goto bad;
	memcpy(addr, a, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, &s->addr) != 1)
		goto bad;
	s->port = htons(port);
	return 0;
bad:
	pr_err("--ddns-server6: '%s' is not ADDR or [ADDR]:PORT with an IPv6 "
	       "address",
	       arg);
	return -EINVAL;
}

static int parse_zone(const struct opt *o, const char *arg, void *dst)
{
	(void)o;
	if (dns_name_normalize(arg, dst, PHL_NAME_MAX)) {
		pr_err("--zone: '%s' is not a domain name (labels of letters, "
		       "digits, '-' and '_')",
		       arg);
		return -EINVAL;
	}
	return 0;
}

static int parse_nts(const struct opt *o, const char *arg, void *dst)
{
	(void)o;
	if (cidr4_parse(arg, dst)) {
		pr_err("--nts-server: '%s' is not an IPv4 address or ADDR/LEN",
		       arg);
		return -EINVAL;
	}
	return 0;
}

#define F(m)	   OPT_FIELD(struct ntsload_cfg, m)
#define L(a, n)	   OPT_LIST_FIELD(struct ntsload_cfg, a, n)
#define SIZES_NOTE "; sizes apply when the maps are created"

static int parse_prefix6(const struct opt *o, const char *arg, void *dst)
{
	struct nts_cidr6 *c = dst;
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long len = 64;

	(void)o;
	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		len = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || len > 128)
			goto bad;
	}
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET6, buf, &c->net) != 1)
		goto bad;
	c->len = len;
	cidr6_clear_host(c);
	return 0;
bad:
	pr_err("--lan-prefix: '%s' is not an IPv6 PREFIX/LEN", arg);
	return -EINVAL;
}

/* clang-format off */
static const struct opt opts[] = {
	{ .name = "addr", .short_name = 'a', .type = OPT_LIST, .arg = "ADDR",
	  L(addrs.a, addrs.n), .parse = opt_ipv4, .flags = OPT_UNIQUE,
	  .what = "addresses", .def = "IFACE's addresses, followed",
	  .help = "a global address the router owns on IFACE; repeatable, "
		  "up to 8, each one of IFACE's" },
	{ .name = "snat-addr", .type = OPT_FUNC, .arg = "ADDR", F(snat),
	  .parse = opt_ipv4, .def = "the first",
	  .help = "the source of outbound NAT" },
	{ .name = "xdp-mode", .short_name = 'm', .type = OPT_FUNC,
	  .arg = "MODE", F(mode), .parse = parse_mode,
	  .def = "auto, native where the driver has it",
	  .help = "native, generic or auto" },
	{ .name = "port-range", .short_name = 'p', .type = OPT_FUNC,
	  .arg = "LO-HI", F(range), .parse = parse_range,
	  .def = "the larger stretch of 1024-65535 outside "
		 "net.ipv4.ip_local_port_range; fewer than 1024 ports there: "
		 "refused",
	  .help = "external ports for TCP, UDP and ICMP ids" },
	{ .name = "pin-path", .short_name = 'P', .type = OPT_STR,
	  .arg = "DIR", F(pin_path), .def = NTS_PIN_ROOT "/IFACE",
	  .help = "where to pin the maps; a directory with pins that are "
		  "not ntsload's is refused" },
	{ .name = "mapping", .type = OPT_ENUM, .arg = "KIND", F(mapping),
	  .names = ntsload_mappings, .dflt = NAT_MAP_EIM,
	  .help = "eim (endpoint-independent), adm (address-dependent) or "
		  "apdm (address and port)" },
	{ .name = "filtering", .type = OPT_ENUM, .arg = "KIND",
	  F(filtering), .names = ntsload_filterings, .dflt = NAT_FILT_APDF,
	  .help = "eif (endpoint-independent), adf (address-dependent) or "
		  "apdf (address and port); full cone = eim+eif, restricted "
		  "cone = eim+adf, port-restricted cone = eim+apdf, "
		  "symmetric = apdm+apdf" },
	{ .name = "hairpin", .type = OPT_FLAG, F(hairpin),
	  .help = "let inside hosts reach each other through the router's "
		  "address and mapped ports (needs --lan)" },
	{ .name = "lan", .type = OPT_STR, .arg = "IFACE", F(lan),
	  .help = "the inside interface: tc ingress there for the fast path "
		  "and --hairpin" },
	{ .name = "lan-prefix", .type = OPT_LIST, .arg = "PREFIX",
	  L(prefix6, nprefix6), .parse = parse_prefix6, .what = "prefixes",
	  .def = "the global IPv6 prefixes of --lan; none: firewall off",
	  .help = "an inside IPv6 prefix (ADDR/LEN, /64 without LEN): the "
		  "IPv6 firewall keeps unsolicited traffic from its hosts; "
		  "repeatable, up to 8" },
	{ .name = "no-fastpath", .type = OPT_FLAG, F(no_fastpath),
	  .help = "send every outbound packet through the stack; default "
		  "with --lan: packets of known flows are translated at LAN "
		  "ingress and go straight to IFACE" },
	{ .name = "pass-unsolicited-syn", .type = OPT_FLAG, F(syn_pass),
	  .help = "hand SYNs that open nothing to the router's stack (it "
		  "answers RST); default: drop them" },
	{ .name = "keep", .type = OPT_FLAG, F(keep),
	  .help = "on exit, leave the datapath attached and the maps pinned "
		  "(a restart then loses no flow)" },
	{ .name = "detach", .type = OPT_FLAG, F(detach),
	  .help = "remove a kept datapath and its maps, and exit" },
	{ .name = "udp-timeout", .type = OPT_UINT, .arg = "SEC",
	  F(to.udp), .min = 1, .max = 86400, .dflt = 300,
	  .help = "idle timeout of UDP flows" },
	{ .name = "tcp-timeout", .type = OPT_UINT, .arg = "SEC",
	  F(to.tcp_est), .min = 1, .max = 864000, .dflt = 7440,
	  .help = "of established TCP flows" },
	{ .name = "tcp-trans-timeout", .type = OPT_UINT, .arg = "SEC",
	  F(to.tcp_trans), .min = 1, .max = 86400, .dflt = 240,
	  .help = "of TCP flows being opened or closed (SYN, FIN, RST)" },
	{ .name = "icmp-timeout", .type = OPT_UINT, .arg = "SEC",
	  F(to.icmp), .min = 1, .max = 86400, .dflt = 60,
	  .help = "of ICMP echo flows" },
	{ .name = "phl-min-ttl", .type = OPT_UINT, .arg = "SEC",
	  F(phl_min_ttl), .min = 1, .max = 365 * 86400, .dflt = 86400,
	  .help = "a snooped registration lasts at least this long, or its "
		  "record's TTL if longer" },
	{ .name = "gc-interval", .type = OPT_UINT, .arg = "SEC",
	  F(gc_interval), .min = 1, .max = 3600, .dflt = 1,
	  .help = "how often idle flows are looked for" },
	{ .name = "state-dir", .type = OPT_STR, .arg = "DIR", F(state_dir),
	  .def = "none: a reboot forgets",
	  .help = "keep the PHL and the exposure policies in DIR/state, "
		  "read back at a start after a reboot" },
	{ .name = "metrics", .type = OPT_STR, .arg = "ADDR:PORT", F(metrics),
	  .def = "off",
	  .help = "serve Prometheus' GET /metrics there (e.g. "
		  "127.0.0.1:9433): the counters and the tables' fill" },
	{ .name = "max-flows", .type = OPT_UINT, .arg = "N",
	  F(sizes.flows), .min = 1024, .max = 1U << 24, .dflt = NAT_MAX_FLOWS,
	  .help = "size of the NAT table, in flows" SIZES_NOTE },
	{ .name = "max-names", .type = OPT_UINT, .arg = "N",
	  F(sizes.names), .min = 16, .max = 1U << 22, .dflt = PHL_MAX,
	  .help = "size of the PHL, in names" SIZES_NOTE },
	{ .name = "max-rc", .type = OPT_UINT, .arg = "N", F(sizes.rc),
	  .min = 16, .max = 1U << 20, .dflt = RC_MAX,
	  .help = "size of the request cache" SIZES_NOTE },
	{ .name = "max-nonces", .type = OPT_UINT, .arg = "N",
	  F(nego.replay_max), .min = 1024, .max = 1U << 26,
	  .dflt = NEGO_REPLAY_MAX,
	  .help = "NOTICE nonces remembered at once against replay; the "
		  "default bears 33,000 NOTICEs/s; 16-64 bytes each, taken "
		  "as the rate needs them" },

	{ .section = "Registrations (DNS UPDATEs of inside hosts, snooped):",
	  .name = "ddns-server", .type = OPT_LIST, .arg = "ADDR[:PORT]",
	  L(ddns, nddns), .parse = parse_ddns, .flags = OPT_UNIQUE,
	  .what = "servers", .def = "none: no names learnt",
	  .help = "learn from UPDATEs to this DDNS server (port 53 unless "
		  "given) that it answers NOERROR; repeatable, up to 8; "
		  "static names: ntsctl phl add" },
	{ .name = "ddns-server6", .type = OPT_LIST, .arg = "ADDR6",
	  L(ddns6, nddns6), .parse = parse_ddns6, .flags = OPT_UNIQUE,
	  .what = "servers", .def = "none",
	  .help = "the same for a DDNS server reached over IPv6, ADDR or "
		  "[ADDR]:PORT: its AAAA "
		  "records are learnt (needs the IPv6 firewall on, "
		  "--lan-prefix); repeatable, up to 8" },
	{ .name = "zone", .type = OPT_LIST, .arg = "NAME", L(zones, nzones),
	  .parse = parse_zone, .what = "zones",
	  .def = "any zone of the servers",
	  .help = "learn names only in this zone; repeatable, up to 64" },
	{ .name = "names-per-host", .type = OPT_UINT, .arg = "N",
	  F(names_per_host), .min = 0, .max = 1U << 22, .dflt = 16,
	  .help = "snooped names an inside host may have, 0 for no limit" },

	{ .section = "NTS-Nego (the NTS server's notices):",
	  .name = "key", .short_name = 'k', .type = OPT_LIST, .arg = "FILE",
	  L(key_files, nkey_files), .parse = opt_str, .what = "files",
	  .help = "accept NOTICEs signed with the keys in FILE, a "
		  "tsig-keygen -a hmac-sha256 key file; repeatable" },
	{ .name = "insecure", .type = OPT_FLAG, F(nego.insecure),
	  .help = "also accept unsigned NOTICEs (the paper's form)" },
	{ .name = "nts-server", .type = OPT_LIST, .arg = "CIDR",
	  L(nts, nnts), .parse = parse_nts, .what = "networks",
	  .def = "from anywhere",
	  .help = "NOTICEs only from there, the rest dropped in XDP; "
		  "repeatable, up to 8" },
	{ .name = "nego-port", .type = OPT_UINT, .arg = "PORT",
	  F(nego.port), .min = 1, .max = 65535, .dflt = NTS_NEGO_PORT,
	  .help = "UDP port on the WAN address" },
	{ .name = "rc-ttl", .type = OPT_UINT, .arg = "SEC", F(nego.rc_ttl),
	  .min = 1, .max = 3600, .dflt = 5,
	  .help = "how long an accepted NOTICE waits for GN's first packet; "
		  "after it, 1 s more" },
	{ .name = "rc-prefix-ttl", .type = OPT_UINT, .arg = "SEC",
	  F(nego.rc_prefix_ttl), .min = 1, .max = 60, .dflt = RC_PREFIX_TTL,
	  .help = "how long a NOTICE for a network (EDNS Client Subnet) "
		  "waits for its first host's packet; after it, 1 s more for "
		  "that host alone" },
	{ .name = "rc-min-prefix", .type = OPT_UINT, .arg = "LEN",
	  F(nego.rc_min_prefix), .min = 1, .max = 32, .dflt = RC_MIN_PREFIX,
	  .help = "the shortest network a NOTICE may name; shorter ones "
		  "are REFUSED" },
	{ .name = "rc-min-prefix6", .type = OPT_UINT, .arg = "LEN",
	  F(nego.rc_min_prefix6), .min = 1, .max = 128,
	  .dflt = RC_MIN_PREFIX6,
	  .help = "the shortest IPv6 network a NOTICE may name (Google "
		  "Public DNS sends /56); shorter ones are REFUSED" },
	{ .name = "unbound-window", .type = OPT_UINT, .arg = "SEC",
	  F(nego.unbound_window), .min = 0, .max = 10, .dflt = 0,
	  .def = "0: refused",
	  .help = "accept NOTICEs for anyone (0.0.0.0/0: a resolver without "
		  "EDNS Client Subnet that ntsdns --trust-resolver trusts); "
		  "the first packet from anywhere within SEC gets in. Weaker: "
		  "README \"Authoritative mode\"" },
	{ .name = "rate-gn", .type = OPT_UINT, .arg = "N", F(nego.rate_gn),
	  .min = 1, .max = 1000000, .dflt = 10,
	  .help = "NOTICEs per second per GN" },
	{ .name = "rate-name", .type = OPT_UINT, .arg = "N",
	  F(nego.rate_name), .min = 1, .max = 1000000, .dflt = 50,
	  .help = "NOTICEs per second per name" },
	{ .name = "rate-server", .type = OPT_UINT, .arg = "N",
	  F(nego.rate_server), .min = 1, .max = 100000000, .dflt = 100000,
	  .help = "authentic NOTICEs per second from one NTS server (its "
		  "source address)" },
	{ .name = "nego-threads", .type = OPT_UINT, .arg = "N",
	  F(nego.threads), .min = 1, .max = 16,
	  .def = "one per CPU ntsload may run on",
	  .help = "threads that decode, check and sign NTS-Nego messages, "
		  "the main one included; 1: no other" },
	{ .name = "inner-key", .type = OPT_LIST, .arg = "FILE",
	  L(inner_files, ninner_files), .parse = opt_str, .what = "files",
	  .help = "relay NOTICEs for hosts behind inner NTS routers to them, "
		  "signed with the key in FILE" },
	{ .name = "relay-timeout", .type = OPT_UINT, .arg = "MS",
	  F(nego.relay_timeout_ms), .min = 10, .max = 10000, .dflt = 400,
	  .help = "how long an inner router may take" },
	{ .name = "default-policy", .type = OPT_ENUM, .arg = "P",
	  F(nego.expose_none), .names = policies,
	  .help = "what a host without a policy of its own (ntsctl policy) "
		  "exposes to a negotiated GN: all (the paper's behaviour) "
		  "or none" },
	{ .name = "verbose", .short_name = 'v', .type = OPT_COUNT,
	  F(verbose),
	  .help = "more messages; twice: libbpf and verifier logs" },
	{ .name = "help", .short_name = 'h', .type = OPT_HELP,
	  .help = "this text" },
};

static const struct opts_prog prog = {
	.name = "ntsload",
	.usage =
"Usage: ntsload [OPTIONS] IFACE\n"
"       ntsload --detach [--pin-path DIR] IFACE\n"
"\n"
"Load the NTS NAT datapath onto the WAN interface IFACE: XDP on ingress,\n"
"tc on egress. Every packet that leaves IFACE with a source other than the\n"
"router's address is translated (NAPT), as iptables MASQUERADE would.\n"
"Runs in the foreground; SIGINT or SIGTERM detaches and unpins, SIGHUP\n"
"reloads the key files (-k, --inner-key), keeping the old keys on error.\n"
"\n",
	.epilog =
"Maps kept pinned (--keep) with other sizes (--max-*) are not reused:\n"
"remove them first, ntsload --detach.\n",
	.opts = opts,
	.nopts = sizeof(opts) / sizeof(opts[0]),
};
/* clang-format on */

int ntsload_parse(struct ntsload_cfg *c, int argc, char **argv)
{
	int err, first;

	err = opts_parse(&prog, c, argc, argv, &first);
	if (err)
		return err;
	if (first != argc - 1) {
		pr_err(first == argc ? "which interface? (ntsload IFACE)" :
				       "one interface only");
		opts_try(&prog);
		return -EINVAL;
	}
	c->ifname = argv[first];
	if (c->hairpin && !c->lan) {
		pr_err("--hairpin needs the inside interface: --lan IFACE");
		return -EINVAL;
	}
	return 0;
}
