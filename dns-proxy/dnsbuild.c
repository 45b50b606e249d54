// SPDX-License-Identifier: GPL-2.0
/* Answers made here, not upstream: built with ldns, so they parse. */
#include <stdlib.h>
#include <string.h>

#include "dnsbuild.h"

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
	out[2] = DNS_QR_BIT | (hdr[2] & 0x79);
	out[3] = 0x80 | (rcode & 0x0f);
}

size_t dns_formerr(const uint8_t *buf, uint8_t out[DNS_HDR_LEN])
{
	ldns_pkt *p = ldns_pkt_new();
	size_t n = 0;

	/* Nothing past the header can be trusted: the header only. */
	if (p) {
		ldns_pkt_set_id(p, dns_get16(buf));
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
	/* The rare path: the query parsed by ldns, to repeat its question. */
	ldns_pkt *qp = dns_ldns_parse(q->wire, q->len);
	const ldns_rr_list *qs = qp ? ldns_pkt_question(qp) : NULL;
	ldns_pkt *p = qp ? ldns_pkt_new() : NULL;
	size_t i, n = 0;

	if (p) {
		ldns_pkt_set_id(p, q->id);
		ldns_pkt_set_qr(p, true);
		ldns_pkt_set_opcode(p, ldns_pkt_get_opcode(qp));
		ldns_pkt_set_rd(p, ldns_pkt_rd(qp));
		ldns_pkt_set_cd(p, ldns_pkt_cd(qp));
		ldns_pkt_set_ra(p, true);
		ldns_pkt_set_rcode(p, LDNS_RCODE_SERVFAIL);
		for (i = 0; qs && i < ldns_rr_list_rr_count(qs); i++)
			ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION,
					 ldns_rr_clone(ldns_rr_list_rr(qs, i)));
		/* EDNS asked, EDNS answered (RFC 6891 7). */
		if (ldns_pkt_edns(qp)) {
			ldns_pkt_set_edns_udp_size(p, DNS_EDNS_SIZE);
			ldns_pkt_set_edns_do(p, ldns_pkt_edns_do(qp));
		}
		n = to_wire(p, out, cap);
		ldns_pkt_free(p);
	}
	ldns_pkt_free(qp);
	if (!n) {
		/* Too big to repeat the question (or no memory): header. */
		uint8_t hdr[DNS_HDR_LEN] = { q->id >> 8, q->id & 0xff,
					     q->m.opcode << 3 |
						     (q->wire[2] & 0x01) };

		answer_header(out, hdr, LDNS_RCODE_SERVFAIL);
		n = DNS_HDR_LEN;
	}
	return n;
}

/* Header, question and EDNS of @r, TC set, into @out if it fits. */
static size_t truncated(const uint8_t *buf, size_t len, uint16_t id,
			uint8_t *out, size_t limit)
{
	/* The rare path: parsed by ldns, rebuilt by ldns. */
	ldns_pkt *p = dns_ldns_parse(buf, len);
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

uint8_t *dns_finish(uint8_t *buf, size_t len, uint16_t id, size_t limit,
		    uint8_t *tc, size_t *outlen)
{
	buf[0] = id >> 8;
	buf[1] = id & 0xff;
	if (len <= limit) {
		*outlen = len;
		return buf;
	}
	*outlen = truncated(buf, len, id, tc, limit);
	if (!*outlen) {
		/* A question longer than the limit (several): the header. */
		answer_header(tc, buf, buf[3] & 0x0f);
		tc[2] = buf[2] | DNS_TC_BIT;
		tc[3] = buf[3];
		*outlen = DNS_HDR_LEN;
	}
	return tc;
}

size_t dns_ecs_scope_checked(uint8_t *buf, size_t len, size_t cap,
			     const struct dns_ecs *ecs, uint8_t scope)
{
	uint8_t *copy = malloc(len);
	ldns_pkt *p = NULL;
	size_t n;

	if (!copy)
		return len;
	memcpy(copy, buf, len);
	n = dns_ecs_scope(buf, len, cap, ecs, scope);
	/*
	 * The edit put ECS into an OPT record: a parser must read the
	 * message and see its EDNS, or the edit is not made at all.
	 */
	if (n != len && (ldns_wire2pkt(&p, buf, n) != LDNS_STATUS_OK ||
			 !ldns_pkt_edns(p))) {
		memcpy(buf, copy, len);
		n = len;
	}
	ldns_pkt_free(p);
	free(copy);
	return n;
}
