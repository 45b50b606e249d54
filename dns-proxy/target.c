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

int nts_target_find(const uint8_t *buf, size_t len, const struct dnsmsg *r,
		    const struct nts_zones *zs, struct nts_target *t)
{
	uint8_t name[DNS_NAME_MAX];
	size_t i, nlen, pos;
	struct dnsrr rr;
	int rc;

	(void)len; /* dnsr_parse() read all @r says within it */
	memset(t, 0, sizeof(*t));
	/* A complete, positive answer to one A question. */
	if (!zs->n || r->opcode != LDNS_PACKET_QUERY ||
	    r->rcode != LDNS_RCODE_NOERROR || r->tc || r->qdcount != 1 ||
	    !r->ancount || r->qtype != LDNS_RR_TYPE_A ||
	    r->qclass != LDNS_RR_CLASS_IN)
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

	t->rr = calloc(r->ancount, sizeof(*t->rr));
	if (!t->rr)
		return -ENOMEM;
	pos = r->an_off;
	for (i = 0; i < r->ancount; i++) {
		dnsmsg_rr(buf, &pos, &rr);
		/* Parsed: an A record's RDATA is 4 bytes, or none. */
		if (!is_in(buf, &rr, LDNS_RR_TYPE_A, name, nlen))
			continue;
		t->rr[t->n].ttl_off = rr.ttl_off;
		memcpy(&t->rr[t->n].addr, buf + rr.rdata, 4);
		t->n++;
	}
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

void nts_rewrite(uint8_t *buf, const struct nts_rr *rr, uint32_t ttl,
		 const uint32_t *addr)
{
	uint32_t be = htonl(ttl);

	memcpy(buf + rr->ttl_off, &be, 4);
	if (addr)
		memcpy(buf + rr->ttl_off + 6, addr, 4);
}

unsigned int nts_apply(uint8_t *buf, const struct nts_target *t,
		       const struct nts_verdict *v, unsigned int n,
		       uint32_t ttl)
{
	unsigned int done = 0;
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < n && v[j].router != t->rr[i].addr; j++)
			;
		if (j == n || !v[j].accept)
			continue;
		nts_rewrite(buf, &t->rr[i], ttl,
			    v[j].has_addr ? &v[j].addr : NULL);
		done++;
	}
	return done;
}
