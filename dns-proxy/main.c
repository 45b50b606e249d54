// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns: the NTS server. Options, start-up, signals and counters; the
 * work is in the other files (ntsdns.h lists them, query.c drives).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <event2/event.h>

#include <nts/config.h> /* NTS_NEGO_PORT */

#include "addr.h"
#include "evlog.h"
#include "log.h"
#include "ntsdns.h"
#include "query.h"

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

/* clang-format off */
static void usage(FILE *f)
{
	fprintf(f,
"Usage: ntsdns -u ADDR[:PORT] [-z ZONE:KEYFILE]... [OPTIONS]\n"
"\n"
"The NTS server: a DNS forwarder that, before it answers with the address\n"
"of a host in an NTS zone, tells the NTS router at that address that the\n"
"client is about to connect (NTS-Nego), so the router lets it in.\n"
"\n"
"  -l, --listen ADDR[:PORT]    answer on UDP and TCP there (repeatable;\n"
"                              default 0.0.0.0:53); IPv6 as [ADDR]:PORT\n"
"  -u, --upstream ADDR[:PORT]  the resolver to forward to (repeatable: the\n"
"                              next one is tried when one is silent;\n"
"                              port 53 unless given)\n"
"  -z, --zone ZONE:KEYFILE     negotiate answers for names at or under ZONE,\n"
"                              signed with the key in KEYFILE (tsig-keygen\n"
"                              -a hmac-sha256 NAME; the router's -k);\n"
"                              repeatable\n"
"      --nego-port PORT        the routers' NTS-Nego port (default 20053)\n"
"      --nego-timeout MS       how long an answer waits for the routers\n"
"                              (default 1000; the NOTICE is resent halfway)\n"
"      --ttl SEC               TTL of negotiated A records (default 0)\n"
"      --notice-max N          NOTICEs to N router addresses of an answer\n"
"                              at most (default 4, up to 16); the others\n"
"                              go unchanged\n"
"      --rate-client N         NOTICEs a second per GN (bursts of 2N;\n"
"                              default 20; 0: no limit); over it, answers\n"
"                              go unchanged\n"
"      --nego-private          NOTICEs to private addresses too (10/8,\n"
"                              172.16/12, 192.168/16, 100.64/10); never to\n"
"                              0/8, 127/8, 169.254/16, 224/4, 240/4\n"
"      --upstream-timeout MS   SERVFAIL when no upstream has answered by\n"
"                              then (default 3000)\n"
"      --tcp-idle-timeout MS   close client TCP connections idle that long\n"
"                              (default 10000)\n""      --tcp-msg-timeout MS    close a client TCP connection whose message\n"
"                              is not whole that long after its first byte\n"
"                              (or after connecting; default 2000)\n"
"      --tcp-max N             client TCP connections at most; when full,\n"
"                              the one idle longest is closed (default 1024)\n"
"      --tcp-per-client N      TCP connections from one address at most\n"
"                              (default 16)\n"
"      --trust-ecs CIDR        queries from there (a DNS forwarder in front\n"
"                              of ntsdns) name the outside host in EDNS\n"
"                              Client Subnet: an IPv4 /32 in it is the GN\n"
"                              (repeatable; default: trust none)\n"
"      --log-rate N            lines about queries, answers and routers:\n"
"                              N a second at most, then one line saying how\n"
"                              many were left out (default 20; 0: no limit)\n"
"  -v, --verbose               also a line per query, and what is ignored\n"
"  -h, --help                  this text\n"
"\n"
"One log line per negotiation (within --log-rate). SIGUSR1 prints the\n"
"counters; SIGINT and SIGTERM print them and stop.\n");
}
/* clang-format on */

