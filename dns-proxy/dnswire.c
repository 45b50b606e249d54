// SPDX-License-Identifier: GPL-2.0
/* Messages off the wire: read in place (dnsmsg.c), edited in place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dnswire.h"

#define EDNS_ECS 8 /* EDNS Client Subnet option code */

/*
 * Walk @m record by record as ldns_wire2pkt() does: false if that would
 * see a second OPT or TSIG record in the additional section. libldns
 * 1.8.3 keeps only the last of each and leaks the others, even when the
 * message fails to parse further on; both are errors anyway (RFC 6891
 * 6.1.1, RFC 8945 5.1).
 */
static bool ldns_safe(const uint8_t *m, size_t len)
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
	if (dns_get16(m + 10) < 2)
		return true;
	for (s = 0; s < 3; s++) {
		n = dns_get16(m + 4 + 2 * s);
		for (i = 0; i < n; i++) {
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

ldns_pkt *dns_ldns_parse(const uint8_t *buf, size_t len)
{
	ldns_pkt *p = NULL;

	if (!ldns_safe(buf, len) ||
	    ldns_wire2pkt(&p, buf, len) != LDNS_STATUS_OK)
		return NULL;
	return p;
}

/* ADDRESS bytes of an ECS option of SOURCE PREFIX-LENGTH @source. */
static size_t ecs_addr_len(uint8_t source)
{
	return (source + 7u) / 8;
}

/*
 * One ECS option's data (@o, @olen bytes) into @e: 0, or -EBADMSG when
 * RFC 7871 7.1.2 wants FORMERR: an unknown family, a prefix longer
 * than its family's addresses, an ADDRESS not of the prefix's length,
 * bits set past the prefix.
 */
static int ecs_read(const uint8_t *o, size_t olen, struct dns_ecs *e)
{
	size_t alen;

	memset(e, 0, sizeof(*e));
	if (olen < 4)
		return -EBADMSG;
	e->family = dns_get16(o);
	e->source = o[2];
	if ((e->family != DNS_ECS_V4 || e->source > 32) &&
	    (e->family != DNS_ECS_V6 || e->source > 128))
		return -EBADMSG;
	alen = ecs_addr_len(e->source);
	if (olen != 4 + alen)
		return -EBADMSG;
	memcpy(e->addr, o + 4, alen);
	if (e->source % 8 && (e->addr[alen - 1] & (0xff >> e->source % 8)))
		return -EBADMSG;
	return 0;
}

/*
 * The query's EDNS Client Subnet, if any (*@has): 0, or -EBADMSG for a
 * malformed one, or two (RFC 7871 7.1.2: FORMERR). A forwarder's or a
 * public resolver's, saying for which client (network) it asks.
 */
static int ecs_find(const uint8_t *m, const struct dnsmsg *msg, bool *has,
		    struct dns_ecs *e)
{
	const uint8_t *o = m + msg->opt_rdata;
	size_t len = msg->opt_rdlen, off = 0;

	*has = false;
	if (!msg->edns)
		return 0;
	while (off + 4 <= len) {
		uint16_t code = dns_get16(o + off),
			 olen = dns_get16(o + off + 2);

		off += 4;
		if (olen > len - off)
			return code == EDNS_ECS ? -EBADMSG : 0;
		if (code == EDNS_ECS) {
			if (*has || ecs_read(o + off, olen, e))
				return -EBADMSG;
			*has = true;
		}
		off += olen;
	}
	return 0;
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
	if (dnsmsg_parse(buf, len, &q->m))
		return DNSQ_FORMERR;
	q->wire = buf;
	q->len = len;
	q->udp_max = DNS_UDP_MIN;
	if (q->m.edns && q->m.udp_size > DNS_UDP_MIN)
		q->udp_max = q->m.udp_size;
	if (ecs_find(buf, &q->m, &q->has_ecs, &q->ecs))
		return DNSQ_FORMERR;
	return DNSQ_FORWARD;
}

bool dns_same_question(const uint8_t *a, const struct dnsmsg *ma,
		       const uint8_t *b, const struct dnsmsg *mb)
{
	uint8_t x[DNS_NAME_MAX], y[DNS_NAME_MAX];
	size_t i, pa = DNS_HDR_LEN, pb = DNS_HDR_LEN, nx, ny;

	if (ma->opcode != mb->opcode || ma->qdcount != mb->qdcount)
		return false;
	/* Both parsed: every name reads, every question is whole. */
	for (i = 0; i < ma->qdcount; i++) {
		nx = dns_name_get(a, SIZE_MAX, pa, x, &pa);
		ny = dns_name_get(b, SIZE_MAX, pb, y, &pb);
		if (!dns_name_eq(x, nx, y, ny) || memcmp(a + pa, b + pb, 4))
			return false;
		pa += 4;
		pb += 4;
	}
	return true;
}

int dnsr_parse(const struct dnsq *q, uint16_t id, const uint8_t *buf,
	       size_t len, struct dnsmsg *r)
{
	if (len < DNS_HDR_LEN || !(buf[2] & DNS_QR_BIT))
		return -EBADMSG;
	if (dns_get16(buf) != id)
		return -ESRCH;
	if (dnsmsg_parse(buf, len, r))
		return -EBADMSG;
	/*
	 * The same question; or none, with an error: servers can't repeat
	 * a question they could not read (FORMERR, NOTIMP).
	 */
	if (r->opcode != q->m.opcode ||
	    (!dns_same_question(q->wire, &q->m, buf, r) &&
	     (r->qdcount || r->rcode == LDNS_RCODE_NOERROR)))
		return -ESRCH;
	return 0;
}

size_t dns_ecs_scope(uint8_t *buf, size_t len, size_t cap,
		     const struct dns_ecs *ecs, uint8_t scope)
{
	size_t pos = DNS_HDR_LEN, end, o, rdata = 0;
	size_t alen = ecs_addr_len(ecs->source), olen = 4 + alen;
	unsigned int i, n = 0, s;

	if (len < DNS_HDR_LEN)
		return len;
	for (s = 0; s < 4; s++) {
		n = dns_get16(buf + 4 + 2 * s);
		for (i = 0; i < n; i++) {
			end = dns_skip_rr(buf, len, pos, s == 0);
			if (!end)
				return len;
			/*
			 * ldns reads nothing after a TSIG (it must be last):
			 * an OPT there is not the message's, nor edited.
			 */
			if (s == 3 &&
			    dns_get16(buf + dns_skip_name(buf, len, pos)) ==
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
			buf[o + 7] = scope; /* SCOPE PREFIX-LENGTH */
			return len;
		}
	}
	if (len + 4 + olen > cap)
		return len;
	/* Append ECS to the OPT record's options: the query's, scoped. */
	memmove(buf + end + 4 + olen, buf + end, len - end);
	buf[end] = 0;
	buf[end + 1] = EDNS_ECS;
	buf[end + 2] = 0;
	buf[end + 3] = olen;
	buf[end + 4] = ecs->family >> 8;
	buf[end + 5] = ecs->family;
	buf[end + 6] = ecs->source;
	buf[end + 7] = scope;
	memcpy(buf + end + 8, ecs->addr, alen);
	n = dns_get16(buf + rdata - 2) + 4 + olen;
	buf[rdata - 2] = n >> 8;
	buf[rdata - 1] = n;
	return len + 4 + olen;
}
