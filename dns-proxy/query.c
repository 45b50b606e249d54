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
	struct nts_gn gn;    /* for whom */
	bool gn_ecs;	     /* the GN is the client's ECS address */
	bool applied;	     /* a router's ACCEPT changed the answer */
	/* AAAA without --v6-router: our own query for the name's A */
	struct fwd_req fwd_a;
	struct dnsq dq_a;
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
	forward_cancel(&q->fwd_a);
	nego_cancel(&q->nego);
	client_done(&q->cl);
	LIST_REMOVE(q, dedup);
	nts_target_free(&q->t);
	free(q->resp);
	free(q->fwd.wire);
	free(q->fwd_a.wire);
	free(q);
}

/*
 * The answer without the records withheld. If ldns cannot write it, it
 * goes as it is: such a record costs GN only Happy Eyeballs' delay.
 */
static void withhold(struct query *q)
{
	uint8_t *out = malloc(DNS_MSG_MAX);
	char what[QNAME_STRLEN];
	size_t n = 0;

	if (out)
		n = nts_withhold(q->resp, q->resp_len, &q->t, out,
				 DNS_MSG_MAX);
	if (!n || dnsmsg_parse(out, n, &q->r)) {
		ev_info("%s: cannot leave the withheld records out (%s); "
			"answered unchanged",
			qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)),
			out ? "ldns does not read the answer" : "out of memory");
		free(out);
		dnsmsg_parse(q->resp, q->resp_len, &q->r);
		return;
	}
	free(q->resp);
	q->resp = out;
	q->resp_len = n;
}

/*
 * Say for which clients of the query's ECS the answer holds (RFC 7871
 * 7.2.1): its SCOPE PREFIX-LENGTH is the query's source prefix when it
 * was changed for them (a router's ACCEPT; in --authoritative mode
 * records withheld too), else 0, everyone's. --authoritative answers
 * every ECS query so; the forwarder mode (--trust-ecs) only the /32 it
 * negotiated for, as before.
 */
static void ecs_echo(struct query *q)
{
	bool auth = q->qs->px->cfg.authoritative;
	bool scoped = (q->applied && (q->gn_ecs || auth)) ||
		      (auth && nts_withheld(&q->t));
	uint8_t *more;

	if (!q->dq.has_ecs || !(auth || scoped))
		return;
	more = realloc(q->resp, q->resp_len + DNS_ECS_OPT_MAX);
	if (!more)
		return;
	q->resp = more;
	q->resp_len = dns_ecs_scope_checked(q->resp, q->resp_len,
					    q->resp_len + DNS_ECS_OPT_MAX,
					    &q->dq.ecs,
					    scoped ? q->dq.ecs.source : 0);
}

/* The upstream's answer, as it is now, to the client; then @q is gone. */
static void reply(struct query *q)
{
	struct queries *qs = q->qs;
	size_t limit = q->cl.udp ? q->dq.udp_max : DNS_MSG_MAX, n;
	char who[ADDR_STRLEN], what[QNAME_STRLEN];
	const uint8_t *out;

	if (nts_withheld(&q->t))
		withhold(q);
	ecs_echo(q);
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
	size_t before = nts_withheld(&q->t);

	/* Then the answer is for the GN (ecs_echo()), not its others. */
	q->applied = nts_apply(q->resp, &q->t, v, n, q->qs->px->cfg.ttl);
	if (nts_withheld(&q->t) > before)
		q->qs->px->cnt.withheld_refused++;
	reply(q);
}

/*
 * The family of the GN is that of its query's source: an IPv4 address
 * mapped into IPv6 (a dual-stack socket, a PROXY header) is IPv4.
 */
static bool source_gn(const struct sockaddr_storage *src, struct nts_gn *gn)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)src;

	memset(gn, 0, sizeof(*gn));
	if (src->ss_family == AF_INET) {
		gn->addr = ((const struct sockaddr_in *)src)->sin_addr.s_addr;
		return true;
	}
	if (src->ss_family != AF_INET6)
		return false;
	if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
		memcpy(&gn->addr, a6->sin6_addr.s6_addr + 12, 4);
		return true;
	}
	gn->v6 = true;
	memcpy(gn->addr6, &a6->sin6_addr, 16);
	return true;
}

/* A --trust-resolver? */
static bool trusted_resolver(const struct config *c,
			     const struct sockaddr_storage *src)
{
	size_t i;

	for (i = 0; i < c->ntrust_resolver; i++)
		if (cidr4_has(&c->trust_resolver[i], src))
			return true;
	return false;
}

