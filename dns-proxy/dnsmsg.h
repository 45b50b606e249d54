/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A DNS message read in place: header, questions, the OPT record and a
 * walk over the answer records, as offsets into the caller's bytes, with
 * no allocation. It accepts what ldns_wire2pkt() accepts and reads the
 * same fields (selftests/unit/test_dnsmsg.c holds it to that), except
 * where it is stricter on purpose (DNSMSG_STRICT below).
 */
#ifndef NTSDNS_DNSMSG_H
#define NTSDNS_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HDR_LEN  12
#define DNS_NAME_MAX 255 /* on the wire, root label included */
/*
 * Compression pointers followed in one name. ldns follows 65535; a real
 * message needs one or two. More is a message built to cost us time.
 */
#define DNS_PTRS_MAX 64

/* A message ldns would read, whose meaning is plain: 0 from dnsmsg_parse(). */
struct dnsmsg {
	uint16_t id;
	uint8_t opcode, rcode; /* the header's 4 bits each */
	bool qr, tc;
	uint16_t qdcount, ancount, nscount, arcount; /* as the header says */
	size_t q_off;		/* the first question's name; 0: none */
	uint16_t qtype, qclass; /* of the first question */
	size_t an_off;		/* the first answer record */
	bool edns;		/* an OPT record */
	uint16_t udp_size;	/* its CLASS */
	size_t opt_rdata;	/* its options, opt_rdlen bytes */
	uint16_t opt_rdlen;
	bool tsig;
};

/*
 * -EBADMSG: ldns refuses it too. The stricter refusals, where ldns reads
 * something other than what the bytes say: -ELOOP, a name of more than
 * DNS_PTRS_MAX pointers; -EPROTO, a record whose RDATA ldns would read
 * past or short of its RDLENGTH (it then reads the next record from the
 * wrong place), or a TSIG that is not the last record (ldns then skips
 * the last one unread: RFC 8945 5.1 wants it last).
 */
#define DNSMSG_STRICT(err) ((err) == -ELOOP || (err) == -EPROTO)

int dnsmsg_parse(const uint8_t *m, size_t len, struct dnsmsg *msg);

/* One resource record, where its parts are in the message. */
struct dnsrr {
	size_t owner;
	uint16_t type, class;
	uint32_t ttl;
	size_t ttl_off;
	uint16_t rdlength;
	size_t rdata;
};

/*
 * The record at *@pos of a message dnsmsg_parse() accepted, *@pos moved
 * past it: the answer section is @msg->ancount calls from @msg->an_off.
 */
void dnsmsg_rr(const uint8_t *m, size_t *pos, struct dnsrr *rr);

/*
 * The name at @off decompressed into @out (labels and root, at most
 * DNS_NAME_MAX bytes), as ldns_wire2dname() reads it. Its length, with
 * *@next (if not NULL) just past it in the message; 0 when ldns refuses
 * it, or it has too many pointers.
 */
size_t dns_name_get(const uint8_t *m, size_t len, size_t off,
		    uint8_t out[DNS_NAME_MAX], size_t *next);

/* Two decompressed names alike, ASCII case aside. */
bool dns_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* Offset just past the name or record at @off, 0 if it isn't one. */
size_t dns_skip_name(const uint8_t *m, size_t len, size_t off);
size_t dns_skip_rr(const uint8_t *m, size_t len, size_t off, bool question);

#endif /* NTSDNS_DNSMSG_H */