enum {
	OPT_NEGO_PORT = 256,
	OPT_NEGO_TIMEOUT,
	OPT_TTL,
	OPT_UPSTREAM_TIMEOUT,
	OPT_TCP_IDLE,
	OPT_TRUST_ECS,
	OPT_LOG_RATE,
	OPT_NOTICE_MAX,
	OPT_RATE_CLIENT,
	OPT_NEGO_PRIVATE,
	OPT_TCP_MSG,
	OPT_TCP_MAX,
	OPT_TCP_PER_CLIENT,
};

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static int number(const char *opt, const char *s, unsigned long min,
		  unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*s && !*end && !errno && *out >= min && *out <= max && s[0] != '-')
		return 0;
	pr_err("%s: '%s' is not a number from %lu to %lu", opt, s, min, max);
	return -EINVAL;
}

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

/* Shorter than this, a --trust-ecs network is hardly "our forwarders". */
#define TRUST_ECS_WARN_LEN 8

static void check_trust_ecs(const struct config *c)
{
	char net[INET_ADDRSTRLEN];
	unsigned int len;
	size_t i;

	for (i = 0; i < c->ntrust_ecs; i++) {
		len = __builtin_popcount(c->trust_ecs[i].mask);
		if (len >= TRUST_ECS_WARN_LEN)
			continue;
		inet_ntop(AF_INET, &c->trust_ecs[i].net, net, sizeof(net));
		pr_info("warning: --trust-ecs %s/%u: anyone with an address "
			"there can name any GN, and so have the routers let "
			"any address in; trust only the forwarders you run",
			net, len);
	}
}