/*
 * --authoritative: the client is a public resolver, and the GN is who
 * its ECS names. Any client's ECS is taken: an ECS naming a network only
 * opens the way for that network, so a client naming someone else's
 * subnet gains nothing it could not by asking from there. A network
 * (IPv4 1..31, IPv6 1..127) is a prefix GN, /32 and /128 a host. No
 * ECS, or /0 (RFC 7871 7.1.2: "don't use my address"): anyone
 * (0.0.0.0/0) if it is a --trust-resolver, else not negotiated.
 */
static bool auth_gn(struct query *q, struct nts_gn *gn)
{
	struct proxy *px = q->qs->px;
	const struct dns_ecs *e = &q->dq.ecs;
	char who[ADDR_STRLEN], what[QNAME_STRLEN];

	memset(gn, 0, sizeof(*gn));
	if (q->dq.has_ecs && e->source && e->family == DNS_ECS_V4) {
		memcpy(&gn->addr, e->addr, 4);
		gn->prefix = e->source < 32;
		gn->plen = gn->prefix ? e->source : 0;
		return true;
	}
	if (q->dq.has_ecs && e->source) {
		gn->v6 = true;
		memcpy(gn->addr6, e->addr, 16);
		gn->prefix = e->source < 128;
		gn->plen = gn->prefix ? e->source : 0;
		return true;
	}
	if (trusted_resolver(&px->cfg, &q->cl.src)) {
		gn->prefix = true; /* 0.0.0.0/0: anyone */
		return true;
	}
	px->cnt.no_ecs++;
	ev_info("%s: %s: %s from this resolver: not negotiated, answered "
		"unchanged (a GN behind it must use an NTS server as its "
		"resolver; --trust-resolver admits the first comer)",
		addr_str(&q->cl.src, who, sizeof(who)),
		qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)),
		q->dq.has_ecs ? "EDNS Client Subnet /0"
			      : "no EDNS Client Subnet");
	return false;
}

/*
 * The outside host that will connect: the client (the one a trusted
 * PROXY v2 header names, listen.c), or, when the client is a forwarder
 * we trust (--trust-ecs), the host its EDNS Client Subnet names. false
 * (and logged) when NTS-Nego cannot say who it is.
 */
static bool query_gn(struct query *q, struct nts_gn *gn)
{
	const struct config *c = &q->qs->px->cfg;
	char who[ADDR_STRLEN], what[QNAME_STRLEN];
	size_t i;

	if (c->authoritative)
		return auth_gn(q, gn);
	for (i = 0; i < c->ntrust_ecs; i++) {
		if (!cidr4_has(&c->trust_ecs[i], &q->cl.src))
			continue;
		memset(gn, 0, sizeof(*gn));
		if (dnsq_ecs32(&q->dq, &gn->addr)) {
			q->gn_ecs = true;
			return true;
		}
		/* The forwarder itself will not connect: say so. */
		ev_debug("%s: %s: a trusted forwarder, but no ECS /32; "
			 "negotiating for the forwarder",
			 addr_str(&q->cl.src, who, sizeof(who)),
			 qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)));
		break;
	}
	if (!source_gn(&q->cl.src, gn)) {
		ev_debug("%s: %s: not an IP client; answered unchanged",
			 addr_str(&q->cl.src, who, sizeof(who)),
			 qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)));
		return false;
	}
	return true;
}

/* The routers are asked; true when the answer is held for them. */
static bool start(struct query *q)
{
	q->nego.done = held_done;
	return nego_start(q->qs->nego, &q->nego, &q->t, &q->gn);
}

/*
 * AAAA records no router is known for are withheld (NODATA if none is
 * left): without an NTS router that knows of GN, its packets to that
 * address are dropped, and a record that leads to a dropped packet
 * costs Happy Eyeballs only its delay.
 */
static void withhold_unrouted(struct query *q)
{
	char what[QNAME_STRLEN];

	if (!nts_withhold_unrouted(&q->t))
		return;
	q->qs->px->cnt.withheld_no_router++;
	ev_debug("%s: AAAA withheld: no --v6-router prefix holds its "
		 "address and the name has no A record to name its router",
		 qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)));
}

/* Our A query for an AAAA answer's name came back, or did not. */
static void a_done(struct fwd_req *f, uint8_t *buf, size_t len,
		   const struct dnsmsg *r, const char *why)
{
	struct query *q = container_of(f, struct query, fwd_a);
	struct nts_target a;

	(void)why; /* then the name has no router we know of */
	if (buf && nts_target_find(buf, len, r, &q->qs->px->cfg.zones, &a) > 0)
		nts_target_fallback(&q->t, &a);
	if (buf)
		nts_target_free(&a);
	free(buf);
	withhold_unrouted(q);
	if (!start(q))
		reply(q);
}

