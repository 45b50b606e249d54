// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns's command line: one row per option (opts.h), which parses it
 * and says it in --help; then the checks of the whole (an upstream that
 * is ntsdns itself). README's and the man page's tables are checked
 * against this one (selftests/install/).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <nts/config.h> /* NTS_NEGO_PORT */

#include "addr.h"
#include "log.h"
#include "options.h"
#include "opts.h"

/* glibc's stub resolver gives up on a server after 5 s: answer first. */
#define UPSTREAM_TIMEOUT_MS 3000
#define NEGO_TIMEOUT_MS	    1000
#define TCP_IDLE_MS	    10000
/* A client that means it sends its query at once (issue 22: slowloris). */
#define TCP_MSG_MS     2000
#define TCP_MAX	       1024
#define TCP_PER_CLIENT 16
/* As ntsload's NTS-Nego log: a flood of queries is not a flood of lines. */
#define LOG_RATE 20
/* One answer, one client: few NOTICEs (issue 22: no amplifier). */
#define NOTICE_MAX_DEFAULT 4
#define RATE_CLIENT	   20

static int parse_listen(const struct opt *o, const char *arg, void *dst)
{
	(void)o;
	if (addr_parse(arg, 53, dst)) {
		pr_err("--listen: '%s' is not ADDR[:PORT] (e.g. 198.51.100.53 "
		       "or [::1]:5353)",
		       arg);
		return -EINVAL;
	}
	return 0;
}

static int parse_upstream(const struct opt *o, const char *arg, void *dst)
{
	(void)o;
	if (addr_parse(arg, 53, dst)) {
		pr_err("--upstream: '%s' is not ADDR[:PORT] (e.g. "
		       "127.0.0.1:10053)",
		       arg);
		return -EINVAL;
	}
	return 0;
}

/* --trust-ecs, --trust-proxy and --trust-resolver */
static int parse_trust(const struct opt *o, const char *arg, void *dst)
{
	if (cidr4_parse(arg, dst)) {
		pr_err("--%s: '%s' is not an IPv4 ADDR[/LEN] (e.g. "
		       "198.51.100.0/24)",
		       o->name, arg);
		return -EINVAL;
	}
	return 0;
}

static int parse_v6_router(const struct opt *o, const char *arg, void *dst)
{
	char why[256];

	(void)o;
	if (v6route_parse(arg, dst, why, sizeof(why))) {
		pr_err("--v6-router: %s", why);
		return -EINVAL;
	}
	return 0;
}

#define F(m)	OPT_FIELD(struct config, m)
#define L(a, n) OPT_LIST_FIELD(struct config, a, n)

