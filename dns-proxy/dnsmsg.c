// SPDX-License-Identifier: GPL-2.0
/*
 * Messages read in place, by ldns's rules (wire2host.c of libldns 1.8.3)
 * but without its allocations: ldns's tables say what an RDATA holds,
 * this walks it. Offsets only; the caller keeps the bytes.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h> /* before ldns, or its bool is a char */
#include <string.h>
#include <ldns/ldns.h>

#include "dnsmsg.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

/* dns_name_get(), or -EBADMSG (ldns refuses it too) or -ELOOP. */
static int name_read(const uint8_t *m, size_t len, size_t off,
		     uint8_t out[DNS_NAME_MAX], size_t *next)
{
	size_t n = 0, after = 0;
	unsigned int ptrs = 0;
	uint8_t l;

	if (off >= len)
		return -EBADMSG;
	for (;;) {
		l = m[off];
		while (l >= 0xc0) {
			size_t to;

			if (off + 2 > len)
				return -EBADMSG;
			to = (size_t)(l & 0x3f) << 8 | m[off + 1];
			/* ldns: not to the header's first byte, nor past the end. */
			if (!to || to >= len)
				return -EBADMSG;
			if (++ptrs > DNS_PTRS_MAX)
				return -ELOOP;
			if (!after)
				after = off + 2;
			off = to;
			l = m[off];
		}
		if (!l)
			break;
		/* Labels of 64 to 191 bytes: the other label types, refused. */
		if (l > 63 || off + 1 + l > len || n + 1 + l > DNS_NAME_MAX - 1)
			return -EBADMSG;
		memcpy(out + n, m + off, 1 + l);
		n += 1 + l;
		off += 1 + l;
		if (off >= len)
			return -EBADMSG;
	}
	out[n++] = 0;
	if (next)
		*next = after ? after : off + 1;
	return n;
}

size_t dns_name_get(const uint8_t *m, size_t len, size_t off,
		    uint8_t out[DNS_NAME_MAX], size_t *next)
{
	int n = name_read(m, len, off, out, next);

	return n > 0 ? n : 0;
}

bool dns_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	/* Length bytes are at most 63: tolower() leaves them be. */
	for (i = 0; i < alen; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}

size_t dns_skip_name(const uint8_t *m, size_t len, size_t off)
{
	uint8_t name[DNS_NAME_MAX];
	size_t next;

	return dns_name_get(m, len, off, name, &next) ? next : 0;
}

size_t dns_skip_rr(const uint8_t *m, size_t len, size_t off, bool question)
{
	off = dns_skip_name(m, len, off);
	if (!off)
		return 0;
	if (question)
		return off + 4 <= len ? off + 4 : 0;
	if (off + 10 > len || get16(m + off + 8) > len - off - 10)
		return 0;
	return off + 10 + get16(m + off + 8);
}

/*
 * Where ldns_wire2rdf() stops reading the RDATA of a @type record at
 * @pos (its RDLENGTH read), which ends at @end: 0 when it fails.
 */
static size_t rdata_end(const uint8_t *m, size_t len, size_t pos, size_t end,
			uint16_t type)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);
	size_t i, max = ldns_rr_descriptor_maximum(d), n;
	uint8_t name[DNS_NAME_MAX];

	for (i = 0; pos < end && i < max; i++) {
		switch (ldns_rr_descriptor_field_type(d, i)) {
		case LDNS_RDF_TYPE_DNAME:
			/* Bounded by the message, not the RDATA: as ldns. */
			if (!dns_name_get(m, len, pos, name, &pos))
				return 0;
			continue;
		case LDNS_RDF_TYPE_CLASS:
		case LDNS_RDF_TYPE_ALG:
		case LDNS_RDF_TYPE_CERTIFICATE_USAGE:
		case LDNS_RDF_TYPE_SELECTOR:
		case LDNS_RDF_TYPE_MATCHING_TYPE:
		case LDNS_RDF_TYPE_INT8:
			n = 1;
			break;
		case LDNS_RDF_TYPE_TYPE:
		case LDNS_RDF_TYPE_INT16:
		case LDNS_RDF_TYPE_CERT_ALG:
			n = 2;
			break;
		case LDNS_RDF_TYPE_TIME:
		case LDNS_RDF_TYPE_INT32:
		case LDNS_RDF_TYPE_A:
		case LDNS_RDF_TYPE_PERIOD:
			n = 4;
			break;
		case LDNS_RDF_TYPE_TSIGTIME:
		case LDNS_RDF_TYPE_EUI48:
			n = 6;
			break;
		case LDNS_RDF_TYPE_ILNP64:
		case LDNS_RDF_TYPE_EUI64:
			n = 8;
			break;
		case LDNS_RDF_TYPE_AAAA:
			n = 16;
			break;
		case LDNS_RDF_TYPE_STR:
		case LDNS_RDF_TYPE_NSEC3_SALT:
		case LDNS_RDF_TYPE_TAG:
		case LDNS_RDF_TYPE_B32_EXT:
		case LDNS_RDF_TYPE_NSEC3_NEXT_OWNER:
			n = (size_t)m[pos] + 1;
			break;
		case LDNS_RDF_TYPE_INT16_DATA:
			if (pos + 2 > end)
				return 0;
			n = (size_t)get16(m + pos) + 2;
			break;
		case LDNS_RDF_TYPE_HIP:
			if (pos + 4 > end)
				return 0;
			n = (size_t)m[pos] + get16(m + pos + 2) + 4;
			break;
		default: /* the rest of the RDATA */
			n = end - pos;
			break;
		}
		if (n > end - pos)
			return 0;
		pos += n;
	}
	return pos;
}

