/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NOTICE path of ntsload, in one direction (issue 15, item 4):
 *
 *   nego_recv.c    receive: datagrams in batches (recvmmsg), with the
 *                  address each was sent to; ICMP errors about ours
 *   nego_auth.c    authenticate: decode and MAC on every core
 *                  (nego_pool.c), then the nonces, in order, on one
 *   nego_decide.c  decide: rate limits, PHL, policy, request cache,
 *                  held NOTICEs; nego_relay.c for cascaded routers
 *   nego_answer.c  answer: sign on every core, send in batches
 *                  (sendmmsg), each from the address its NOTICE came to
 *
 * nego_server.c runs them in that order. What a stage makes it hands on
 * in the structures below; no stage calls back into one before it.
 */
#ifndef NTSLOAD_NEGO_PATH_H
#define NTSLOAD_NEGO_PATH_H

#include <stdbool.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "keys.h"
#include "nego.h"

/* Datagrams read (and answers sent) per system call. */
#define NEGO_BATCH 64

/* Where a NOTICE came from, and to which of our addresses. */
struct nego_peer {
	struct sockaddr_in from;
	__be32 to;
};

/* One datagram, as received, and what authentication made of it. */
struct nego_in {
	/* nego_recv.c: one byte more than the largest message: too long */
	__u8 buf[NEGO_MSG_MAX + 1];
	size_t len;
	struct nego_peer peer;
	/* nego_auth.c */
	int err;		   /* 0 or -enum nego_err */
	struct nego_msg m;	   /* decoded (as far as it went) */
	const struct nts_key *key; /* that signed it; NULL: unsigned */
};

/* What one receive hands on. */
struct nego_batch {
	struct nego_in in[NEGO_BATCH];
	int n;
	/* destinations of ours that ICMP said are unreachable */
	__be32 unreach[NEGO_BATCH];
	int nunreach;
};

/* A message to send: an answer, or a NOTICE relayed to an inner router. */
struct nego_out {
	struct nego_msg m;
	const struct nts_key *key; /* to sign with; NULL: unsigned */
	struct sockaddr_in to;
	__be32 from; /* our address to send from; 0: any */
	bool relay;  /* a relayed NOTICE: failures matter */
	/* nego_answer.c */
	__u8 buf[NEGO_MSG_MAX];
	ssize_t len; /* or -errno */
};

/* What decide hands to answer; room for everything one step can say. */
struct nego_outbox {
	struct nego_out *o;
	int n, max;
	unsigned int dropped; /* no room: never sent (a bug) */
};

/* A relayed NOTICE that could not be sent: answer makes, decide takes. */
struct nego_unsent {
	__be32 dst;
	__u8 txid;
};

/* The next message to send, or NULL when the outbox is full (counted). */
static inline struct nego_out *outbox_add(struct nego_outbox *ob)
{
	struct nego_out *o;

	if (ob->n == ob->max) {
		ob->dropped++;
		return NULL;
	}
	o = &ob->o[ob->n++];
	o->key = NULL;
	o->from = 0;
	o->relay = false;
	return o;
}

/*
 * Answer NOTICE @n, which came from @p, with @type, signed with @key
 * (NULL: unsigned), from the address it came to; an ACCEPT with @via
 * tells the NTS server to answer GN with that address instead. The
 * answer, or NULL when there was no room.
 */
static inline struct nego_out *outbox_answer(struct nego_outbox *ob,
				 const struct nego_msg *n,
				 const struct nts_key *key,
				 const struct nego_peer *p, enum nego_type type,
				 __be32 via)
{
	struct nego_out *o = outbox_add(ob);

	if (!o)
		return NULL;
	memset(&o->m, 0, sizeof(o->m));
	o->m.txid = n->txid;
	o->m.type = type;
	o->m.gn = n->gn;
	o->m.has_addr = via != 0;
	o->m.addr = via;
	/* An answer repeats its notice's GN, an IPv6 one too. */
	o->m.v6 = n->v6;
	memcpy(o->m.gn6, n->gn6, sizeof(o->m.gn6));
	/* ... and its prefix length, when GN is a network (issue 20). */
	o->m.prefix = n->prefix;
	o->m.plen = n->plen;
	memcpy(o->m.fqdn, n->fqdn, sizeof(o->m.fqdn));
	o->key = key;
	o->to = p->from;
	o->from = p->to;
	return o;
}

/* The ACCEPT of IPv6 NOTICE @n: GN is to be answered with @addr6. */
static inline void outbox_accept6(struct nego_outbox *ob,
				  const struct nego_msg *n,
				  const struct nts_key *key,
				  const struct nego_peer *p, const void *addr6)
{
	struct nego_out *o = outbox_answer(ob, n, key, p, NEGO_ACCEPT, 0);

	if (!o)
		return;
	o->m.has_addr = true;
	memcpy(o->m.addr6, addr6, sizeof(o->m.addr6));
}

#endif /* NTSLOAD_NEGO_PATH_H */
