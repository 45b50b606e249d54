// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dnsmsg.h"
#include "dnsname.h"

#define QR_BIT	 0x80 /* in byte 2 of the header */
#define TC_BIT	 0x02
#define EDNS_ECS 8 /* EDNS Client Subnet option code */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

/* Offset just past the name at @off, or 0 when it runs off the end. */
static size_t skip_name(const uint8_t *m, size_t len, size_t off)
{
	while (off < len) {
		uint8_t c = m[off];

		if ((c & 0xc0) == 0xc0)
			return off + 2 <= len ? off + 2 : 0;
		if (c & 0xc0)
			return 0; /* label types nobody uses */
		if (!c)
			return off + 1;
		off += 1 + c;
	}
	return 0;
}

/*
 * Walk @m record by record as ldns_wire2pkt() does: false if that would
 * see a second OPT or TSIG record in the additional section. libldns
 * 1.8.3 keeps only the last of each and leaks the others, even when the
 * message fails to parse further on; both are errors anyway (RFC 6891
 * 6.1.1, RFC 8945 5.1). @an (NULL, or room for ANCOUNT offsets) gets
 * where each answer record starts, as ldns saw it.
 */
static bool ldns_safe(const uint8_t *m, size_t len, size_t *an)
{
	static const ldns_pkt_section sec[] = {
		LDNS_SECTION_QUESTION,
		LDNS_SECTION_ANSWER,
		LDNS_SECTION_AUTHORITY,
	};
	unsigned int opt = 0, tsig = 0;
	size_t pos = DNS_HDR_LEN;
	uint16_t i, n, s;
	ldns_rr *rr;

	if (len < DNS_HDR_LEN)
		return true;
	/* One additional record at most: nothing to see twice. */
	if (!an && get16(m + 10) < 2)
		return true;
	for (s = 0; s < 3; s++) {
		n = get16(m + 4 + 2 * s);
		for (i = 0; i < n; i++) {
			if (s == 1 && an)
				an[i] = pos;
			/* ldns fails here too, with nothing kept. */
			if (ldns_wire2rr(&rr, m, len, &pos, sec[s]) !=
			    LDNS_STATUS_OK)
				return true;
			ldns_rr_free(rr);
		}
	}
	n = get16(m + 10);
	for (i = 0; i < n; i++) {
		if (ldns_wire2rr(&rr, m, len, &pos, LDNS_SECTION_ADDITIONAL) !=
		    LDNS_STATUS_OK)
			break;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_OPT) {
			opt++;
		} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_TSIG) {
			tsig++;
			n--; /* ldns counts down ARCOUNT as it goes */
		}
		ldns_rr_free(rr);
	}
	return opt <= 1 && tsig <= 1;
}

/* ldns_wire2pkt(), minus its leaks. */
static bool parse(const uint8_t *buf, size_t len, ldns_pkt **p)
{
	*p = NULL;
	if (!ldns_safe(buf, len, NULL) ||
	    ldns_wire2pkt(p, buf, len) != LDNS_STATUS_OK) {
		*p = NULL;
		return false;
	}
	return true;
}

/*
 * The client's address a forwarder put in EDNS Client Subnet: family 1,
 * source prefix 32 (RFC 7871 6). Anything shorter names a network, not
 * the host the router is to let in.
 */
static bool ecs32_find(const ldns_pkt *p, uint32_t *addr)
{
	const ldns_rdf *opts = ldns_pkt_edns_data(p);
	const uint8_t *o;
	size_t len, off = 0;

	if (!opts)
		return false;
	o = ldns_rdf_data(opts);
	len = ldns_rdf_size(opts);
	while (off + 4 <= len) {
		uint16_t code = get16(o + off), olen = get16(o + off + 2);

		off += 4;
		if (olen > len - off)
			return false;
		if (code == EDNS_ECS && olen == 8 && get16(o + off) == 1 &&
		    o[off + 2] == 32) {
			memcpy(addr, o + off + 4, 4);
			return true;
		}
		off += olen;
	}
	return false;
}

