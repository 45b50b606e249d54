// SPDX-License-Identifier: GPL-2.0
/* A query's life: in, forwarded, perhaps held for NTS-Nego, answered. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "addr.h"
#include "dnsbuild.h"
#include "evlog.h"
#include "fmt.h"
#include "log.h"
#include "ntsdns.h"

/* Append @c to @buf (of @len, holding @o bytes), escaped. The new @o. */
static size_t put_escaped(char *buf, size_t len, size_t o, char c)
{
	if (c)
		fmt_escape(buf + o, len - o, &c, 1);
	else if (len - o > 4)
		memcpy(buf + o, "\\x00", 5);
	return o + strlen(buf + o);
}

/*
 * "alice.example.net. A" for the log. The name is the client's: read
 * from its labels, every byte a log line must not hold escaped.
 */
const char *query_name(const struct query *q, char *buf, size_t len)
{
	const ldns_rr_list *qs = ldns_pkt_question(q->dq.pkt);
	const ldns_rr *rr =
		qs && ldns_rr_list_rr_count(qs) ? ldns_rr_list_rr(qs, 0) : NULL;
	const uint8_t *p;
	size_t n, i = 0, o = 0, l;
	char *type;

	if (!rr) {
		snprintf(buf, len, "(no question)");
		return buf;
	}
	p = ldns_rdf_data(ldns_rr_owner(rr));
	n = ldns_rdf_size(ldns_rr_owner(rr));
	buf[0] = '\0';
	while (i < n && p[i] && i + 1 + p[i] <= n) {
		for (l = p[i++]; l; l--)
			o = put_escaped(buf, len, o, p[i++]);
		o = put_escaped(buf, len, o, '.');
	}
	if (!o)
		o = put_escaped(buf, len, o, '.');
	type = ldns_rr_type2str(ldns_rr_get_type(rr));
	snprintf(buf + o, len - o, " %s", type ? type : "?");
	free(type);
	return buf;
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
	return a->udp == b->udp && addr_eq(&a->addr, &b->addr);
}

/* A retransmission of a query still in flight? */
static bool is_duplicate(struct proxy *px, const struct client *cl,
			 const struct dnsq *dq)
{
	struct query *q;

	q = LIST_FIRST(&px->dedup[dedup_hash(cl, dq->id)]);
	for (; q; q = LIST_NEXT(q, dedup)) {
		if (q->dq.id == dq->id && same_client(&q->cl, cl) &&
		    dns_same_question(q->dq.pkt, dq->pkt))
			return true;
	}
	return false;
}

static fwd_done_fn upstream_done;

/* A message from a client (listen.c's callback): true if taken. */
bool query_input(void *arg, const struct client *cl, const uint8_t *buf,
		 size_t len)
{
	struct proxy *px = arg;
	uint8_t formerr[DNS_HDR_LEN];
	char who[ADDR_STRLEN];
	struct query *q;
	struct dnsq dq;

	px->cnt.queries++;
	switch (dnsq_parse(buf, len, &dq)) {
	case DNSQ_DROP:
		px->cnt.malformed++;
		ev_debug("%s: dropped %zu bytes: not a DNS query",
			 addr_str(&cl->addr, who, sizeof(who)), len);
		return false;
	case DNSQ_FORMERR:
		px->cnt.malformed++;
		ev_debug("%s: FORMERR: a query that does not parse",
			 addr_str(&cl->addr, who, sizeof(who)));
		client_send(cl, formerr, dns_formerr(buf, formerr));
		return false;
	case DNSQ_FORWARD:
		break;
	}
	if (is_duplicate(px, cl, &dq)) {
		px->cnt.duplicates++;
		dnsq_free(&dq);
		return false;
	}
	q = calloc(1, sizeof(*q));
	if (q)
		q->fwd.wire = malloc(len);
	if (!q || !q->fwd.wire) {
		if (q)
			free(q);
		dnsq_free(&dq);
		return false; /* the client will ask again */
	}
	q->px = px;
	q->cl = *cl;
	q->dq = dq;
	memcpy(q->fwd.wire, buf, len);
	q->fwd.len = len;
	q->fwd.dq = &q->dq;
	q->fwd.whole = !cl->udp;
	q->fwd.done = upstream_done;
	LIST_INSERT_HEAD(&px->dedup[dedup_hash(cl, dq.id)], q, dedup);
	if (forward_start(px->fwd, &q->fwd))
		query_servfail(q, "too many queries in flight");
	return true;
}

/*
 * The outside host that will connect: the client, or, when the client is
 * a forwarder we trust (--trust-ecs), the host its EDNS Client Subnet
 * names. 0 (and logged) when NTS-Nego cannot say who it is.
 */
