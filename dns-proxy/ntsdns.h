/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntsdns, the NTS server: a DNS forwarder that, before it answers a name
 * in an NTS zone, tells the router at the answer's address who is about
 * to connect (NTS-Nego, DESIGN sections 1 and 3). What its parts share:
 *
 *   listen.c     clients: UDP and TCP sockets, framing, answers out
 *   query.c      a query's life: in, forwarded, maybe held, answered
 *   forward.c    upstreams: IDs, retries, UDP and TCP, timeouts
 *   negotiate.c  NTS-Nego: NOTICEs out, answers in, the held answer
 *   dnswire.c    DNS messages parsed and walked, no sockets (fuzzed)
 *   dnsbuild.c   the answers ntsdns makes: FORMERR, SERVFAIL, TC (fuzzed)
 *   target.c     which answers are negotiated, and their rewrite (fuzzed)
 *   evlog.c      log lines about events, rate-limited
 */
#ifndef NTSDNS_H
#define NTSDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <event2/event.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "addr.h"
#include "dnswire.h"
#include "forward.h"
#include "listen.h"
#include "negotiate.h"
#include "target.h"
#include "zones.h"

#define MAX_LISTEN    16
#define MAX_UPSTREAM  16
#define MAX_TRUST_ECS 16
#define DEDUP_BUCKETS 4096
/* Routers notified about one answer: --notice-max's largest value. */
#define NOTICE_MAX 16

/* The struct of type @type whose @member @ptr points to. */
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct config {
	struct sockaddr_storage listen[MAX_LISTEN];
	size_t nlisten;
	struct sockaddr_storage upstream[MAX_UPSTREAM];
	size_t nupstream;
	struct nts_zones zones;
	/* Forwarders whose EDNS Client Subnet /32 names the GN. */
	struct nts_cidr4 trust_ecs[MAX_TRUST_ECS];
	size_t ntrust_ecs;
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
	int verbose;
};

/* Printed on SIGUSR1 and at exit; see counters_print() for meanings. */
struct counters {
	unsigned long long queries;
	unsigned long long negotiated;
	unsigned long long accepted;
	unsigned long long rejected;
	unsigned long long refused;
	unsigned long long timeouts;
	unsigned long long servfail;
	unsigned long long malformed;
	unsigned long long truncated;
	unsigned long long duplicates;
	unsigned long long upstream_ignored;
	unsigned long long nego_ignored;
	unsigned long long nego_errors;
	unsigned long long suppressed_addr;
	unsigned long long suppressed_private;
	unsigned long long suppressed_max;
	unsigned long long suppressed_rate;
	unsigned long long tcp_refused;
	unsigned long long tcp_closed_slow;
	unsigned long long tcp_evicted;
	unsigned long long upstream_tcp;
	unsigned long long log_left_out;
};

struct query {
	struct proxy *px;
	struct client cl;
	struct dnsq dq;
	struct fwd_req fwd;
	/* The upstream's answer, once it came. */
	uint8_t *resp;
	size_t resp_len;
	ldns_pkt *r;
	struct nego_req nego;
	struct nts_target t; /* the records negotiated */
	uint32_t gn;	     /* for whom */
	bool gn_ecs;	     /* the GN is the client's ECS address */
	LIST_ENTRY(query) dedup;
};

struct proxy {
	struct config cfg;
	struct event_base *base;
	struct counters cnt;
	struct listener *listen;
	struct forwarder *fwd;
	LIST_HEAD(, query) dedup[DEDUP_BUCKETS];
	struct nego *nego;
	/* Room for a truncated answer. */
	uint8_t tcbuf[DNS_MSG_MAX];
};

/* query.c */
bool query_input(void *arg, const struct client *cl, const uint8_t *buf,
		 size_t len);
void query_servfail(struct query *q, const char *why);
void query_reply(struct query *q);
void query_free(struct query *q);
void query_free_all(struct proxy *px);
/* Room for query_name(): an escaped name and a type. */
#define QNAME_STRLEN (4 * 255 + 32)
const char *query_name(const struct query *q, char *buf, size_t len);



uint64_t now_ms(void);

#endif /* NTSDNS_H */