/* clang-format off */
static const struct opt opts[] = {
	{ .name = "listen", .short_name = 'l', .type = OPT_LIST,
	  .arg = "ADDR[:PORT]", L(listen, nlisten), .parse = parse_listen,
	  .def = "0.0.0.0:53",
	  .help = "answer on UDP and TCP there (repeatable); IPv6 as "
		  "[ADDR]:PORT" },
	{ .name = "upstream", .short_name = 'u', .type = OPT_LIST,
	  .arg = "ADDR[:PORT]", L(upstream, nupstream),
	  .parse = parse_upstream,
	  .help = "the resolver to forward to, required (repeatable: the "
		  "next one is tried when one is silent; port 53 unless "
		  "given)" },
	{ .name = "zone", .short_name = 'z', .type = OPT_LIST,
	  .arg = "ZONE:KEYFILE", L(zone_args, nzone_args), .parse = opt_str,
	  .help = "negotiate answers for names at or under ZONE, signed with "
		  "the key in KEYFILE (tsig-keygen -a hmac-sha256 NAME; the "
		  "router's -k); repeatable, up to 256. The key of routers "
		  "without a --keys server statement" },
	{ .name = "keys", .type = OPT_STR, .arg = "FILE", F(keys_path),
	  .help = "one key per router: named.conf's key and server "
		  "statements (server ADDR { keys { NAME; }; };); a NOTICE "
		  "to ADDR is signed with its key, to others with the "
		  "zone's; re-read on SIGHUP" },
	{ .name = "nego-port", .type = OPT_UINT, .arg = "PORT",
	  F(nego_port), .min = 1, .max = 65535, .dflt = NTS_NEGO_PORT,
	  .help = "the routers' NTS-Nego port" },
	{ .name = "nego-timeout", .type = OPT_UINT, .arg = "MS",
	  F(nego_timeout_ms), .min = 2, .max = 60000,
	  .dflt = NEGO_TIMEOUT_MS,
	  .help = "how long an answer waits for the routers; the NOTICE is "
		  "resent halfway" },
	{ .name = "ttl", .type = OPT_UINT, .arg = "SEC", F(ttl), .min = 0,
	  .max = 2147483647, .help = "TTL of negotiated A and AAAA records" },
	{ .name = "notice-max", .type = OPT_UINT, .arg = "N",
	  F(notice_max), .min = 1, .max = NOTICE_MAX,
	  .dflt = NOTICE_MAX_DEFAULT,
	  .help = "NOTICEs to N router addresses of an answer at most (up "
		  "to 16); the others go unchanged" },
	{ .name = "rate-client", .type = OPT_UINT, .arg = "N",
	  F(rate_client), .min = 0, .max = 1000000, .dflt = RATE_CLIENT,
	  .help = "NOTICEs a second per GN (bursts of 2N; 0: no limit); over "
		  "it, answers go unchanged" },
	{ .name = "nego-private", .type = OPT_FLAG, F(nego_private),
	  .help = "NOTICEs to private addresses too (10/8, 172.16/12, "
		  "192.168/16, 100.64/10); never to 0/8, 127/8, 169.254/16, "
		  "224/4, 240/4" },
	{ .name = "upstream-timeout", .type = OPT_UINT, .arg = "MS",
	  F(upstream_timeout_ms), .min = 10, .max = 600000,
	  .dflt = UPSTREAM_TIMEOUT_MS,
	  .help = "SERVFAIL when no upstream has answered by then" },
	{ .name = "tcp-idle-timeout", .type = OPT_UINT, .arg = "MS",
	  F(tcp_idle_ms), .min = 100, .max = 3600000, .dflt = TCP_IDLE_MS,
	  .help = "close client TCP connections idle that long" },
	{ .name = "tcp-msg-timeout", .type = OPT_UINT, .arg = "MS",
	  F(tcp_msg_ms), .min = 100, .max = 3600000, .dflt = TCP_MSG_MS,
	  .help = "close a client TCP connection whose message is not whole "
		  "that long after its first byte (or after connecting)" },
	{ .name = "tcp-max", .type = OPT_UINT, .arg = "N", F(tcp_max),
	  .min = 1, .max = 16384, .dflt = TCP_MAX,
	  .help = "client TCP connections at most; when full, the one idle "
		  "longest is closed" },
	{ .name = "tcp-per-client", .type = OPT_UINT, .arg = "N",
	  F(tcp_per_client), .min = 1, .max = 16384, .dflt = TCP_PER_CLIENT,
	  .help = "TCP connections from one address at most" },
	{ .name = "trust-ecs", .type = OPT_LIST, .arg = "CIDR",
	  L(trust_ecs, ntrust_ecs), .parse = parse_trust, .def = "trust none",
	  .help = "queries from there (a DNS forwarder in front of ntsdns) "
		  "name the outside host in EDNS Client Subnet: an IPv4 /32 "
		  "in it is the GN (repeatable)" },
	{ .name = "authoritative", .type = OPT_FLAG, F(authoritative),
	  .help = "in front of the zone's authoritative server (-u): the "
		  "clients are public resolvers, the GN is the network their "
		  "EDNS Client Subnet names (any client's: a network named "
		  "is only let in for that network); answers echo ECS, "
		  "scoped to it when negotiated; without ECS, not "
		  "negotiated (but see --trust-resolver)" },
	{ .name = "trust-resolver", .type = OPT_LIST, .arg = "CIDR",
	  L(trust_resolver, ntrust_resolver), .parse = parse_trust,
	  .def = "trust none",
	  .help = "--authoritative: a query from there without ECS (or "
		  "with /0) is negotiated for anyone (0.0.0.0/0): the first "
		  "to connect within the router's --unbound-window gets in "
		  "(repeatable)" },
	{ .name = "trust-proxy", .type = OPT_LIST, .arg = "CIDR",
	  L(trust_proxy, ntrust_proxy), .parse = parse_trust,
	  .def = "trust none",
	  .help = "messages from there (dnsdist with useProxyProtocol) begin "
		  "with a PROXY v2 header: its source is the client; from "
		  "there, one without it is dropped (repeatable)" },
	{ .name = "v6-router", .type = OPT_LIST, .arg = "PREFIX=ROUTER_IPv4",
	  L(v6_router, nv6_router), .parse = parse_v6_router,
	  .flags = OPT_UNIQUE, .what = "prefixes",
	  .def = "none",
	  .help = "AAAA records with an address in PREFIX (e.g. "
		  "2001:db8:1::/48=198.51.100.2) are negotiated with the "
		  "NTS router at ROUTER_IPv4 (its NTS-Nego address); the longest prefix "
		  "wins; without one, the routers at the name's A records "
		  "(repeatable)" },
	{ .name = "threads", .type = OPT_UINT, .arg = "N", F(threads),
	  .min = 1, .max = 256, .def = "the CPUs it may run on",
	  .help = "workers, each with its own sockets (SO_REUSEPORT), "
		  "upstream and NTS-Nego sockets and event loop; 1: one "
		  "loop, no other thread" },
	{ .name = "metrics", .type = OPT_STR, .arg = "ADDR:PORT", F(metrics),
	  .def = "off",
	  .help = "serve Prometheus' GET /metrics there (e.g. "
		  "127.0.0.1:9434): the counters and the negotiation "
		  "latency histogram" },
	{ .name = "log-rate", .type = OPT_UINT, .arg = "N", F(log_rate),
	  .min = 0, .max = 1000000, .dflt = LOG_RATE,
	  .help = "lines about queries, answers and routers: N a second at "
		  "most, then one line saying how many were left out (0: no "
		  "limit)" },
	{ .name = "verbose", .short_name = 'v', .type = OPT_COUNT,
	  F(verbose),
	  .help = "also a line per query, and what is ignored" },
	{ .name = "help", .short_name = 'h', .type = OPT_HELP,
	  .help = "this text" },
};

