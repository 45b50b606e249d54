// SPDX-License-Identifier: GPL-2.0
/* Which answers are negotiated, and the rewrite the routers allow. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dnsname.h"
#include "dnswire.h"
#include "target.h"

/* A one-RDATA record of @type, class IN, owned by @name (decompressed). */
static bool is_in(const uint8_t *m, const struct dnsrr *rr, uint16_t type,
		  const uint8_t *name, size_t nlen)
{
	uint8_t owner[DNS_NAME_MAX];
	size_t olen;

	/* RDLENGTH 0: ldns reads no RDATA, and neither does NTS. */
	if (rr->type != type || rr->class != LDNS_RR_CLASS_IN || !rr->rdlength)
		return false;
	olen = dns_name_get(m, SIZE_MAX, rr->owner, owner, NULL);
	return dns_name_eq(owner, olen, name, nlen);
}

/*
 * The owner of the A records: the question's name (in @name, @nlen
 * bytes) after its CNAMEs, in place. false: a loop, or too long a chain.
 */
static bool final_name(const uint8_t *m, const struct dnsmsg *r,
		       uint8_t name[DNS_NAME_MAX], size_t *nlen)
{
	struct dnsrr rr;
	size_t hops, i, pos;

	for (hops = 0; hops < DNS_CNAME_MAX; hops++) {
		pos = r->an_off;
		for (i = 0; i < r->ancount; i++) {
			dnsmsg_rr(m, &pos, &rr);
			if (is_in(m, &rr, LDNS_RR_TYPE_CNAME, name, *nlen))
				break;
		}
		if (i == r->ancount)
			return true;
		/* A parsed CNAME's RDATA is one name, whole. */
		*nlen = dns_name_get(m, SIZE_MAX, rr.rdata, name, NULL);
	}
	return false;
}

/*
 * @name as NTS-Nego carries it, or -EINVAL if it isn't a host name. Read
 * from the labels, not through ldns_rdf2str(): that is printf and malloc
 * for every A answer, and a label it would have to escape is no host
 * name anyway.
 */
static int nego_name(const uint8_t *p, size_t n, char out[256])
{
	size_t i = 0, o = 0;
	char text[256];

	while (i < n && p[i]) {
		size_t l = p[i++];

		if (l > 63 || i + l > n || o + l + 1 >= sizeof(text))
			return -EINVAL;
		if (memchr(p + i, '.', l) || memchr(p + i, '\0', l))
			return -EINVAL;
		if (o)
			text[o++] = '.';
		memcpy(text + o, p + i, l);
		o += l;
		i += l;
	}
	text[o] = '\0';
	return dns_name_normalize(text, out, 256);
}

/* The question's type, if it is one NTS negotiates: A, AAAA, else 0. */
static uint16_t nts_qtype(const struct dnsmsg *r)
{
	if (r->qtype == LDNS_RR_TYPE_A || r->qtype == LDNS_RR_TYPE_AAAA)
		return r->qtype;
	return 0;
}

/* The records of @type owned by @name in @r's answer, into @t. */
static int collect(const uint8_t *buf, const struct dnsmsg *r, uint16_t type,
		   const uint8_t *name, size_t nlen, struct nts_target *t)
{
	struct dnsrr rr;
	size_t i, pos;

	t->rr = calloc(r->ancount, sizeof(*t->rr));
	if (!t->rr)
		return -ENOMEM;
	pos = r->an_off;
	for (i = 0; i < r->ancount; i++) {
		dnsmsg_rr(buf, &pos, &rr);
		/* Parsed: an A record's RDATA is 4 bytes, AAAA 16, or none. */
		if (!is_in(buf, &rr, type, name, nlen))
			continue;
		t->rr[t->n].ttl_off = rr.ttl_off;
		t->rr[t->n].index = i;
		if (type == LDNS_RR_TYPE_A) {
			memcpy(&t->rr[t->n].addr, buf + rr.rdata, 4);
			t->rr[t->n].router = t->rr[t->n].addr;
		} else {
			memcpy(t->rr[t->n].addr6, buf + rr.rdata, 16);
		}
		t->n++;
	}
	return 0;
}