enum dnsq_verdict dnsq_parse(const uint8_t *buf, size_t len, struct dnsq *q)
{
	memset(q, 0, sizeof(*q));
	if (len < DNS_HDR_LEN)
		return DNSQ_DROP;
	q->id = get16(buf);
	/* Never answer an answer: that is how loops and reflection start. */
	if (buf[2] & QR_BIT)
		return DNSQ_DROP;
	if (!parse(buf, len, &q->pkt))
		return DNSQ_FORMERR;
	q->udp_max = DNS_UDP_MIN;
	if (ldns_pkt_edns(q->pkt) &&
	    ldns_pkt_edns_udp_size(q->pkt) > DNS_UDP_MIN)
		q->udp_max = ldns_pkt_edns_udp_size(q->pkt);
	q->has_ecs32 = ecs32_find(q->pkt, &q->ecs32);
	return DNSQ_FORWARD;
}

void dnsq_free(struct dnsq *q)
{
	ldns_pkt_free(q->pkt);
	q->pkt = NULL;
}

/* @p in wire format into @out, if it fits in @cap. The length or 0. */
static size_t to_wire(const ldns_pkt *p, uint8_t *out, size_t cap)
{
	uint8_t *w = NULL;
	size_t n = 0;

	if (ldns_pkt2wire(&w, p, &n) != LDNS_STATUS_OK || n > cap)
		n = 0;
	if (n)
		memcpy(out, w, n);
	free(w);
	return n;
}

/* The header of an answer to a message with header @hdr, no sections. */
static void answer_header(uint8_t out[DNS_HDR_LEN], const uint8_t *hdr,
			  ldns_pkt_rcode rcode)
{
	memset(out, 0, DNS_HDR_LEN);
	out[0] = hdr[0];
	out[1] = hdr[1];
	/* QR, the opcode and RD as asked; RA: we recurse (upstream does). */
	out[2] = QR_BIT | (hdr[2] & 0x79);
	out[3] = 0x80 | (rcode & 0x0f);
}

size_t dns_formerr(const uint8_t *buf, uint8_t out[DNS_HDR_LEN])
{
	ldns_pkt *p = ldns_pkt_new();
	size_t n = 0;

	/* Nothing past the header can be trusted: the header only. */
	if (p) {
		ldns_pkt_set_id(p, get16(buf));
		ldns_pkt_set_qr(p, true);
		ldns_pkt_set_opcode(p, (buf[2] >> 3) & 0x0f);
		ldns_pkt_set_rd(p, buf[2] & 0x01);
		ldns_pkt_set_ra(p, true);
		ldns_pkt_set_rcode(p, LDNS_RCODE_FORMERR);
		n = to_wire(p, out, DNS_HDR_LEN);
		ldns_pkt_free(p);
	}
	if (n != DNS_HDR_LEN) {
		answer_header(out, buf, LDNS_RCODE_FORMERR);
		n = DNS_HDR_LEN;
	}
	return n;
}

size_t dns_servfail(const struct dnsq *q, uint8_t *out, size_t cap)
{
	const ldns_rr_list *qs = ldns_pkt_question(q->pkt);
	ldns_pkt *p = ldns_pkt_new();
	size_t i, n = 0;

	if (p) {
		ldns_pkt_set_id(p, q->id);
		ldns_pkt_set_qr(p, true);
		ldns_pkt_set_opcode(p, ldns_pkt_get_opcode(q->pkt));
		ldns_pkt_set_rd(p, ldns_pkt_rd(q->pkt));
		ldns_pkt_set_cd(p, ldns_pkt_cd(q->pkt));
		ldns_pkt_set_ra(p, true);
		ldns_pkt_set_rcode(p, LDNS_RCODE_SERVFAIL);
		for (i = 0; qs && i < ldns_rr_list_rr_count(qs); i++)
			ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION,
					 ldns_rr_clone(ldns_rr_list_rr(qs, i)));
		/* EDNS asked, EDNS answered (RFC 6891 7). */
		if (ldns_pkt_edns(q->pkt)) {
			ldns_pkt_set_edns_udp_size(p, DNS_EDNS_SIZE);
			ldns_pkt_set_edns_do(p, ldns_pkt_edns_do(q->pkt));
		}
		n = to_wire(p, out, cap);
		ldns_pkt_free(p);
	}
	if (!n) {
		/* Too big to repeat the question (or no memory): header. */
		uint8_t hdr[DNS_HDR_LEN] = { q->id >> 8, q->id & 0xff,
					     (ldns_pkt_get_opcode(q->pkt)
					      << 3) | ldns_pkt_rd(q->pkt) };

		answer_header(out, hdr, LDNS_RCODE_SERVFAIL);
		n = DNS_HDR_LEN;
	}
	return n;
}