/*
 * The routers of the AAAA records without a --v6-router prefix are
 * those of the name's A records: asked upstream, as any resolver would.
 * true when the answer waits for them.
 */
static bool ask_a(struct query *q)
{
	uint8_t wire[DNS_HDR_LEN + DNS_NAME_MAX + 4];
	size_t n = nts_a_query(q->t.fqdn, wire, sizeof(wire));

	q->fwd_a.wire = n ? malloc(n) : NULL;
	if (!q->fwd_a.wire)
		goto none;
	memcpy(q->fwd_a.wire, wire, n);
	if (dnsq_parse(q->fwd_a.wire, n, &q->dq_a) != DNSQ_FORWARD)
		goto none;
	q->fwd_a.len = n;
	q->fwd_a.dq = &q->dq_a;
	q->fwd_a.whole = true; /* every A record: over TCP if need be */
	q->fwd_a.done = a_done;
	if (forward_start(q->qs->fwd, &q->fwd_a))
		goto none;
	q->qs->px->cnt.a_lookups++;
	return true;
none:
	withhold_unrouted(q);
	return start(q);
}

/*
 * GN cannot be admitted on a family whose address we do not know: an
 * IPv4 client's AAAA, an IPv6 client's A, is withheld (NODATA), and
 * such a record would only cost Happy Eyeballs its delay.
 */
static void withhold_family(struct query *q)
{
	char who[ADDR_STRLEN], what[QNAME_STRLEN];

	nts_withhold_all(&q->t);
	q->qs->px->cnt.withheld_family++;
	ev_debug("%s: %s: %s for an %s client: withheld (NODATA)",
		 addr_str(&q->cl.src, who, sizeof(who)),
		 qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)),
		 q->t.v6 ? "AAAA" : "A", q->gn.v6 ? "IPv6" : "IPv4");
}

/*
 * --authoritative: an ECS of one family says nothing of the client's
 * address in the other, but a resolver caches and shares the answer:
 * withholding the records (as for a GN that asked itself) would withhold
 * them from everyone behind it. Unchanged, then.
 */
static void auth_other_family(struct query *q)
{
	char who[ADDR_STRLEN], what[QNAME_STRLEN];

	ev_debug("%s: %s: %s records for an %s GN: not negotiated, answered "
		 "unchanged",
		 addr_str(&q->cl.src, who, sizeof(who)),
		 qname_str(q->dq.wire, &q->dq.m, what, sizeof(what)),
		 q->t.v6 ? "AAAA" : "A", q->gn.v6 ? "IPv6" : "IPv4");
}

/* The NTS-Nego decision; true when the answer is held for it. */
static bool negotiate(struct query *q)
{
	const struct config *c = &q->qs->px->cfg;
	int rc;

	if (q->cl.udp && q->resp_len > q->dq.udp_max)
		return false; /* truncated: it comes back over TCP */
	rc = nts_target_find(q->resp, q->resp_len, &q->r, &c->zones, &q->t);
	if (rc <= 0 || !query_gn(q, &q->gn))
		return false;
	if (q->gn.v6 != q->t.v6 && c->authoritative) {
		auth_other_family(q);
		return false;
	}
	if (q->gn.v6 != q->t.v6) {
		withhold_family(q);
		return false;
	}
	if (q->t.v6 && nts_target_route6(&q->t, c->v6_router, c->nv6_router))
		return ask_a(q);
	return start(q);
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

/*
 * The same ECS, or none: a resolver asks for two networks' clients with
 * two answers to come (--authoritative), even if the IDs should meet.
 */
static bool same_ecs(const struct dnsq *a, const struct dnsq *b)
{
	if (a->has_ecs != b->has_ecs)
		return false;
	return !a->has_ecs || (a->ecs.family == b->ecs.family &&
			       a->ecs.source == b->ecs.source &&
			       !memcmp(a->ecs.addr, b->ecs.addr, 16));
}

/* A retransmission of a query still in flight? */
static bool is_duplicate(struct queries *qs, const struct client *cl,
			 const struct dnsq *dq)
{
	struct query *q;

	q = LIST_FIRST(&qs->dedup[dedup_hash(cl, dq->id)]);
	for (; q; q = LIST_NEXT(q, dedup)) {
		if (q->dq.id == dq->id && same_client(&q->cl, cl) &&
		    same_ecs(&q->dq, dq) &&
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
		ev_debug("%s: FORMERR: a query that does not parse, or a "
			 "malformed EDNS Client Subnet (RFC 7871 7.1.2)",
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