static uint32_t query_gn(struct query *q)
{
	const struct config *c = &q->px->cfg;
	char who[ADDR_STRLEN], what[QNAME_STRLEN];
	size_t i;

	for (i = 0; i < c->ntrust_ecs; i++) {
		if (!cidr4_has(&c->trust_ecs[i], &q->cl.addr))
			continue;
		if (q->dq.has_ecs32) {
			q->gn_ecs = true;
			return q->dq.ecs32;
		}
		/* The forwarder itself will not connect: say so. */
		ev_debug("%s: %s: a trusted forwarder, but no ECS /32; "
			 "negotiating for the forwarder",
			 addr_str(&q->cl.addr, who, sizeof(who)),
			 query_name(q, what, sizeof(what)));
		break;
	}
	if (q->cl.addr.ss_family != AF_INET) {
		ev_debug("%s: %s: NTS-Nego is for IPv4 clients; answered "
			 "unchanged",
			 addr_str(&q->cl.addr, who, sizeof(who)),
			 query_name(q, what, sizeof(what)));
		return 0;
	}
	return ((const struct sockaddr_in *)&q->cl.addr)->sin_addr.s_addr;
}

/* What the routers said (negotiate.c's callback): the answer goes out. */
static void held_done(struct nego_req *req, const struct nts_verdict *v,
		      unsigned int n)
{
	struct query *q = container_of(req, struct query, nego);
	uint8_t *more;

	/* An answer for the host behind the forwarder, not its others. */
	if (nts_apply(q->resp, &q->t, v, n, q->px->cfg.ttl) && q->gn_ecs) {
		more = realloc(q->resp, q->resp_len + 12);
		if (more) {
			q->resp = more;
			q->resp_len = dns_ecs_scope(q->resp, q->resp_len,
						    q->resp_len + 12, q->gn);
		}
	}
	query_reply(q);
}

/* The NTS-Nego decision; true when the answer is held for it. */
static bool negotiate(struct query *q)
{
	int rc;

	if (q->cl.udp && q->resp_len > q->dq.udp_max)
		return false; /* truncated: it comes back over TCP */
	rc = nts_target_find(q->resp, q->resp_len, q->r, &q->px->cfg.zones,
			     &q->t);
	if (rc <= 0)
		return false;
	q->gn = query_gn(q);
	q->nego.done = held_done;
	return q->gn && nego_start(q->px->nego, &q->nego, &q->t, q->gn);
}

/* The upstream's answer, or why none came (forward.c's callback). */
static void upstream_done(struct fwd_req *f, uint8_t *buf, size_t len,
			  ldns_pkt *r, const char *why)
{
	struct query *q = container_of(f, struct query, fwd);

	if (!buf) {
		query_servfail(q, why);
		return;
	}
	q->resp = buf;
	q->resp_len = len;
	q->r = r;
	if (!negotiate(q))
		query_reply(q);
}

void query_reply(struct query *q)
{
	struct proxy *px = q->px;
	size_t limit = q->cl.udp ? q->dq.udp_max : DNS_MSG_MAX, n;
	char who[ADDR_STRLEN], what[QNAME_STRLEN];
	const uint8_t *out;

	out = dns_finish(q->resp, q->resp_len, q->r, q->dq.id, limit, px->tcbuf,
			 &n);
	if (out != q->resp)
		px->cnt.truncated++;
	if (nts_verbose) {
		const ldns_lookup_table *rc = ldns_lookup_by_id(
			ldns_rcodes, ldns_pkt_get_rcode(q->r));

		ev_debug("%s: %s: %s, %u answer%s%s",
			 addr_str(&q->cl.addr, who, sizeof(who)),
			 query_name(q, what, sizeof(what)), rc ? rc->name : "?",
			 ldns_pkt_ancount(q->r),
			 ldns_pkt_ancount(q->r) == 1 ? "" : "s",
			 out != q->resp ? ", truncated" : "");
	}
	client_send(&q->cl, out, n);
	query_free(q);
}

void query_servfail(struct query *q, const char *why)
{
	struct proxy *px = q->px;
	char what[QNAME_STRLEN];

	px->cnt.servfail++;
	ev_info("SERVFAIL for %s: %s", query_name(q, what, sizeof(what)), why);
	client_send(
		&q->cl, px->tcbuf,
		dns_servfail(&q->dq, px->tcbuf,
			     q->cl.udp ? q->dq.udp_max : sizeof(px->tcbuf)));
	query_free(q);
}

void query_free(struct query *q)
{
	forward_cancel(&q->fwd);
	nego_cancel(&q->nego);
	client_done(&q->cl);
	LIST_REMOVE(q, dedup);
	dnsq_free(&q->dq);
	nts_target_free(&q->t);
	ldns_pkt_free(q->r);
	free(q->resp);
	free(q->fwd.wire);
	free(q);
}

/* At exit: whatever is still in flight or held. */
void query_free_all(struct proxy *px)
{
	struct query *q;
	size_t i;

	for (i = 0; i < DEDUP_BUCKETS; i++)
		while ((q = LIST_FIRST(&px->dedup[i])))
			query_free(q);
}
