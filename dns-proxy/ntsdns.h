/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntsdns, the NTS server: a DNS forwarder that, before it answers a name
 * in an NTS zone, tells the router at the answer's address who is about
 * to connect (NTS-Nego, DESIGN sections 1 and 3). This header is what
 * its parts share: the settings, the counters, the event loop. Each part
 * has a header of its own:
 *
 *   main.c       start-up, the workers (--threads), signals, counters
 *   options.c    the command line: its option table, then its checks
 *   query.c      the driver: a query's life, from message to answer
 *   listen.c     clients: UDP and TCP sockets, framing, answers out
 *   proxy2.c     the PROXY v2 header of --trust-proxy senders (fuzzed)
 *   forward.c    upstreams: IDs, retries, UDP and TCP, timeouts
 *   uptcp.c      upstream TCP connections, kept open and shared
 *   negotiate.c  NTS-Nego: NOTICEs out, answers in, verdicts back
 *   dnswire.c    DNS messages parsed and walked, no sockets (fuzzed)
 *   dnsbuild.c   the answers ntsdns makes: FORMERR, SERVFAIL, TC (fuzzed)
 *   target.c     which answers are negotiated, and their rewrite (fuzzed)
 *   zones.c      the -z zones and their keys (fuzzed)
 *   v6route.c    --v6-router: the router an AAAA record's address is behind
 *   keytab.c     the keys NOTICEs are signed with, reloaded on SIGHUP
 *   qname.c      questions as the log writes them
 *   addr.c       socket addresses as options and the log write them
 *   evlog.c      log lines about events, rate-limited
 *   sock.c       socket options the listeners and upstreams share
 *
 * Calls go one way: query.c calls listen.c, forward.c and negotiate.c
 * by name (and forward.c calls uptcp.c); they call no one back by
 * name, but report through the callbacks they were given (a message,
 * an answer, the verdicts).
 */
#ifndef NTSDNS_H
#define NTSDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>

#include "addr.h"
#include "v6route.h"
#include "zones.h"

#define MAX_LISTEN    16
#define MAX_UPSTREAM  16
#define MAX_ZONES     256
#define MAX_TRUST_ECS 16
#define MAX_TRUST_PROXY 16
#define MAX_TRUST_RESOLVER 16
#define MAX_V6_ROUTER 256
/* Routers notified about one answer: --notice-max's largest value. */
#define NOTICE_MAX 16

/* The struct of type @type whose @member @ptr points to. */
#define container_of(ptr, type, member)                \
	({                                             \
		char *p_ = (char *)(ptr);              \
		(type *)(p_ - offsetof(type, member)); \
	})

struct config {
	struct sockaddr_storage listen[MAX_LISTEN];
	size_t nlisten;
	struct sockaddr_storage upstream[MAX_UPSTREAM];
	size_t nupstream;
	/* -z ZONE:KEYFILE as given; zones is made from them at start */
	const char *zone_args[MAX_ZONES];
	size_t nzone_args;
	struct nts_zones zones;
	/* --keys FILE: named.conf's key and server statements */
	const char *keys_path;
	/* Forwarders whose EDNS Client Subnet /32 names the GN. */
	struct nts_cidr4 trust_ecs[MAX_TRUST_ECS];
	size_t ntrust_ecs;
	/*
	 * --authoritative: clients are public resolvers, the GN is the
	 * network their ECS names; a --trust-resolver without ECS stands
	 * for anyone (0.0.0.0/0).
	 */
	bool authoritative;
	struct nts_cidr4 trust_resolver[MAX_TRUST_RESOLVER];
	size_t ntrust_resolver;
	/* Senders whose PROXY v2 header names the client (dnsdist). */
	struct nts_cidr4 trust_proxy[MAX_TRUST_PROXY];
	size_t ntrust_proxy;
	/* --v6-router: the router an AAAA record's address is behind */
	struct nts_v6route v6_router[MAX_V6_ROUTER];
	size_t nv6_router;
	uint16_t nego_port;
	unsigned int nego_timeout_ms;
	unsigned int upstream_timeout_ms;
	unsigned int tcp_idle_ms;
	unsigned int tcp_msg_ms;     /* for a message, from its first byte */
	unsigned int tcp_max;	     /* client connections */
	unsigned int tcp_per_client; /* from one address */
	uint32_t ttl;
	unsigned int notice_max;  /* router addresses notified per answer */
	unsigned int rate_client; /* NOTICEs a second per GN; 0: no limit */
	bool nego_private;	  /* NOTICEs to RFC 1918 and 100.64/10 too */
	unsigned int log_rate;	  /* event lines a second; 0: all */
	unsigned int threads;	  /* workers; 0 until config_parse() */
	const char *metrics;	  /* --metrics ADDR:PORT, or NULL */
	int verbose;
};

