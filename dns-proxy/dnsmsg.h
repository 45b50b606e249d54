/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DNS side of ntsdns without sockets: parse a client's query, check
 * an upstream response against it, find the A records NTS-Nego is for,
 * rewrite them in place, truncate for UDP. The daemon and the fuzz
 * harness both call these; nothing here keeps state.
 *
 * Answers are the upstream's bytes with only the ID (and, after an
 * ACCEPT, an A record's TTL and address) changed, so that whatever ntsdns
 * does not understand still reaches the client as the upstream sent it.
 */
#ifndef NTSDNS_DNSMSG_H
#define NTSDNS_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <ldns/ldns.h>

#include "zones.h"

#define DNS_HDR_LEN 12
#define DNS_UDP_MIN 512 /* without EDNS, and EDNS's floor */
#define DNS_MSG_MAX 65535
/* What we advertise in answers we make up (SERVFAIL): RFC 9715's size. */
#define DNS_EDNS_SIZE 1232
/* CNAMEs followed from the question to the A records. */
#define DNS_CNAME_MAX 16

/* A client's query. */
struct dnsq {
	ldns_pkt *pkt;
	uint16_t id;
	size_t udp_max; /* the largest UDP answer it takes */
	/* An EDNS Client Subnet of one IPv4 host (RFC 7871), network order. */
	bool has_ecs32;
	uint32_t ecs32;
};

enum dnsq_verdict {
	DNSQ_FORWARD, /* a query: forward it */
	DNSQ_FORMERR, /* a header, but not a message: FORMERR */
	DNSQ_DROP,    /* not even a header, or a response: drop */
};

enum dnsq_verdict dnsq_parse(const uint8_t *buf, size_t len, struct dnsq *q);
void dnsq_free(struct dnsq *q);

/* FORMERR for @buf (at least DNS_HDR_LEN bytes) into @out. The length. */
size_t dns_formerr(const uint8_t *buf, uint8_t out[DNS_HDR_LEN]);

/* SERVFAIL for @q into @out (@cap >= DNS_UDP_MIN). The length. */
size_t dns_servfail(const struct dnsq *q, uint8_t *out, size_t cap);

/* Opcode and questions alike, names compared without case. */
bool dns_same_question(const ldns_pkt *q, const ldns_pkt *r);

/*
 * Is @buf an answer to @q sent with ID @id? 0 with *@r parsed; -EBADMSG
 * when it isn't a DNS response, -ESRCH when it answers something else
 * (another ID or question).
 */
int dnsr_parse(const struct dnsq *q, uint16_t id, const uint8_t *buf,
	       size_t len, ldns_pkt **r);

/* An A record of an answer, where it is in the message. */
struct nts_rr {
	size_t ttl_off; /* of the TTL; the address is 6 bytes on */
	uint32_t addr;	/* network order */
};

/* The A records an answer is to be negotiated for. */
struct nts_target {
	char fqdn[256]; /* their owner, as NTS-Nego carries it */
	const struct nts_zone *zone;
	struct nts_rr *rr;
	size_t n;
};

/*
 * If @r (parsed from @buf) answers an A question with A records whose
 * owner, after the CNAME chain, is in one of @zs's zones: 1 and @t
 * filled (nts_target_free() it). 0 when it passes unchanged, -ENOMEM.
 */
int nts_target_find(const uint8_t *buf, size_t len, const ldns_pkt *r,
		    const struct nts_zones *zs, struct nts_target *t);
void nts_target_free(struct nts_target *t);

/* Set @rr's TTL to @ttl and, if @addr isn't NULL, its address. */
void nts_rewrite(uint8_t *buf, const struct nts_rr *rr, uint32_t ttl,
		 const uint32_t *addr);

/*
 * Mark the answer in @buf (@len bytes of @cap) as for one host (RFC 7871
 * 7.2.1: SCOPE PREFIX-LENGTH 32): in its ECS option, or in one for @addr
 * added to its OPT record. No OPT, no room: unchanged. The new length.
 */
size_t dns_ecs_scope(uint8_t *buf, size_t len, size_t cap, uint32_t addr);

/*
 * The answer to send: @buf with ID @id if it fits in @limit bytes
 * (returns @buf), otherwise header, question and EDNS of @r with TC set,
 * written to @tc (@limit >= DNS_UDP_MIN bytes; returns @tc). *@outlen
 * gets the length. @buf is changed (the ID).
 */
uint8_t *dns_finish(uint8_t *buf, size_t len, const ldns_pkt *r, uint16_t id,
		    size_t limit, uint8_t *tc, size_t *outlen);

#endif /* NTSDNS_DNSMSG_H */
