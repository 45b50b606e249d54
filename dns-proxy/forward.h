/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Upstreams: a query goes out with an ID of our own, is retried on the
 * next upstream, asked again over TCP when it must be, and comes back
 * as one call of its done() callback: the answer, or why there is none.
 * Like dnsdist's TCPQuerySender, the caller is told; it is never
 * called by name, and what it does in done() is its own business (free
 * the request, even): forward.c is finished with it before it calls.
 */
#ifndef NTSDNS_FORWARD_H
#define NTSDNS_FORWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnswire.h"
#include "uptcp.h"

struct proxy;
struct forwarder;
struct fwd_req;

/*
 * The answer: @buf (malloc'd, @len bytes, the upstream's ID; the
 * caller's to free) and @r (read from it, offsets into it, to copy). Or
 * @buf NULL: no upstream answered; @why says so for the log.
 */
typedef void fwd_done_fn(struct fwd_req *req, uint8_t *buf, size_t len,
			 const struct dnsmsg *r, const char *why);

/* One query upstream: the caller's part, then forward.c's. */
struct fwd_req {
	fwd_done_fn *done;
	const struct dnsq *dq; /* what an answer must answer */
	uint8_t *wire;	       /* the query; its ID is set here */
	size_t len;
	bool whole; /* for a TCP client: a truncated answer won't do */

	struct forwarder *fw; /* while in flight */
	uint16_t id;
	unsigned int attempt; /* upstream attempts made */
	unsigned int tried;   /* bit i: upstream i was asked */
	unsigned int cur;     /* the one asked last */
	int err;	      /* how its TCP connection failed */
	struct event *timer;
	struct uptcp_req up; /* over TCP: on a connection of uptcp.c's */
	bool tcp;	     /* asked over TCP: UDP came back TC */
};

struct forwarder *forward_init(struct proxy *px);
void forward_fini(struct forwarder *fw);

/* Send @req; 0, and done() follows, or -errno, and it won't. */
int forward_start(struct forwarder *fw, struct fwd_req *req);
/* Forget @req, in flight or not: done() will not be called. */
void forward_cancel(struct fwd_req *req);

#endif /* NTSDNS_FORWARD_H */
