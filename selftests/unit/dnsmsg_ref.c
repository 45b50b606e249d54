// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdbool.h> /* before ldns, or its bool is a char */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ldns/ldns.h>

#include "dnsmsg.h"
#include "dnsmsg_ref.h"
#include "dnswire.h"

#define DIFFER(...)                               \
	do {                                      \
		snprintf(why, wlen, __VA_ARGS__); \
		goto differ;                      \
	} while (0)

/* An ldns name as lowercase text, into @out. */
static void rdf_text(const ldns_rdf *rdf, char *out, size_t n)
{
	char *s = ldns_rdf2str(rdf);
	size_t i;

	snprintf(out, n, "%s", s ? s : "(null)");
	for (i = 0; out[i]; i++)
		out[i] = tolower((unsigned char)out[i]);
	free(s);
}

/* The name at @off of @m, read by dnsmsg.c, as rdf_text() writes it. */
static void wire_text(const uint8_t *m, size_t len, size_t off, char *out,
		      size_t n)
{
	uint8_t d[DNS_NAME_MAX];
	size_t l = dns_name_get(m, len, off, d, NULL);
	ldns_rdf *rdf =
		l ? ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, l, d) : NULL;

	if (!rdf) {
		snprintf(out, n, "(unreadable)");
		return;
	}
	rdf_text(rdf, out, n);
	ldns_rdf_deep_free(rdf);
}

enum dnsmsg_ref dnsmsg_ref_check(const uint8_t *m, size_t len, char *why,
				 size_t wlen)
{
	char a[1024], b[1024];
	struct dnsmsg msg;
	struct dnsrr rr;
	ldns_pkt *p = dns_ldns_parse(m, len);
	size_t i, pos, lpos, off;
	const ldns_rdf *ed;
	ldns_rr *lrr;
	int err = dnsmsg_parse(m, len, &msg);

	why[0] = '\0';
	if ((err == -EBADMSG || DNSMSG_STRICT(err)) && !p)
		return DNSMSG_REF_NEITHER;
	if (DNSMSG_STRICT(err)) {
		snprintf(why, wlen, "%s",
			 err == -ELOOP ? "pointers" : "framing");
		ldns_pkt_free(p);
		return DNSMSG_REF_STRICT;
	}
	if (err)
		DIFFER("dnsmsg_parse: %d, ldns: %s", err, p ? "ok" : "refused");
	if (!p)
		DIFFER("dnsmsg_parse took it, ldns did not");
	if (msg.id != ldns_pkt_id(p) || msg.opcode != ldns_pkt_get_opcode(p) ||
	    msg.rcode != ldns_pkt_get_rcode(p) || msg.qr != ldns_pkt_qr(p) ||
	    msg.tc != ldns_pkt_tc(p))
		DIFFER("header: id %x/%x opcode %u/%u rcode %u/%u qr %d/%d "
		       "tc %d/%d",
		       msg.id, ldns_pkt_id(p), msg.opcode,
		       ldns_pkt_get_opcode(p), msg.rcode, ldns_pkt_get_rcode(p),
		       msg.qr, ldns_pkt_qr(p), msg.tc, ldns_pkt_tc(p));
	if (msg.qdcount != ldns_pkt_qdcount(p) ||
	    msg.ancount != ldns_pkt_ancount(p) ||
	    msg.nscount != ldns_pkt_nscount(p) ||
	    msg.arcount - msg.edns - msg.tsig != ldns_pkt_arcount(p))
		DIFFER("counts");
	if (msg.tsig != !!ldns_pkt_tsig(p) || msg.edns != ldns_pkt_edns(p))
		DIFFER("OPT or TSIG");
	if (msg.edns) {
		ed = ldns_pkt_edns_data(p);
		if (msg.udp_size != ldns_pkt_edns_udp_size(p))
			DIFFER("EDNS UDP size");
		/* The options ECS is read from: the same bytes. */
		if (msg.opt_rdlen
			    ? !ed || ldns_rdf_size(ed) != msg.opt_rdlen ||
				      memcmp(ldns_rdf_data(ed),
					     m + msg.opt_rdata, msg.opt_rdlen)
			    : !!ed)
			DIFFER("EDNS options");
	}
	pos = DNS_HDR_LEN;
	for (i = 0; i < msg.qdcount; i++) {
		lrr = ldns_rr_list_rr(ldns_pkt_question(p), i);
		if (!i && msg.q_off != pos)
			DIFFER("question offset");
		wire_text(m, len, pos, a, sizeof(a));
		rdf_text(ldns_rr_owner(lrr), b, sizeof(b));
		pos = dns_skip_name(m, len, pos);
		if (strcmp(a, b) ||
		    ldns_read_uint16(m + pos) != ldns_rr_get_type(lrr) ||
		    ldns_read_uint16(m + pos + 2) != ldns_rr_get_class(lrr))
			DIFFER("question %zu: %s / %s", i, a, b);
		if (!i && (msg.qtype != ldns_rr_get_type(lrr) ||
			   msg.qclass != ldns_rr_get_class(lrr)))
			DIFFER("first question's type or class");
		pos += 4;
	}
	if (msg.an_off != pos)
		DIFFER("answers' offset");
	/* Where ldns reads each answer record: its own walk, again. */
	lpos = pos;
	for (i = 0; i < msg.ancount; i++) {
		size_t start = lpos;
		ldns_rdf *owner;
		ldns_rr *r2;

		lrr = ldns_rr_list_rr(ldns_pkt_answer(p), i);
		dnsmsg_rr(m, &pos, &rr);
		off = lpos;
		if (ldns_wire2dname(&owner, m, len, &off) != LDNS_STATUS_OK)
			DIFFER("answer %zu: ldns's owner", i);
		ldns_rdf_deep_free(owner);
		if (ldns_wire2rr(&r2, m, len, &lpos, LDNS_SECTION_ANSWER) !=
		    LDNS_STATUS_OK)
			DIFFER("answer %zu: ldns's walk", i);
		ldns_rr_free(r2);
		wire_text(m, len, rr.owner, a, sizeof(a));
		rdf_text(ldns_rr_owner(lrr), b, sizeof(b));
		if (rr.owner != start || strcmp(a, b))
			DIFFER("answer %zu: owner %s / %s", i, a, b);
		if (rr.type != ldns_rr_get_type(lrr) ||
		    rr.class != ldns_rr_get_class(lrr) ||
		    rr.ttl != ldns_rr_ttl(lrr))
			DIFFER("answer %zu: type, class or TTL", i);
		/* The TTL rewrite's offset, and the RDATA ldns read. */
		if (rr.ttl_off != off + 4 ||
		    rr.rdlength != ldns_read_uint16(m + off + 8) ||
		    lpos != rr.rdata + rr.rdlength || pos != lpos)
			DIFFER("answer %zu: TTL at %zu / %zu, RDATA", i,
			       rr.ttl_off, off + 4);
	}
	ldns_pkt_free(p);
	return DNSMSG_REF_BOTH;
differ:
	ldns_pkt_free(p);
	return DNSMSG_REF_DIFFER;
}
