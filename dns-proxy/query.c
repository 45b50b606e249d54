// SPDX-License-Identifier: GPL-2.0
/*
 * The driver: a query's life, and the only file that sees all of it.
 * listen.c hands a message up (query_input); it is parsed, forwarded
 * (forward.c tells upstream_done), decided on (target.c, query_gn),
 * perhaps held for NTS-Nego (negotiate.c tells held_done), answered and
 * freed, here and only here. The modules are called by name from here
 * and report back only through the callbacks they were given.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <netinet/in.h>

#include "addr.h"
#include "dnsbuild.h"
#include "dnswire.h"
#include "evlog.h"
#include "forward.h"
#include "listen.h"
#include "log.h"
#include "negotiate.h"
#include "ntsdns.h"
#include "qname.h"
#include "query.h"
#include "target.h"

#define DEDUP_BUCKETS 4096

struct query {
	struct queries *qs;
	struct client cl;
	struct dnsq dq;
	struct fwd_req fwd;   /* forward.c's, while upstream */
	struct nego_req nego; /* negotiate.c's, while held */
	/* The upstream's answer, once it came. */
	uint8_t *resp;
	size_t resp_len;
	struct dnsmsg r;     /* read from it */
	struct nts_target t; /* the records negotiated */
	uint32_t gn;	     /* for whom */
	bool gn_ecs;	     /* the GN is the client's ECS address */
	LIST_ENTRY(query) dedup;
};

struct queries {
	struct proxy *px;
	struct listener *listen;
	struct forwarder *fwd;
	struct nego *nego;
	LIST_HEAD(, query) dedup[DEDUP_BUCKETS];
	uint8_t tcbuf[DNS_MSG_MAX]; /* room for a truncated answer */
};

static void query_free(struct query *q)
{
	forward_cancel(&q->fwd);
	nego_cancel(&q->nego);
	client_done(&q->cl);
	LIST_REMOVE(q, dedup);
	nts_target_free(&q->t);
	free(q->resp);
	free(q->fwd.wire);
	free(q);
}

/* The upstream's answer, as it is now, to the client; then @q is gone. */
static void reply(struct query *q)
{
	struct queries *qs = q->qs;
	size_t limit = q->cl.udp ? q->dq.udp_max : DNS_MSG_MAX, n;
	char who[ADDR_STRLEN], what[QNAME_STRLEN];
	const uint8_t *out;

	out = dns_finish(q->resp, q->resp_len, q->dq.id, limit, qs->tcbuf, &n);
	if (out != q->resp)
		qs->px->cnt.truncated++;
	if (nts_verbose) {
		const ldns_lookup_table *rc =
			ldns_lookup_by_id(ldns_rcodes, q->r.rcode);

		ev_debug("%s: %s: %s, %u answer%s%s",
			 addr_str(&q->cl.src, who, sizeof(who)),
			 qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)),
			 rc ? rc->name : "?", q->r.ancount,
			 q->r.ancount == 1 ? "" : "s",
			 out != q->resp ? ", truncated" : "");
	}
	client_send(&q->cl, out, n);
	query_free(q);
}

static void servfail(struct query *q, const char *why)
{
	struct queries *qs = q->qs;
	char what[QNAME_STRLEN];

	qs->px->cnt.servfail++;
	ev_info("SERVFAIL for %s: %s",
		qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)), why);
	client_send(
		&q->cl, qs->tcbuf,
		dns_servfail(&q->dq, qs->tcbuf,
			     q->cl.udp ? q->dq.udp_max : sizeof(qs->tcbuf)));
	query_free(q);
}

/* What the routers said (negotiate.c's callback): the answer goes out. */
static void held_done(struct nego_req *req, const struct nts_verdict *v,
		      unsigned int n)
{
	struct query *q = container_of(req, struct query, nego);
	uint8_t *more;

	/* An answer for the host behind the forwarder, not its others. */
	if (nts_apply(q->resp, &q->t, v, n, q->qs->px->cfg.ttl) && q->gn_ecs) {
		more = realloc(q->resp, q->resp_len + 12);
		if (more) {
			q->resp = more;
			q->resp_len = dns_ecs_scope_checked(
				q->resp, q->resp_len, q->resp_len + 12, q->gn);
		}
	}
	reply(q);
}

/*
 * The outside host that will connect: the client (the one a trusted
 * PROXY v2 header names, listen.c), or, when the client is a forwarder
 * we trust (--trust-ecs), the host its EDNS Client Subnet names. 0 (and logged) when NTS-Nego cannot say who it is.
 */
static uint32_t query_gn(struct query *q)
{
	const struct config *c = &q->qs->px->cfg;
	char who[ADDR_STRLEN], what[QNAME_STRLEN];
	size_t i;

	for (i = 0; i < c->ntrust_ecs; i++) {
		if (!cidr4_has(&c->trust_ecs[i], &q->cl.src))
			continue;
		if (q->dq.has_ecs32) {
			q->gn_ecs = true;
			return q->dq.ecs32;
		}
		/* The forwarder itself will not connect: say so. */
		ev_debug("%s: %s: a trusted forwarder, but no ECS /32; "
			 "negotiating for the forwarder",
			 addr_str(&q->cl.src, who, sizeof(who)),
			 qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)));
		break;
	}
	if (q->cl.src.ss_family != AF_INET) {
		ev_debug("%s: %s: NTS-Nego is for IPv4 clients; answered "
			 "unchanged",
			 addr_str(&q->cl.src, who, sizeof(who)),
			 qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)));
		return 0;
	}
	return ((const struct sockaddr_in *)&q->cl.src)->sin_addr.s_addr;
}