int nts_target_find(const uint8_t *buf, size_t len, const struct dnsmsg *r,
		    const struct nts_zones *zs, struct nts_target *t)
{
	uint16_t type = nts_qtype(r);
	uint8_t name[DNS_NAME_MAX];
	size_t nlen;
	int rc;

	(void)len; /* dnsr_parse() read all @r says within it */
	memset(t, 0, sizeof(*t));
	/* A complete, positive answer to one A or AAAA question. */
	if (!zs->n || r->opcode != LDNS_PACKET_QUERY ||
	    r->rcode != LDNS_RCODE_NOERROR || r->tc || r->qdcount != 1 ||
	    !r->ancount || !type || r->qclass != LDNS_RR_CLASS_IN)
		return 0;
	nlen = dns_name_get(buf, SIZE_MAX, r->q_off, name, NULL);
	if (!final_name(buf, r, name, &nlen))
		return 0;
	rc = nego_name(name, nlen, t->fqdn);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	t->zone = zones_match(zs, t->fqdn);
	if (!t->zone)
		return 0;
	t->v6 = type == LDNS_RR_TYPE_AAAA;
	if (collect(buf, r, type, name, nlen, t))
		return -ENOMEM;
	if (!t->n)
		nts_target_free(t);
	return t->n ? 1 : 0;
}

void nts_target_free(struct nts_target *t)
{
	free(t->rr);
	t->rr = NULL;
	t->n = 0;
}

size_t nts_target_route6(struct nts_target *t,
			 const struct nts_v6route *routes, size_t n)
{
	const struct nts_v6route *m;
	size_t i, none = 0;

	for (i = 0; t->v6 && i < t->n; i++) {
		m = v6route_match(routes, n, t->rr[i].addr6);
		t->rr[i].router = m ? m->router : 0;
		none += !m;
	}
	return none;
}

size_t nts_target_fallback(struct nts_target *t, const struct nts_target *a)
{
	size_t i, j;

	if (!t->v6 || a->v6 || strcmp(t->fqdn, a->fqdn))
		return t->nfallback;
	for (i = 0; i < a->n && t->nfallback < NTS_FALLBACK_MAX; i++) {
		for (j = 0; j < t->nfallback; j++)
			if (t->fallback[j] == a->rr[i].addr)
				break;
		if (j == t->nfallback)
			t->fallback[t->nfallback++] = a->rr[i].addr;
	}
	return t->nfallback;
}

/* Add @a to the @n distinct addresses in @out, if new and there is room. */
static size_t add_router(uint32_t *out, size_t n, size_t max, uint32_t a)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (out[i] == a)
			return n;
	if (n < max)
		out[n++] = a;
	return n;
}

size_t nts_target_routers(const struct nts_target *t, uint32_t *out,
			  size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < t->n; i++) {
		if (t->rr[i].withhold)
			continue;
		if (!t->v6 || t->rr[i].router) {
			n = add_router(out, n, max, t->rr[i].router);
			continue;
		}
		for (j = 0; j < t->nfallback; j++)
			n = add_router(out, n, max, t->fallback[j]);
	}
	return n;
}

size_t nts_a_query(const char *fqdn, uint8_t *out, size_t cap)
{
	static const uint8_t hdr[DNS_HDR_LEN] = { 0, 0, 0x01, 0, 0, 1 };
	size_t o = DNS_HDR_LEN, l;
	const char *p = fqdn, *dot;

	if (cap < DNS_HDR_LEN + DNS_NAME_MAX + 4)
		return 0;
	memcpy(out, hdr, sizeof(hdr));
	while (*p) {
		dot = strchr(p, '.');
		l = dot ? (size_t)(dot - p) : strlen(p);
		if (!l || l > 63 || o + 1 + l >= DNS_HDR_LEN + DNS_NAME_MAX)
			return 0;
		out[o++] = l;
		memcpy(out + o, p, l);
		o += l;
		p += l + !!dot;
	}
	if (o == DNS_HDR_LEN)
		return 0;
	out[o++] = 0;
	memcpy(out + o, "\0\x01\0\x01", 4); /* A, IN */
	return o + 4;
}

void nts_withhold_all(struct nts_target *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		t->rr[i].withhold = true;
}

size_t nts_withhold_unrouted(struct nts_target *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		if (!t->rr[i].router && !t->nfallback && !t->rr[i].withhold) {
			t->rr[i].withhold = true;
			n++;
		}
	return n;
}

size_t nts_withheld(const struct nts_target *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->n; i++)
		n += t->rr[i].withhold;
	return n;
}

static bool withheld_at(const struct nts_target *t, size_t index)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->rr[i].index == index)
			return t->rr[i].withhold;
	return false;
}

