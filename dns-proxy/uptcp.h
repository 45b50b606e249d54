/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP connections to the upstreams, kept open for the next query: one
 * asked over TCP goes out on a connection to its upstream that has
 * room, or on a new one. Which query a message answers is the caller's
 * to say (forward.c, by ID), told through the callbacks it gave; this
 * file only carries messages.
 */
#ifndef NTSDNS_UPTCP_H
#define NTSDNS_UPTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

struct proxy;
struct uptcp;
struct uptcp_conn;

/* One message asked on a connection, until its answer or its end. */
struct uptcp_req {
	const uint8_t *msg; /* the caller's, until uptcp_done() */
	size_t len;

	struct uptcp_conn *conn; /* where it waits, or NULL */
	bool resent;		 /* once on a new connection already */
	LIST_ENTRY(uptcp_req) link;
};

/* A message came on @c (in uptcp.c's buffer: copy what you keep). */
typedef void uptcp_msg_fn(void *arg, const struct uptcp_conn *c,
			  const uint8_t *buf, size_t len);
/*
 * @req's connection failed (-errno @err) before its answer came; @req
 * waits no more. Must not free requests: others may be told next.
 */
typedef void uptcp_fail_fn(void *arg, struct uptcp_req *req, int err);

struct uptcp *uptcp_new(struct proxy *px, uptcp_msg_fn *msg,
			uptcp_fail_fn *fail, void *arg);
void uptcp_free(struct uptcp *u);

/* Ask @req on a connection to upstream @up: 0, or -errno (it won't). */
int uptcp_send(struct uptcp *u, unsigned int up, struct uptcp_req *req);
/*
 * @req waits no more: @answered, or given up, in which case its
 * connection takes no new queries (the upstream may be stuck on it).
 */
void uptcp_done(struct uptcp_req *req, bool answered);

#endif /* NTSDNS_UPTCP_H */