/* The NTS-Nego decision; true when the answer is held for it. */
static bool negotiate(struct query *q)
{
	struct queries *qs = q->qs;
	int rc;

	if (q->cl.udp && q->resp_len > q->dq.udp_max)
		return false; /* truncated: it comes back over TCP */
	rc = nts_target_find(q->resp, q->resp_len, &q->r, &qs->px->cfg.zones,
			     &q->t);
	if (rc <= 0)
		return false;
	q->gn = query_gn(q);
	q->nego.done = held_done;
	return q->gn && nego_start(qs->nego, &q->nego, &q->t, q->gn);
}

/* The upstream's answer, or why none came (forward.c's callback). */
static void upstream_done(struct fwd_req *f, uint8_t *buf, size_t len,
			  const struct dnsmsg *r, const char *why)
{
	struct query *q = container_of(f, struct query, fwd);

	if (!buf) {
		servfail(q, why);
		return;
	}
	q->resp = buf;
	q->resp_len = len;
	q->r = *r;
	if (!negotiate(q))
		reply(q);
}

static unsigned int dedup_hash(const struct client *cl, uint16_t id)
{
	const uint8_t *p = (const uint8_t *)&cl->addr;
	unsigned int h = id * 0x9e3779b1u, i;

	/* Family, port and address: the start of either sockaddr. */
	for (i = 0; i < addr_len(&cl->addr); i++)
		h = (h ^ p[i]) * 16777619u;
	h ^= (unsigned int)(uintptr_t)cl->tcp;
	return h % DEDUP_BUCKETS;
}

static bool same_client(const struct client *a, const struct client *b)
{
	if (a->tcp || b->tcp)
		return a->tcp == b->tcp;
	return a->udp == b->udp && addr_eq(&a->addr, &b->addr) &&
	       addr_eq(&a->src, &b->src);
}

/* A retransmission of a query still in flight? */
static bool is_duplicate(struct queries *qs, const struct client *cl,
			 const struct dnsq *dq)
{
	struct query *q;

	q = LIST_FIRST(&qs->dedup[dedup_hash(cl, dq->id)]);
	for (; q; q = LIST_NEXT(q, dedup)) {
		if (q->dq.id == dq->id && same_client(&q->cl, cl) &&
		    dns_same_question(q->dq.wire, &q->dq.m, dq->wire, &dq->m))
			return true;
	}
	return false;
}

/* A message from a client (listen.c's callback): true if taken. */
static bool query_input(void *arg, const struct client *cl, const uint8_t *buf,
			size_t len)
{
	struct queries *qs = arg;
	struct counters *cnt = &qs->px->cnt;
	uint8_t formerr[DNS_HDR_LEN];
	char who[ADDR_STRLEN];
	struct query *q;
	struct dnsq dq;

	cnt->queries++;
	switch (dnsq_parse(buf, len, &dq)) {
	case DNSQ_DROP:
		cnt->malformed++;
		ev_debug("%s: dropped %zu bytes: not a DNS query",
			 addr_str(&cl->src, who, sizeof(who)), len);
		return false;
	case DNSQ_FORMERR:
		cnt->malformed++;
		ev_debug("%s: FORMERR: a query that does not parse",
			 addr_str(&cl->src, who, sizeof(who)));
		client_send(cl, formerr, dns_formerr(buf, formerr));
		return false;
	case DNSQ_FORWARD:
		break;
	}
	if (is_duplicate(qs, cl, &dq)) {
		cnt->duplicates++;
		return false;
	}
	q = calloc(1, sizeof(*q));
	if (q)
		q->fwd.wire = malloc(len);
	if (!q || !q->fwd.wire) {
		free(q);
		return false; /* the client will ask again */
	}
	q->qs = qs;
	q->cl = *cl;
	q->dq = dq;
	memcpy(q->fwd.wire, buf, len);
	q->dq.wire = q->fwd.wire; /* @buf is listen.c's */
	q->fwd.len = len;
	q->fwd.dq = &q->dq;
	q->fwd.whole = !cl->udp;
	q->fwd.done = upstream_done;
	LIST_INSERT_HEAD(&qs->dedup[dedup_hash(cl, dq.id)], q, dedup);
	if (forward_start(qs->fwd, &q->fwd))
		servfail(q, "too many queries in flight");
	return true;
}

struct queries *queries_open(struct proxy *px)
{
	struct queries *qs = calloc(1, sizeof(*qs));
	size_t i;

	if (!qs) {
		pr_err("cannot start: out of memory");
		return NULL;
	}
	qs->px = px;
	for (i = 0; i < DEDUP_BUCKETS; i++)
		LIST_INIT(&qs->dedup[i]);
	/* Clients last: a query must find the rest ready. */
	qs->fwd = forward_init(px);
	qs->nego = qs->fwd ? nego_init(px) : NULL;
	qs->listen = qs->nego ? listen_open(px, query_input, qs) : NULL;
	if (!qs->listen) {
		queries_close(qs);
		return NULL;
	}
	return qs;
}

/* Whatever is still in flight or held goes unanswered. */
void queries_close(struct queries *qs)
{
	struct query *q;
	size_t i;

	if (!qs)
		return;
	/* Connections first: then a query's end reads no more from them. */
	listen_close(qs->listen);
	for (i = 0; i < DEDUP_BUCKETS; i++)
		while ((q = LIST_FIRST(&qs->dedup[i])))
			query_free(q);
	nego_fini(qs->nego);
	forward_fini(qs->fwd);
	free(qs);
}