bool dns_same_question(const ldns_pkt *q, const ldns_pkt *r)
{
	const ldns_rr_list *a = ldns_pkt_question(q);
	const ldns_rr_list *b = ldns_pkt_question(r);
	size_t i, n = a ? ldns_rr_list_rr_count(a) : 0;

	if (ldns_pkt_get_opcode(q) != ldns_pkt_get_opcode(r) ||
	    n != (b ? ldns_rr_list_rr_count(b) : 0))
		return false;
	for (i = 0; i < n; i++) {
		const ldns_rr *x = ldns_rr_list_rr(a, i);
		const ldns_rr *y = ldns_rr_list_rr(b, i);

		if (ldns_rr_get_type(x) != ldns_rr_get_type(y) ||
		    ldns_rr_get_class(x) != ldns_rr_get_class(y) ||
		    ldns_dname_compare(ldns_rr_owner(x), ldns_rr_owner(y)))
			return false;
	}
	return true;
}

int dnsr_parse(const struct dnsq *q, uint16_t id, const uint8_t *buf,
	       size_t len, ldns_pkt **r)
{
	ldns_pkt *p;

	*r = NULL;
	if (len < DNS_HDR_LEN || !(buf[2] & QR_BIT))
		return -EBADMSG;
	if (get16(buf) != id)
		return -ESRCH;
	if (!parse(buf, len, &p))
		return -EBADMSG;
	/*
	 * The same question; or none, with an error: servers can't repeat
	 * a question they could not read (FORMERR, NOTIMP).
	 */
	if (ldns_pkt_get_opcode(p) != ldns_pkt_get_opcode(q->pkt) ||
	    (!dns_same_question(q->pkt, p) &&
	     (ldns_pkt_qdcount(p) ||
	      ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR))) {
		ldns_pkt_free(p);
		return -ESRCH;
	}
	*r = p;
	return 0;
}

/*
 * Where the TTL of each answer record is: ldns told us what the records
 * are, this finds them in the bytes, where ldns read them.
 */
