/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The answers ntsdns makes itself, built with ldns: FORMERR, SERVFAIL,
 * and a truncated copy of an answer too big for UDP. Everything else a
 * client gets is the upstream's bytes with only the ID (and, after an
 * ACCEPT, an A record's TTL and address) changed, so that whatever
 * ntsdns does not understand still reaches the client as sent.
 */
#ifndef NTSDNS_DNSBUILD_H
#define NTSDNS_DNSBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <ldns/ldns.h>

#include "dnswire.h"

/* FORMERR for @buf (at least DNS_HDR_LEN bytes) into @out. The length. */
size_t dns_formerr(const uint8_t *buf, uint8_t out[DNS_HDR_LEN]);

/* SERVFAIL for @q into @out (@cap >= DNS_UDP_MIN). The length. */
size_t dns_servfail(const struct dnsq *q, uint8_t *out, size_t cap);

/*
 * The answer to send: @buf (an answer dnsr_parse() took) with ID @id if
 * it fits in @limit bytes (returns @buf), otherwise, parsed by ldns
 * then, its header, question and EDNS with TC set,
 * written to @tc (@limit >= DNS_UDP_MIN bytes; returns @tc). *@outlen
 * gets the length. @buf is changed (the ID).
 */
uint8_t *dns_finish(uint8_t *buf, size_t len, uint16_t id, size_t limit,
		    uint8_t *tc, size_t *outlen);

/*
 * dns_ecs_scope(), and the edit undone unless ldns still reads the
 * message whole and sees its EDNS: what the wire walk and ldns disagree
 * about (malformed answers the fuzzer finds) reaches the client as the
 * upstream sent it.
 */
size_t dns_ecs_scope_checked(uint8_t *buf, size_t len, size_t cap,
			     const struct dns_ecs *ecs, uint8_t scope);

#endif /* NTSDNS_DNSBUILD_H */
