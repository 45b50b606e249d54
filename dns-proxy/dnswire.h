/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS messages as they come off the wire, without sockets: take a
 * client's query, check an upstream response against it (both read in
 * place by dnsmsg.c), parse with ldns for the rare answers built from a
 * message, edit EDNS in place.
 * Nothing here keeps state; the daemon and the fuzz harness both call it.
 */
#ifndef NTSDNS_DNSWIRE_H
#define NTSDNS_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <ldns/ldns.h>

#include "dnsmsg.h"

#define DNS_UDP_MIN 512 /* without EDNS, and EDNS's floor */
#define DNS_MSG_MAX 65535
/* What we advertise in answers we make up (SERVFAIL): RFC 9715's size. */
#define DNS_EDNS_SIZE 1232
#define DNS_QR_BIT    0x80 /* in byte 2 of the header */
#define DNS_TC_BIT    0x02

static inline uint16_t dns_get16(const uint8_t *p)
{
	return (uint16_t)p[0] << 8 | p[1];
}

#define DNS_ECS_V4 1 /* ECS FAMILY (RFC 7871 6): IPv4 */
#define DNS_ECS_V6 2
/* An ECS option's bytes, at most: code, length, 4 fixed, 16 address. */
#define DNS_ECS_OPT_MAX 24

/* An EDNS Client Subnet option (RFC 7871 6), as read. */
struct dns_ecs {
	uint16_t family;  /* DNS_ECS_V4 or DNS_ECS_V6 */
	uint8_t source;	  /* SOURCE PREFIX-LENGTH */
	uint8_t addr[16]; /* the network, zero past source */
};

/* A client's query, read in place: @wire must outlive it. */
struct dnsq {
	struct dnsmsg m;
	const uint8_t *wire;
	size_t len;
	uint16_t id;
	size_t udp_max; /* the largest UDP answer it takes */
	/* Its EDNS Client Subnet, well-formed (else DNSQ_FORMERR). */
	bool has_ecs;
	struct dns_ecs ecs;
};

/* Does @q's ECS name one IPv4 host (family 1, /32)? Then *@addr is it. */
static inline bool dnsq_ecs32(const struct dnsq *q, uint32_t *addr)
{
	if (!q->has_ecs || q->ecs.family != DNS_ECS_V4 || q->ecs.source != 32)
		return false;
	memcpy(addr, q->ecs.addr, 4);
	return true;
}

enum dnsq_verdict {
	DNSQ_FORWARD, /* a query: forward it */
	DNSQ_FORMERR, /* a header, but not a message (or a bad ECS): FORMERR */
	DNSQ_DROP,    /* not even a header, or a response: drop */
};

/* @q->wire is @buf; the verdict. */
enum dnsq_verdict dnsq_parse(const uint8_t *buf, size_t len, struct dnsq *q);

/*
 * Opcode and questions of @a (read into @ma) and @b alike, names
 * compared without case.
 */
bool dns_same_question(const uint8_t *a, const struct dnsmsg *ma,
		       const uint8_t *b, const struct dnsmsg *mb);

/*
 * Is @buf an answer to @q sent with ID @id? 0 with *@r read; -EBADMSG
 * when it isn't a DNS response, -ESRCH when it answers something else
 * (another ID or question).
 */
int dnsr_parse(const struct dnsq *q, uint16_t id, const uint8_t *buf,
	       size_t len, struct dnsmsg *r);

/*
 * ldns_wire2pkt() minus its leaks (ldns_safe()), for the rare answers
 * built from a parsed message: NULL if it does not parse.
 */
ldns_pkt *dns_ldns_parse(const uint8_t *buf, size_t len);

/*
 * Say in the answer in @buf (@len bytes of @cap) for which clients of
 * the query's @ecs it holds (RFC 7871 7.2.1): SCOPE PREFIX-LENGTH @scope
 * in its ECS option, or in one echoing @ecs added to its OPT record
 * (DNS_ECS_OPT_MAX bytes at most). No OPT, no room: unchanged. The new
 * length.
 */
size_t dns_ecs_scope(uint8_t *buf, size_t len, size_t cap,
		     const struct dns_ecs *ecs, uint8_t scope);

#endif /* NTSDNS_DNSWIRE_H */
