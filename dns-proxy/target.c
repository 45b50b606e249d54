// SPDX-License-Identifier: GPL-2.0
/* Which answers are negotiated, and the rewrite the routers allow. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dnsname.h"
#include "dnswire.h"
#include "target.h"

static bool is_in(const ldns_rr *rr, ldns_rr_type type, const ldns_rdf *owner)
{
	return ldns_rr_get_type(rr) == type &&
	       ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
	       ldns_rr_rd_count(rr) == 1 &&
	       !ldns_dname_compare(ldns_rr_owner(rr), owner);
}

/* The owner of the A records: the question's name after its CNAMEs. */
static const ldns_rdf *final_name(const ldns_rr_list *an, const ldns_rdf *name)
{
	size_t hops, i, n = ldns_rr_list_rr_count(an);

	for (hops = 0; hops < DNS_CNAME_MAX; hops++) {
		for (i = 0; i < n; i++)
			if (is_in(ldns_rr_list_rr(an, i), LDNS_RR_TYPE_CNAME,
				  name))
				break;
		if (i == n)
			return name;
		name = ldns_rr_rdf(ldns_rr_list_rr(an, i), 0);
		if (ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME)
			return NULL;
	}
	return NULL; /* a loop, or too long a chain */
}

/*
 * @name as NTS-Nego carries it, or -EINVAL if it isn't a host name. Read
 * from the labels, not through ldns_rdf2str(): that is printf and malloc
 * for every A answer, and a label it would have to escape is no host
 * name anyway.
 */
static int nego_name(const ldns_rdf *name, char out[256])
{
	const uint8_t *p = ldns_rdf_data(name);
	size_t n = ldns_rdf_size(name), i = 0, o = 0;
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

int nts_target_find(const uint8_t *buf, size_t len, const ldns_pkt *r,
		    const struct nts_zones *zs, struct nts_target *t)
{
	const ldns_rr_list *an = ldns_pkt_answer(r);
	size_t i, n, *ttl_off = NULL;
	const ldns_rr *qrr;
	const ldns_rdf *name;
	int rc;

	memset(t, 0, sizeof(*t));
	/* A complete, positive answer to one A question. */
	if (!zs->n || ldns_pkt_get_opcode(r) != LDNS_PACKET_QUERY ||
	    ldns_pkt_get_rcode(r) != LDNS_RCODE_NOERROR || ldns_pkt_tc(r) ||
	    ldns_pkt_qdcount(r) != 1 || !an)
		return 0;
	qrr = ldns_rr_list_rr(ldns_pkt_question(r), 0);
	if (ldns_rr_get_type(qrr) != LDNS_RR_TYPE_A ||
	    ldns_rr_get_class(qrr) != LDNS_RR_CLASS_IN)
		return 0;
	name = final_name(an, ldns_rr_owner(qrr));
	if (!name)
		return 0;
	rc = nego_name(name, t->fqdn);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	t->zone = zones_match(zs, t->fqdn);
	if (!t->zone)
		return 0;

	n = ldns_rr_list_rr_count(an);
	ttl_off = calloc(n, sizeof(*ttl_off));
	t->rr = calloc(n, sizeof(*t->rr));
	if (!ttl_off || !t->rr) {
		rc = -ENOMEM;
		goto out;
	}
	rc = dns_answer_ttls(buf, len, ttl_off, n);
	if (rc)
		goto out;
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		const uint8_t *rd = buf + ttl_off[i] + 4;

		if (!is_in(rr, LDNS_RR_TYPE_A, name))
			continue;
		/* The bytes must say what ldns said: type, class, rdlength. */
		if (ttl_off[i] + 10 > len ||
		    dns_get16(rd - 8) != LDNS_RR_TYPE_A ||
		    dns_get16(rd - 6) != LDNS_RR_CLASS_IN ||
		    dns_get16(rd) != 4 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 0)) != 4) {
			rc = -EBADMSG;
			goto out;
		}
		t->rr[t->n].ttl_off = ttl_off[i];
		memcpy(&t->rr[t->n].addr, rd + 2, 4);
		t->n++;
	}
	rc = t->n ? 1 : 0;
out:
	free(ttl_off);
	if (rc <= 0) {
		nts_target_free(t);
		/* Bytes and parse disagreeing: pass it on as it is. */
		if (rc == -EBADMSG)
			rc = 0;
	}
	return rc;
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