/*
 * With every record of @t's type withheld, their RRSIGs go too: a
 * signature over an RRset the answer no longer has helps no one.
 */
static bool sig_withheld(const struct nts_target *t, const ldns_rr_list *an,
			 const ldns_rr *rr)
{
	const ldns_rr *first = ldns_rr_list_rr(an, t->rr[0].index);
	ldns_rr_type type = t->v6 ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
	const ldns_rdf *covered;

	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG || !first ||
	    nts_withheld(t) != t->n)
		return false;
	covered = ldns_rr_rrsig_typecovered(rr);
	return covered && ldns_rdf2rr_type(covered) == type &&
	       !ldns_dname_compare(ldns_rr_owner(rr), ldns_rr_owner(first));
}

/*
 * Records are taken out by ldns, not in place: the names after them may
 * point into them, and ldns writes every name again. The rare path: an
 * answer a router could not make good, or the other family's.
 */
size_t nts_withhold(const uint8_t *buf, size_t len, const struct nts_target *t,
		    uint8_t *out, size_t cap)
{
	ldns_pkt *p = dns_ldns_parse(buf, len);
	ldns_rr_list *an, *keep;
	uint8_t *w = NULL;
	size_t i, n = 0;

	if (!p)
		return 0;
	an = ldns_pkt_answer(p);
	keep = ldns_rr_list_new();
	for (i = 0; keep && i < ldns_rr_list_rr_count(an); i++)
		if (!withheld_at(t, i) &&
		    !sig_withheld(t, an, ldns_rr_list_rr(an, i)))
			ldns_rr_list_push_rr(keep,
					     ldns_rr_clone(ldns_rr_list_rr(an, i)));
	if (keep) {
		ldns_pkt_set_answer(p, keep);
		ldns_pkt_set_ancount(p, ldns_rr_list_rr_count(keep));
		ldns_rr_list_deep_free(an);
		/* We changed it: no longer what was validated. */
		ldns_pkt_set_ad(p, false);
		if (ldns_pkt2wire(&w, p, &n) != LDNS_STATUS_OK || n > cap)
			n = 0;
		if (n)
			memcpy(out, w, n);
	}
	free(w);
	ldns_pkt_free(p);
	return n;
}

void nts_rewrite(uint8_t *buf, const struct nts_rr *rr, uint32_t ttl,
		 const void *addr, bool v6)
{
	uint32_t be = htonl(ttl);

	memcpy(buf + rr->ttl_off, &be, 4);
	if (addr)
		memcpy(buf + rr->ttl_off + 6, addr, v6 ? 16 : 4);
}

/* Is @router one that @rr is to be negotiated with? */
static bool asks(const struct nts_target *t, const struct nts_rr *rr,
		 uint32_t router)
{
	size_t i;

	/* An A record's router is its address, whatever it is. */
	if (!t->v6 || rr->router)
		return rr->router == router;
	for (i = 0; i < t->nfallback; i++)
		if (t->fallback[i] == router)
			return true;
	return false;
}

/* Of @v, the ACCEPT for @rr, else a REFUSED one, else NULL. */
static const struct nts_verdict *verdict_of(const struct nts_target *t,
					    const struct nts_rr *rr,
					    const struct nts_verdict *v,
					    unsigned int n)
{
	const struct nts_verdict *refused = NULL;
	unsigned int j;

	for (j = 0; j < n; j++) {
		if (!asks(t, rr, v[j].router))
			continue;
		if (v[j].accept)
			return &v[j];
		if (v[j].refused && !refused)
			refused = &v[j];
	}
	return refused;
}

unsigned int nts_apply(uint8_t *buf, struct nts_target *t,
		       const struct nts_verdict *v, unsigned int n,
		       uint32_t ttl)
{
	const struct nts_verdict *w;
	unsigned int done = 0;
	const void *addr;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->rr[i].withhold)
			continue;
		w = verdict_of(t, &t->rr[i], v, n);
		if (!w)
			continue;
		if (!w->accept) {
			/* REFUSED: only an AAAA record is left out for it. */
			t->rr[i].withhold = t->v6;
			continue;
		}
		addr = !w->has_addr ? NULL : t->v6 ? (const void *)w->addr6
						   : (const void *)&w->addr;
		nts_rewrite(buf, &t->rr[i], ttl, addr, t->v6);
		done++;
	}
	return done;
}