static const struct opts_prog prog = {
	.name = "ntsdns",
	.usage =
"Usage: ntsdns -u ADDR[:PORT] [-z ZONE:KEYFILE]... [OPTIONS]\n"
"\n"
"The NTS server: a DNS forwarder that, before it answers with the address\n"
"of a host in an NTS zone, tells the NTS router at that address that the\n"
"client is about to connect (NTS-Nego), so the router lets it in.\n"
"\n",
	.epilog =
"One log line per negotiation (within --log-rate). SIGUSR1 prints the\n"
"counters; SIGINT and SIGTERM print them and stop. SIGHUP re-reads the\n"
"key files (-z, --keys); if one has an error, the keys stay as they were.\n",
	.opts = opts,
	.nopts = sizeof(opts) / sizeof(opts[0]),
};
/* clang-format on */

/* Is @a an address of this host? Then a socket can be bound to it. */
static bool is_local(const struct sockaddr_storage *a)
{
	struct sockaddr_storage b = *a;
	int fd = socket(a->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool local;

	if (fd < 0)
		return false;
	if (b.ss_family == AF_INET)
		((struct sockaddr_in *)&b)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&b)->sin6_port = 0;
	local = !bind(fd, (const struct sockaddr *)&b, addr_len(&b));
	close(fd);
	return local;
}

static uint16_t port_of(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET
		       ? ((const struct sockaddr_in *)a)->sin_port
		       : ((const struct sockaddr_in6 *)a)->sin6_port;
}

/* Would a query sent to @up come back to listener @l: to ourselves? */
static bool loops(const struct sockaddr_storage *up,
		  const struct sockaddr_storage *l)
{
	if (up->ss_family != l->ss_family || port_of(up) != port_of(l))
		return false;
	return addr_eq(up, l) || (addr_is_any(l) && is_local(up));
}

/* An upstream that is ntsdns itself fills the table with its own queries. */
static int check_upstreams(const struct config *c)
{
	char u[ADDR_STRLEN], l[ADDR_STRLEN];
	size_t i, j;

	for (i = 0; i < c->nupstream; i++)
		for (j = 0; j < c->nlisten; j++) {
			if (!loops(&c->upstream[i], &c->listen[j]))
				continue;
			pr_err("--upstream %s is ntsdns itself (it listens on "
			       "%s): its queries would come back to it; give "
			       "the resolver behind it (e.g. -u "
			       "127.0.0.1:10053)",
			       addr_str(&c->upstream[i], u, sizeof(u)),
			       addr_str(&c->listen[j], l, sizeof(l)));
			return -EINVAL;
		}
	return 0;
}

