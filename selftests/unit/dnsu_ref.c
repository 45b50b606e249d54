// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <string.h>
#include <ldns/ldns.h>

#include "dnsu_ref.h"

/*
 * ldns follows up to LDNS_MAX_POINTERS compression pointers; the snooper
 * allows DNSU_PTRS_MAX. Count them first, along the path ldns takes.
 */
static bool too_many_pointers(const uint8_t *msg, size_t len, size_t pos)
{
	unsigned int hops = 0, steps = 0;

	while (pos < len && msg[pos] && steps++ < 1024) {
		if ((msg[pos] & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++hops > DNSU_PTRS_MAX)
				return hops > DNSU_PTRS_MAX;
			pos = (msg[pos] & 0x3f) << 8 | msg[pos + 1];
		} else {
			pos += 1 + msg[pos];
		}
	}
	return false;
}

/*
 * The name at *pos as text of *tlen bytes; false if ldns or the rules
 * refuse it.
 */
static bool read_name(const uint8_t *msg, size_t len, size_t *pos,
		      char *text, size_t *tlen, bool *host)
{
	const uint8_t *d;
	ldns_rdf *rdf;
	size_t i, t = 0, l;

	if (too_many_pointers(msg, len, *pos))
		return false;
	if (ldns_wire2dname(&rdf, msg, len, pos) != LDNS_STATUS_OK)
		return false;
	d = ldns_rdf_data(rdf);
	memset(text, 0, PHL_NAME_MAX);
	*host = true;
	for (i = 0; i < ldns_rdf_size(rdf) && d[i]; i += 1 + l) {
		l = d[i];
		if (t)
			text[t++] = '.';
		for (size_t j = 0; j < l; j++) {
			char c = tolower(d[i + 1 + j]);

			if (!isalnum((unsigned char)c) && c != '-' && c != '_')
				*host = false;
			text[t++] = c;
		}
	}
	if (!t)
		*host = false;
	*tlen = t;
	ldns_rdf_deep_free(rdf);
	return true;
}

/* @name (@nl bytes) is the zone (@zl bytes) or under it. */
static bool in_zone(const char *name, size_t nl, const char *zone, size_t zl)
{
	if (!zl)
		return true;
	if (nl < zl || (nl > zl && name[nl - zl - 1] != '.'))
		return false;
	return !memcmp(name + nl - zl, zone, zl);
}

void dnsu_ref_parse(const uint8_t *msg, size_t len, struct dnsu_result *r)
{
	unsigned int zo, pr, up, i;
	char name[PHL_NAME_MAX], zone[PHL_NAME_MAX];
	size_t pos = LDNS_HEADER_SIZE, nl, zl;
	bool host;

	memset(r, 0, sizeof(*r));
	r->verdict = DNSU_IGNORED;
	if (len < LDNS_HEADER_SIZE || (msg[2] & 0x80) ||
	    ((msg[2] >> 3) & 0xf) != LDNS_PACKET_UPDATE)
		return;
	r->verdict = DNSU_REFUSED;
	if (len > DNSU_MSG_MAX)
		return;
	zo = ldns_read_uint16(msg + 4);
	pr = ldns_read_uint16(msg + 6);
	up = ldns_read_uint16(msg + 8);
	if (zo != 1 || pr > DNSU_RRS_MAX || up > DNSU_RRS_MAX)
		return;

	/* The zone: a name, a type and a class. */
	if (!read_name(msg, len, &pos, zone, &zl, &host) || pos + 4 > len)
		return;
	pos += 4;

	/* From here on, a refusal drops the operations found so far. */
	for (i = 0; i < pr + up; i++) {
		uint16_t type, class, rdlen;
		uint32_t ttl;
		bool a4, a6;
		int kind = 0;

		if (!read_name(msg, len, &pos, name, &nl, &host) ||
		    pos + 10 > len)
			goto refuse;
		type = ldns_read_uint16(msg + pos);
		class = ldns_read_uint16(msg + pos + 2);
		ttl = ldns_read_uint32(msg + pos + 4);
		rdlen = ldns_read_uint16(msg + pos + 8);
		pos += 10;
		if (pos + rdlen > len)
			goto refuse;
		pos += rdlen;
		if (i < pr)
			continue;

		a4 = type == LDNS_RR_TYPE_A;
		a6 = type == LDNS_RR_TYPE_AAAA;
		if ((a4 || a6) && class == LDNS_RR_CLASS_IN) {
			if (rdlen != (a4 ? 4 : 16))
				goto refuse;
			kind = PHL_OP_ADD;
		} else if (((a4 || a6) && (class == LDNS_RR_CLASS_ANY ||
					   class == LDNS_RR_CLASS_NONE)) ||
			   (type == LDNS_RR_TYPE_ANY &&
			    class == LDNS_RR_CLASS_ANY)) {
			kind = PHL_OP_DEL;
		}
		if (!kind || !host)
			continue;
		if (!in_zone(name, nl, zone, zl))
			goto refuse;
		/* ANY deletes both families. */
		if (!a6) {
			if (r->n == PHL_OPS_MAX)
				goto refuse;
			r->ops[r->n].kind = kind;
			r->ops[r->n].ttl = kind == PHL_OP_ADD ? ttl : 0;
			memcpy(r->ops[r->n].name, name, PHL_NAME_MAX);
			r->n++;
		}
		if (!a4) {
			struct phl6_op *op = &r->ops6[r->n6];

			if (r->n6 == PHL_OPS_MAX)
				goto refuse;
			memset(op, 0, sizeof(*op));
			op->kind = kind;
			op->ttl = kind == PHL_OP_ADD ? ttl : 0;
			if (kind == PHL_OP_ADD)
				memcpy(&op->addr, msg + pos - rdlen, 16);
			memcpy(op->name, name, PHL_NAME_MAX);
			r->n6++;
		}
	}
	r->verdict = DNSU_OK;
	return;
refuse:
	r->n = 0;
	r->n6 = 0;
}