/*
 * The record at *@pos, as ldns_wire2rr() reads it: 0 with *@pos past
 * it, -EBADMSG, -ELOOP or -EPROTO (dnsmsg.h).
 */
static int walk_rr(const uint8_t *m, size_t len, size_t *pos, bool question,
		   uint16_t *type)
{
	uint8_t name[DNS_NAME_MAX];
	size_t off, end, stop;
	int err = name_read(m, len, *pos, name, &off);

	if (err < 0)
		return err;
	if (off + 4 > len)
		return -EBADMSG;
	*type = get16(m + off);
	if (question) {
		*pos = off + 4;
		return 0;
	}
	if (off + 10 > len || get16(m + off + 8) > len - off - 10)
		return -EBADMSG;
	end = off + 10 + get16(m + off + 8);
	stop = rdata_end(m, len, off + 10, end, *type);
	if (!stop)
		return -EBADMSG;
	/* Read short or past its end: ldns's next record is not the next. */
	if (stop != end)
		return -EPROTO;
	*pos = end;
	return 0;
}

int dnsmsg_parse(const uint8_t *m, size_t len, struct dnsmsg *msg)
{
	size_t pos = DNS_HDR_LEN, start;
	unsigned int i, s, n;
	uint16_t type;
	int err;

	memset(msg, 0, sizeof(*msg));
	if (len < DNS_HDR_LEN)
		return -EBADMSG;
	msg->id = get16(m);
	msg->qr = m[2] & 0x80;
	msg->opcode = (m[2] >> 3) & 0x0f;
	msg->tc = m[2] & 0x02;
	msg->rcode = m[3] & 0x0f;
	msg->qdcount = get16(m + 4);
	msg->ancount = get16(m + 6);
	msg->nscount = get16(m + 8);
	msg->arcount = get16(m + 10);
	for (s = 0; s < 4; s++) {
		n = get16(m + 4 + 2 * s);
		if (s == 1)
			msg->an_off = pos;
		for (i = 0; i < n; i++) {
			/* ldns reads nothing after a TSIG, we refuse it. */
			if (msg->tsig)
				return -EPROTO;
			start = pos;
			err = walk_rr(m, len, &pos, s == 0, &type);
			if (err)
				return err;
			if (s == 0 && !i) {
				msg->q_off = start;
				msg->qtype = type;
				msg->qclass = get16(m + pos - 2);
			}
			if (s < 3)
				continue;
			if (type == LDNS_RR_TYPE_TSIG) {
				msg->tsig = true;
			} else if (type == LDNS_RR_TYPE_OPT) {
				/* Two: ldns_safe() in dnswire.c refuses it. */
				if (msg->edns)
					return -EBADMSG;
				msg->edns = true;
				start = dns_skip_name(m, len, start);
				msg->udp_size = get16(m + start + 2);
				msg->opt_rdlen = get16(m + start + 8);
				msg->opt_rdata = start + 10;
			}
		}
	}
	return 0;
}

void dnsmsg_rr(const uint8_t *m, size_t *pos, struct dnsrr *rr)
{
	size_t off = dns_skip_name(m, SIZE_MAX, *pos);

	rr->owner = *pos;
	rr->type = get16(m + off);
	rr->class = get16(m + off + 2);
	rr->ttl_off = off + 4;
	rr->ttl = (uint32_t)get16(m + off + 4) << 16 | get16(m + off + 6);
	rr->rdlength = get16(m + off + 8);
	rr->rdata = off + 10;
	*pos = rr->rdata + rr->rdlength;
}