/* One prefix, two routers: which one is meant cannot be guessed. */
static int check_v6_routers(const struct config *c)
{
	char net[INET6_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < c->nv6_router; i++)
		for (j = 0; j < i; j++) {
			if (c->v6_router[i].len != c->v6_router[j].len ||
			    memcmp(c->v6_router[i].prefix,
				   c->v6_router[j].prefix, 16))
				continue;
			inet_ntop(AF_INET6, c->v6_router[i].prefix, net,
				  sizeof(net));
			pr_err("--v6-router %s/%u is given twice, with two "
			       "routers: give each prefix once",
			       net, c->v6_router[i].len);
			return -EINVAL;
		}
	return 0;
}

/*
 * --authoritative takes ECS from every client, so --trust-ecs (which
 * clients' ECS to take) means nothing there; --trust-resolver means
 * nothing without it. Either is a mistake worth saying.
 */
static int check_modes(const struct config *c)
{
	if (c->authoritative && c->ntrust_ecs) {
		pr_err("--trust-ecs with --authoritative: the authoritative "
		       "mode takes every client's EDNS Client Subnet; drop "
		       "--trust-ecs (it is the forwarder mode's)");
		return -EINVAL;
	}
	if (!c->authoritative && c->ntrust_resolver) {
		pr_err("--trust-resolver without --authoritative: it says "
		       "which public resolvers stand for anyone in front of "
		       "an authoritative server; add --authoritative or drop "
		       "it");
		return -EINVAL;
	}
	return 0;
}

/* Shorter than this, a trusted network is hardly "our forwarders". */
#define TRUST_WARN_LEN 8

static void check_trust(const char *name, const struct nts_cidr4 *nets,
			size_t n, const char *what)
{
	char net[INET_ADDRSTRLEN];
	unsigned int len;
	size_t i;

	for (i = 0; i < n; i++) {
		len = __builtin_popcount(nets[i].mask);
		if (len >= TRUST_WARN_LEN)
			continue;
		inet_ntop(AF_INET, &nets[i].net, net, sizeof(net));
		pr_info("warning: --%s %s/%u: anyone with an address there "
			"can name any GN, and so have the routers let any "
			"address in; trust only the %s you run",
			name, net, len, what);
	}
}

/* The CPUs this process may run on (taskset, cgroups' cpusets). */
static unsigned int cpus(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 1;
	n = CPU_COUNT(&set);
	return n < 1 ? 1 : n > 256 ? 256 : n;
}

int config_parse(struct config *c, int argc, char **argv)
{
	int err, first;

	err = opts_parse(&prog, c, argc, argv, &first);
	if (err)
		return err;
	if (first < argc) {
		pr_err("unexpected argument '%s'", argv[first]);
		opts_try(&prog);
		return -EINVAL;
	}
	if (!c->nupstream) {
		pr_err("no upstream: give the resolver to forward to with -u "
		       "ADDR[:PORT]");
		opts_try(&prog);
		return -EINVAL;
	}
	if (!c->nlisten)
		addr_parse("0.0.0.0", 53, &c->listen[c->nlisten++]);
	if (!c->threads)
		c->threads = cpus();
	check_trust("trust-ecs", c->trust_ecs, c->ntrust_ecs, "forwarders");
	check_trust("trust-proxy", c->trust_proxy, c->ntrust_proxy,
		    "load balancers");
	check_trust("trust-resolver", c->trust_resolver, c->ntrust_resolver,
		    "resolvers");
	err = check_modes(c);
	if (err)
		return err;
	err = check_v6_routers(c);
	return err ? err : check_upstreams(c);
}

int config_zones(struct config *c)
{
	char why[512];
	size_t i;
	int err;

	if (c->keys_path && !c->nzone_args) {
		pr_err("--keys %s without -z: which names to negotiate for? "
		       "give -z ZONE:KEYFILE (its key signs NOTICEs to routers "
		       "the file has no server statement for)",
		       c->keys_path);
		return -EINVAL;
	}
	for (i = 0; i < c->nzone_args; i++) {
		err = zones_add(&c->zones, c->zone_args[i], why, sizeof(why));
		if (err) {
			pr_err("--zone: %s", why);
			return err;
		}
	}
	return 0;
}
