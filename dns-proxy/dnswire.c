// SPDX-License-Identifier: GPL-2.0
/* Messages off the wire: parsed with ldns, walked where ldns is silent. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dnswire.h"

#define EDNS_ECS 8 /* EDNS Client Subnet option code */

/* Offset just past the name at @off, or 0 when it runs off the end. */
static size_t skip_name(const uint8_t *m, size_t len, size_t off)
{
	size_t start = off;

	while (off < len) {
		uint8_t c = m[off];

		/* Longer than a name may be (RFC 1035 3.1), as ldns says. */
		if (off - start > 255)
			return 0;
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
	if (!an && dns_get16(m + 10) < 2)
		return true;
	for (s = 0; s < 3; s++) {
		n = dns_get16(m + 4 + 2 * s);
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
	n = dns_get16(m + 10);
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
		uint16_t code = dns_get16(o + off),
			 olen = dns_get16(o + off + 2);

		off += 4;
		if (olen > len - off)
			return false;
		if (code == EDNS_ECS && olen == 8 && dns_get16(o + off) == 1 &&
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
	q->id = dns_get16(buf);
	/* Never answer an answer: that is how loops and reflection start. */
	if (buf[2] & DNS_QR_BIT)
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
	if (len < DNS_HDR_LEN || !(buf[2] & DNS_QR_BIT))
		return -EBADMSG;
	if (dns_get16(buf) != id)
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
int dns_answer_ttls(const uint8_t *m, size_t len, size_t *ttl_off, size_t n)
{
	size_t i, off;

	if (len < DNS_HDR_LEN || dns_get16(m + 6) != n ||
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

/* Offset just past the record at @off, or 0 when it runs off the end. */
static size_t skip_rr(const uint8_t *m, size_t len, size_t off, bool question)
{
	off = skip_name(m, len, off);
	if (!off)
		return 0;
	if (question)
		return off + 4 <= len ? off + 4 : 0;
	if (off + 10 > len || dns_get16(m + off + 8) > len - off - 10)
		return 0;
	return off + 10 + dns_get16(m + off + 8);
}

size_t dns_ecs_scope(uint8_t *buf, size_t len, size_t cap, uint32_t addr)
{
	size_t pos = DNS_HDR_LEN, end, o, rdata = 0;
	unsigned int i, n = 0, s;

	if (len < DNS_HDR_LEN)
		return len;
	for (s = 0; s < 4; s++) {
		n = dns_get16(buf + 4 + 2 * s);
		for (i = 0; i < n; i++) {
			end = skip_rr(buf, len, pos, s == 0);
			if (!end)
				return len;
			/*
			 * ldns reads nothing after a TSIG (it must be last):
			 * an OPT there is not the message's, nor edited.
			 */
			if (s == 3 && dns_get16(buf + skip_name(buf, len, pos)) ==
					      LDNS_RR_TYPE_TSIG)
				break;
			/*
			 * The OPT record: root name, type 41. Two: not a
			 * message to edit (RFC 6891 6.1.1), left as it is.
			 */
			if (s == 3 && buf[pos] == 0 &&
			    dns_get16(buf + pos + 1) == LDNS_RR_TYPE_OPT) {
				if (rdata)
					return len;
				rdata = pos + 11;
			}
			pos = end;
		}
	}
	/* Bytes after the last record: not a message to edit either. */
	if (!rdata || pos != len)
		return len;
	end = rdata + dns_get16(buf + rdata - 2);
	for (o = rdata; o + 4 <= end; o += 4 + dns_get16(buf + o + 2)) {
		if (dns_get16(buf + o) == EDNS_ECS &&
		    dns_get16(buf + o + 2) >= 4 && o + 8 <= end) {
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
	n = dns_get16(buf + rdata - 2) + 12;
	buf[rdata - 2] = n >> 8;
	buf[rdata - 1] = n;
	return len + 12;
}