static int parse(struct config *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "zone", required_argument, NULL, 'z' },
		{ "nego-port", required_argument, NULL, OPT_NEGO_PORT },
		{ "nego-timeout", required_argument, NULL, OPT_NEGO_TIMEOUT },
		{ "ttl", required_argument, NULL, OPT_TTL },
		{ "upstream-timeout", required_argument, NULL,
		  OPT_UPSTREAM_TIMEOUT },
		{ "tcp-idle-timeout", required_argument, NULL, OPT_TCP_IDLE },
		{ "trust-ecs", required_argument, NULL, OPT_TRUST_ECS },
		{ "log-rate", required_argument, NULL, OPT_LOG_RATE },
		{ "notice-max", required_argument, NULL, OPT_NOTICE_MAX },
		{ "rate-client", required_argument, NULL, OPT_RATE_CLIENT },
		{ "nego-private", no_argument, NULL, OPT_NEGO_PRIVATE },
		{ "tcp-msg-timeout", required_argument, NULL, OPT_TCP_MSG },
		{ "tcp-max", required_argument, NULL, OPT_TCP_MAX },
		{ "tcp-per-client", required_argument, NULL,
		  OPT_TCP_PER_CLIENT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned long v;
	char why[512];
	int o;

	while ((o = getopt_long(argc, argv, "l:u:z:vh", opts, NULL)) != -1) {
		switch (o) {
		case 'l':
			if (c->nlisten == MAX_LISTEN) {
				pr_err("--listen: %d at most", MAX_LISTEN);
				return -EINVAL;
			}
			if (addr_parse(optarg, 53, &c->listen[c->nlisten++])) {
				pr_err("--listen: '%s' is not ADDR[:PORT] "
				       "(e.g. 198.51.100.53 or [::1]:5353)",
				       optarg);
				return -EINVAL;
			}
			break;
		case 'u':
			if (c->nupstream == MAX_UPSTREAM) {
				pr_err("--upstream: %d at most", MAX_UPSTREAM);
				return -EINVAL;
			}
			if (addr_parse(optarg, 53,
				       &c->upstream[c->nupstream++])) {
				pr_err("--upstream: '%s' is not ADDR[:PORT] "
				       "(e.g. 127.0.0.1:10053)",
				       optarg);
				return -EINVAL;
			}
			break;
		case 'z':
			if (zones_add(&c->zones, optarg, why, sizeof(why))) {
				pr_err("--zone: %s", why);
				return -EINVAL;
			}
			break;
		case OPT_NEGO_PORT:
			if (number("--nego-port", optarg, 1, 65535, &v))
				return -EINVAL;
			c->nego_port = v;
			break;
		case OPT_NEGO_TIMEOUT:
			if (number("--nego-timeout", optarg, 2, 60000, &v))
				return -EINVAL;
			c->nego_timeout_ms = v;
			break;
		case OPT_TTL:
			if (number("--ttl", optarg, 0, 2147483647, &v))
				return -EINVAL;
			c->ttl = v;
			break;
		case OPT_UPSTREAM_TIMEOUT:
			if (number("--upstream-timeout", optarg, 10, 600000,
				   &v))
				return -EINVAL;
			c->upstream_timeout_ms = v;
			break;
		case OPT_TCP_IDLE:
			if (number("--tcp-idle-timeout", optarg, 100, 3600000,
				   &v))
				return -EINVAL;
			c->tcp_idle_ms = v;
			break;
		case OPT_TRUST_ECS:
			if (c->ntrust_ecs == MAX_TRUST_ECS) {
				pr_err("--trust-ecs: %d at most",
				       MAX_TRUST_ECS);
				return -EINVAL;
			}
			if (cidr4_parse(optarg,
					&c->trust_ecs[c->ntrust_ecs++])) {
				pr_err("--trust-ecs: '%s' is not an IPv4 "
				       "ADDR[/LEN] (e.g. 198.51.100.0/24)",
				       optarg);
				return -EINVAL;
			}
			break;
		case OPT_LOG_RATE:
			if (number("--log-rate", optarg, 0, 1000000, &v))
				return -EINVAL;
			c->log_rate = v;
			break;
		case OPT_NOTICE_MAX:
			if (number("--notice-max", optarg, 1, NOTICE_MAX, &v))
				return -EINVAL;
			c->notice_max = v;
			break;
		case OPT_RATE_CLIENT:
			if (number("--rate-client", optarg, 0, 1000000, &v))
				return -EINVAL;
			c->rate_client = v;
			break;
		case OPT_NEGO_PRIVATE:
			c->nego_private = true;
			break;
		case OPT_TCP_MSG:
			if (number("--tcp-msg-timeout", optarg, 100, 3600000,
				   &v))
				return -EINVAL;
			c->tcp_msg_ms = v;
			break;
		case OPT_TCP_MAX:
			if (number("--tcp-max", optarg, 1, 16384, &v))
				return -EINVAL;
			c->tcp_max = v;
			break;
		case OPT_TCP_PER_CLIENT:
			if (number("--tcp-per-client", optarg, 1, 16384, &v))
				return -EINVAL;
			c->tcp_per_client = v;
			break;
		case 'v':
			c->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "Try 'ntsdns --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s'", argv[optind]);
		fprintf(stderr, "Try 'ntsdns --help'.\n");
		return -EINVAL;
	}
	if (!c->nupstream) {
		pr_err("no upstream: give the resolver to forward to with -u "
		       "ADDR[:PORT]");
		fprintf(stderr, "Try 'ntsdns --help'.\n");
		return -EINVAL;
	}
	if (!c->nlisten)
		addr_parse("0.0.0.0", 53, &c->listen[c->nlisten++]);
	check_trust_ecs(c);
	return check_upstreams(c);
}

static void counters_print(const struct proxy *px)
{
	const struct counters *c = &px->cnt;

	pr_info("counters: queries %llu, negotiated %llu, accepted %llu, "
		"rejected %llu, refused %llu, timeouts %llu, servfail %llu, "
		"malformed %llu, truncated %llu, duplicates %llu, "
		"upstream_ignored %llu, nego_ignored %llu, nego_errors %llu, "
		"suppressed_addr %llu, suppressed_private %llu, "
		"suppressed_max %llu, suppressed_rate %llu, tcp_refused %llu, "
		"tcp_closed_slow %llu, tcp_evicted %llu, upstream_tcp %llu, "
		"log_left_out %llu",
		c->queries, c->negotiated, c->accepted, c->rejected, c->refused,
		c->timeouts, c->servfail, c->malformed, c->truncated,
		c->duplicates, c->upstream_ignored, c->nego_ignored,
		c->nego_errors, c->suppressed_addr, c->suppressed_private,
		c->suppressed_max, c->suppressed_rate, c->tcp_refused,
		c->tcp_closed_slow, c->tcp_evicted, c->upstream_tcp,
		c->log_left_out);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct proxy *px = arg;

	(void)what;
	if (sig == SIGUSR1) {
		counters_print(px);
		return;
	}
	event_base_loopbreak(px->base);
}