/*
 * The counters, printed on SIGUSR1 and at exit ("counters: queries N,
 * ...", in this order) and served by --metrics: name, what it counts.
 */
#define NTSDNS_COUNTERS(X)                                                     \
	X(queries, "queries received")                                         \
	X(negotiated, "answers negotiated with routers")                       \
	X(accepted, "negotiations a router ACCEPTed")                          \
	X(rejected, "negotiations a router REJECTed (no such host)")           \
	X(refused, "negotiations a router REFUSED")                            \
	X(timeouts, "negotiations without an answer in time")                  \
	X(servfail, "SERVFAIL answers sent")                                   \
	X(malformed, "messages dropped as malformed")                          \
	X(truncated, "answers sent truncated (TC)")                            \
	X(duplicates, "retransmitted queries joined to one in flight")         \
	X(upstream_ignored, "upstream answers that matched no query")          \
	X(nego_ignored, "NTS-Nego answers that matched no NOTICE")             \
	X(nego_errors, "NOTICEs that could not be sent")                       \
	X(suppressed_addr, "NOTICEs not sent: not a unicast address")          \
	X(suppressed_private, "NOTICEs not sent: a private address")           \
	X(suppressed_max, "NOTICEs not sent: past the per-query limit")        \
	X(suppressed_rate, "NOTICEs not sent: the client's rate limit")        \
	X(tcp_refused, "TCP connections refused: past the limits")             \
	X(tcp_closed_slow, "TCP connections closed: too slow")                 \
	X(tcp_evicted, "TCP connections closed for a new one")                 \
	X(upstream_tcp, "queries asked upstream again over TCP")               \
	X(proxied, "messages with a PROXY v2 header from --trust-proxy")       \
	X(proxy_untrusted, "PROXY headers from untrusted senders, dropped")    \
	X(proxy_bad, "messages of --trust-proxy senders without a header")     \
	X(log_left_out, "log lines left out by the rate limit")               \
	X(withheld_family, "answers whose NTS records were withheld (NODATA): " \
			   "A to an IPv6 client, AAAA to an IPv4 one")         \
	X(withheld_no_router, "AAAA answers with records withheld: no "         \
			      "--v6-router prefix, no A record of the name")   \
	X(withheld_refused, "AAAA answers with records withheld: the router " \
			    "REFUSED the IPv6 NOTICE")                         \
	X(a_lookups, "A queries of ntsdns's own for an AAAA answer's routers") \
	X(ecs_prefix, "NOTICEs for a network an ECS named (--authoritative)")  \
	X(unbound, "NOTICEs for anyone: a --trust-resolver without ECS")      \
	X(no_ecs, "NTS answers not negotiated: a resolver without ECS")       \
	X(ecs_v6_prefix, "of ecs_prefix, NOTICEs for an IPv6 network (ECS "   \
			 "/56)")

/* Bounds (ms) of the negotiation latency histogram; then +Inf. */
#define NEGO_HIST_BOUNDS { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000 }
#define NEGO_HIST_N	 12

#define NTSDNS_COUNTER_FIELD(name, help) unsigned long long name;
/* All unsigned long long: summed across workers field by field. */
struct counters {
	NTSDNS_COUNTERS(NTSDNS_COUNTER_FIELD)
	/* A router's answer, NOTICE sent to verdict: by bound, and summed. */
	unsigned long long nego_hist[NEGO_HIST_N];
	unsigned long long nego_ms_sum;
};
#undef NTSDNS_COUNTER_FIELD


struct event_base;
struct keytab;
struct rate_slot;

/*
 * What the workers of --threads 2 and more share (main.c): the limits
 * that are the whole server's, not a worker's. None with --threads 1.
 */
struct shared {
	unsigned int nworkers;
	/* negotiate.c: the --rate-client buckets, under rate_lock */
	pthread_mutex_t rate_lock;
	struct rate_slot *rate;
	/* listen.c: client TCP connections, all and by address slot */
	atomic_uint tcp_conns;
	atomic_uint *tcp_host;
	uint32_t tcp_seed;
};

/*
 * What every part is given: the settings, the counters, the loop. One
 * for each worker (--threads): the settings are copies, their zones and
 * keys the same ones, read only; the counters and the loop its own.
 */
struct proxy {
	struct config cfg;
	struct counters cnt;
	struct event_base *base;
	/* The keys now (keytab.h): the worker's reference, swapped on SIGHUP. */
	struct keytab *keys;
	unsigned int worker; /* 0 .. --threads - 1 */
	struct shared *sh;   /* NULL with --threads 1 */
};

uint64_t now_ms(void);

#endif /* NTSDNS_H */