static int answer_offsets(const uint8_t *m, size_t len, size_t *ttl_off,
			  size_t n)
{
	size_t i, off;

	if (len < DNS_HDR_LEN || get16(m + 6) != n ||
	    !ldns_safe(m, len, ttl_off))
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		off = skip_name(m, len, ttl_off[i]);
		if (!off || off + 10 > len)
			return -EBADMSG;
		ttl_off[i] = off + 4;
	}
	return 0;
}

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
	rc = answer_offsets(buf, len, ttl_off, n);
	if (rc)
		goto out;
	for (i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		const uint8_t *rd = buf + ttl_off[i] + 4;

		if (!is_in(rr, LDNS_RR_TYPE_A, name))
			continue;
		/* The bytes must say what ldns said: type, class, rdlength. */
		if (ttl_off[i] + 10 > len || get16(rd - 8) != LDNS_RR_TYPE_A ||
		    get16(rd - 6) != LDNS_RR_CLASS_IN || get16(rd) != 4 ||
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

/* Offset just past the record at @off, or 0 when it runs off the end. */
static size_t skip_rr(const uint8_t *m, size_t len, size_t off, bool question)
{
	off = skip_name(m, len, off);
	if (!off)
		return 0;
	if (question)
		return off + 4 <= len ? off + 4 : 0;
	if (off + 10 > len || get16(m + off + 8) > len - off - 10)
		return 0;
	return off + 10 + get16(m + off + 8);
}

size_t dns_ecs_scope(uint8_t *buf, size_t len, size_t cap, uint32_t addr)
{
	size_t pos = DNS_HDR_LEN, end, o, rdata = 0;
	unsigned int i, n = 0, s;

	if (len < DNS_HDR_LEN)
		return len;
	for (s = 0; s < 4; s++) {
		n = get16(buf + 4 + 2 * s);
		for (i = 0; i < n; i++) {
			end = skip_rr(buf, len, pos, s == 0);
			if (!end)
				return len;
			/* The OPT record: root name, type 41. */
			if (s == 3 && buf[pos] == 0 &&
			    get16(buf + pos + 1) == LDNS_RR_TYPE_OPT)
				rdata = pos + 11;
			pos = end;
		}
	}
	if (!rdata)
		return len;
	end = rdata + get16(buf + rdata - 2);
	for (o = rdata; o + 4 <= end; o += 4 + get16(buf + o + 2)) {
		if (get16(buf + o) == EDNS_ECS && get16(buf + o + 2) >= 4 &&
		    o + 8 <= end) {
			buf[o + 7] = 32; /* SCOPE PREFIX-LENGTH */
			return len;
		}
	}
	if (len + 12 > cap)
		return len;
	/* Append ECS to the OPT record's options. */
	memmove(buf + end + 12, buf + end, len - end);
	buf[end] = 0;
	buf[end + 1] = EDNS_ECS;
	buf[end + 2] = 0;
	buf[end + 3] = 8;
	buf[end + 4] = 0;
	buf[end + 5] = 1; /* IPv4 */
	buf[end + 6] = 32;
	buf[end + 7] = 32;
	memcpy(buf + end + 8, &addr, 4);
	n = get16(buf + rdata - 2) + 12;
	buf[rdata - 2] = n >> 8;
	buf[rdata - 1] = n;
	return len + 12;
}

/* Header, question and EDNS of @r, TC set, into @out if it fits. */
static size_t truncated(const ldns_pkt *r, uint16_t id, uint8_t *out,
			size_t limit)
{
	ldns_pkt *p = ldns_pkt_clone(r);
	size_t n = 0;

	if (!p)
		return 0;
	ldns_rr_list_deep_free(ldns_pkt_answer(p));
	ldns_rr_list_deep_free(ldns_pkt_authority(p));
	ldns_rr_list_deep_free(ldns_pkt_additional(p));
	ldns_pkt_set_answer(p, ldns_rr_list_new());
	ldns_pkt_set_authority(p, ldns_rr_list_new());
	ldns_pkt_set_additional(p, ldns_rr_list_new());
	ldns_pkt_set_ancount(p, 0);
	ldns_pkt_set_nscount(p, 0);
	ldns_pkt_set_arcount(p, 0);
	/* A TSIG signed the whole message; it can't sign this one. */
	ldns_rr_free(ldns_pkt_tsig(p));
	ldns_pkt_set_tsig(p, NULL);
	ldns_pkt_set_id(p, id);
	ldns_pkt_set_tc(p, true);
	n = to_wire(p, out, limit);
	if (!n && ldns_pkt_edns_data(p)) {
		/* Options too big (padding?): keep EDNS, drop them. */
		ldns_rdf_deep_free(ldns_pkt_edns_data(p));
		ldns_pkt_set_edns_data(p, NULL);
		n = to_wire(p, out, limit);
	}
	ldns_pkt_free(p);
	return n;
}

uint8_t *dns_finish(uint8_t *buf, size_t len, const ldns_pkt *r, uint16_t id,
		    size_t limit, uint8_t *tc, size_t *outlen)
{
	buf[0] = id >> 8;
	buf[1] = id & 0xff;
	if (len <= limit) {
		*outlen = len;
		return buf;
	}
	*outlen = truncated(r, id, tc, limit);
	if (!*outlen) {
		/* A question longer than the limit (several): the header. */
		answer_header(tc, buf, ldns_pkt_get_rcode(r));
		tc[2] = buf[2] | TC_BIT;
		tc[3] = buf[3];
		*outlen = DNS_HDR_LEN;
	}
	return tc;
}