/* Each query may hold a client and an upstream TCP socket. */
static void more_files(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Append to @line (of @size bytes) what fits. */
__attribute__((format(printf, 3, 4))) static void
append(char *line, size_t size, const char *fmt, ...)
{
	size_t n = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, size - n, fmt, ap);
	va_end(ap);
}

static void started(const struct proxy *px)
{
	const struct config *c = &px->cfg;
	char line[4096] = "listening on", a[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < c->nlisten; i++)
		append(line, sizeof(line), "%s %s", i ? "," : "",
		       addr_str(&c->listen[i], a, sizeof(a)));
	append(line, sizeof(line), " (UDP, TCP); upstream");
	for (i = 0; i < c->nupstream; i++)
		append(line, sizeof(line), "%s %s", i ? "," : "",
		       addr_str(&c->upstream[i], a, sizeof(a)));
	append(line, sizeof(line), "; NTS zones:");
	for (i = 0; i < c->zones.n; i++)
		append(line, sizeof(line), "%s %s (key %s)", i ? "," : "",
		       c->zones.zone[i].name,
		       zones_key(&c->zones, &c->zones.zone[i])->name);
	if (!c->zones.n)
		append(line, sizeof(line), " none (a plain forwarder)");
	append(line, sizeof(line), "; NTS-Nego port %u, timeout %u ms, TTL %u",
	       c->nego_port, c->nego_timeout_ms, c->ttl);
	append(line, sizeof(line), "; NOTICEs: %u routers an answer, ",
	       c->notice_max);
	if (c->rate_client)
		append(line, sizeof(line), "%u/s a GN", c->rate_client);
	else
		append(line, sizeof(line), "no limit a GN");
	append(line, sizeof(line), "%s",
	       c->nego_private ? ", private addresses too" : "");
	pr_info("%s", line);
}

int main(int argc, char **argv)
{
	static struct proxy px = {
		.cfg = {
			.nego_port = NTS_NEGO_PORT,
			.nego_timeout_ms = NEGO_TIMEOUT_MS,
			.upstream_timeout_ms = UPSTREAM_TIMEOUT_MS,
			.tcp_idle_ms = TCP_IDLE_MS,
			.tcp_msg_ms = TCP_MSG_MS,
			.tcp_max = TCP_MAX,
			.tcp_per_client = TCP_PER_CLIENT,
			.log_rate = LOG_RATE,
			.notice_max = NOTICE_MAX_DEFAULT,
			.rate_client = RATE_CLIENT,
		},
	};
	struct event *sigs[3] = {};
	struct queries *qs = NULL;
	static const int signo[3] = { SIGINT, SIGTERM, SIGUSR1 };
	int rc = 1;
	size_t i;

	nts_log_init("ntsdns", 0);
	if (parse(&px.cfg, argc, argv)) {
		zones_free(&px.cfg.zones);
		return 2;
	}
	nts_log_init("ntsdns", px.cfg.verbose);
	signal(SIGPIPE, SIG_IGN);
	more_files();
	px.base = event_base_new();
	if (!px.base) {
		pr_err("cannot set up the event loop (libevent)");
		goto out;
	}
	for (i = 0; i < 3; i++) {
		sigs[i] = evsignal_new(px.base, signo[i], on_signal, &px);
		if (!sigs[i] || event_add(sigs[i], NULL))
			goto out;
	}
	if (evlog_init(&px))
		goto out;
	qs = queries_open(&px);
	if (!qs)
		goto out;
	started(&px);
	event_base_dispatch(px.base);
	evlog_fini(); /* what was left out, before the counters */
	counters_print(&px);
	rc = 0;
out:
	evlog_fini();
	queries_close(qs);
	for (i = 0; i < 3; i++)
		if (sigs[i])
			event_free(sigs[i]);
	if (px.base)
		event_base_free(px.base);
	zones_free(&px.cfg.zones);
	if (!rc)
		pr_info("stopped");
	return rc;
}
