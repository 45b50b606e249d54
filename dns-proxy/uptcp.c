// SPDX-License-Identifier: GPL-2.0
/*
 * Upstream TCP connections, reused: a connection per TC answer cost a
 * handshake (and a TIME_WAIT) per query. A connection stays
 * UPTCP_IDLE_MS after its last answer, for the next query to that
 * upstream. One that closes or fails after it has carried answers may
 * only have been closed by the server as idle: its waiting queries are
 * sent once more on a new connection, not counted as failed.
 */
#include <errno.h>
#include <stdlib.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "addr.h"
#include "dnswire.h"
#include "ntsdns.h"
#include "uptcp.h"

/*
 * Queries one connection carries at once. One, as dnsdist's backend
 * connections unless told otherwise: a server that answers a
 * connection's queries in turn would make each wait for the one before.
 * More would work (answers are matched by ID, in any order).
 */
#define UPTCP_PIPELINE 1
/* Well below the servers' own idle timeouts (BIND, Unbound: 30 s). */
#define UPTCP_IDLE_MS 5000

struct uptcp_conn {
	struct uptcp *u;
	unsigned int up; /* the upstream's index */
	struct bufferevent *bev;
	struct event *idle;
	LIST_HEAD(, uptcp_req) reqs;
	unsigned int nreqs;
	unsigned int heard; /* messages it brought: it has worked */
	bool draining;	    /* no new queries: one went unanswered */
	bool reading;	    /* in conn_read(): close after it, not now */
	bool doomed;	    /* to close when conn_read() is done */
	LIST_ENTRY(uptcp_conn) link;
};

struct uptcp {
	struct proxy *px;
	uptcp_msg_fn *msg;
	uptcp_fail_fn *fail;
	void *arg;
	LIST_HEAD(, uptcp_conn) conns[MAX_UPSTREAM];
	uint8_t buf[DNS_MSG_MAX]; /* one message, as it came */
};

/* @c with nothing waiting on it. */
static void conn_close(struct uptcp_conn *c)
{
	LIST_REMOVE(c, link);
	event_free(c->idle);
	bufferevent_free(c->bev);
	free(c);
}

/* Nothing waits on @c: keep it for the next, or let it go. */
static void conn_quiet(struct uptcp_conn *c)
{
	struct timeval tv = { UPTCP_IDLE_MS / 1000,
			      UPTCP_IDLE_MS % 1000 * 1000 };

	if (!c->draining)
		evtimer_add(c->idle, &tv);
	else if (c->reading)
		c->doomed = true;
	else
		conn_close(c);
}

static struct uptcp_conn *detach(struct uptcp_req *req)
{
	struct uptcp_conn *c = req->conn;

	if (c) {
		LIST_REMOVE(req, link);
		req->conn = NULL;
		c->nreqs--;
	}
	return c;
}

static int ask(struct uptcp *u, unsigned int up, struct uptcp_req *req);

/*
 * @c is gone; so is every query on it, unless @c had worked before:
 * then the server may just have closed it as idle, and each is asked
 * once more on another connection.
 */
static void conn_fail(struct uptcp_conn *c, int err)
{
	struct uptcp *u = c->u;
	bool resend = c->heard;
	unsigned int up = c->up;
	LIST_HEAD(, uptcp_req) gone = LIST_HEAD_INITIALIZER(gone);
	struct uptcp_req *req;

	while ((req = LIST_FIRST(&c->reqs))) {
		detach(req);
		LIST_INSERT_HEAD(&gone, req, link);
	}
	conn_close(c);
	while ((req = LIST_FIRST(&gone))) {
		LIST_REMOVE(req, link);
		if (resend && !req->resent) {
			req->resent = true;
			if (!ask(u, up, req))
				continue;
		}
		u->fail(u->arg, req, err);
	}
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct uptcp_conn *c = arg;
	struct uptcp *u = c->u;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[2];
	size_t len;

	c->reading = true;
	while (!c->doomed && evbuffer_copyout(in, hdr, 2) == 2) {
		len = dns_get16(hdr);
		if (evbuffer_get_length(in) < 2 + len)
			break;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, u->buf, len);
		c->heard++;
		u->msg(u->arg, c, u->buf, len);
	}
	c->reading = false;
	if (c->doomed)
		conn_close(c);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	conn_fail(arg,
		  what & BEV_EVENT_EOF ? ECONNRESET : EVUTIL_SOCKET_ERROR());
}

static void conn_idle(evutil_socket_t fd, short what, void *arg)
{
	struct uptcp_conn *c = arg;

	(void)fd;
	(void)what;
	if (!c->nreqs)
		conn_close(c);
}

static struct uptcp_conn *conn_new(struct uptcp *u, unsigned int up)
{
	const struct sockaddr_storage *to = &u->px->cfg.upstream[up];
	struct uptcp_conn *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return NULL;
	c->u = u;
	c->up = up;
	LIST_INIT(&c->reqs);
	c->bev = bufferevent_socket_new(u->px->base, -1, BEV_OPT_CLOSE_ON_FREE);
	c->idle = evtimer_new(u->px->base, conn_idle, c);
	if (!c->bev || !c->idle)
		goto fail;
	bufferevent_setcb(c->bev, conn_read, NULL, conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(c->bev, (const struct sockaddr *)to,
				       addr_len(to)))
		goto fail;
	LIST_INSERT_HEAD(&u->conns[up], c, link);
	return c;
fail:
	err = errno ? errno : ENOMEM;
	if (c->idle)
		event_free(c->idle);
	if (c->bev)
		bufferevent_free(c->bev);
	free(c);
	errno = err;
	return NULL;
}

/* A connection to @up with room for one more, or NULL. */
static struct uptcp_conn *pick(struct uptcp *u, unsigned int up)
{
	struct uptcp_conn *c;

	LIST_FOREACH(c, &u->conns[up], link)
	if (!c->draining && c->nreqs < UPTCP_PIPELINE)
		return c;
	return NULL;
}

static int ask(struct uptcp *u, unsigned int up, struct uptcp_req *req)
{
	uint8_t hdr[2] = { req->len >> 8, req->len & 0xff };
	struct uptcp_conn *c = pick(u, up);

	errno = 0;
	if (!c)
		c = conn_new(u, up);
	if (!c)
		return -errno;
	if (bufferevent_write(c->bev, hdr, 2) ||
	    bufferevent_write(c->bev, req->msg, req->len)) {
		/* (A part written: the connection can't be trusted.) */
		c->draining = true;
		if (!c->nreqs)
			conn_quiet(c);
		return -ENOMEM;
	}
	evtimer_del(c->idle);
	LIST_INSERT_HEAD(&c->reqs, req, link);
	req->conn = c;
	c->nreqs++;
	return 0;
}

int uptcp_send(struct uptcp *u, unsigned int up, struct uptcp_req *req)
{
	uptcp_done(req, false);
	req->resent = false;
	return ask(u, up, req);
}

void uptcp_done(struct uptcp_req *req, bool answered)
{
	struct uptcp_conn *c = detach(req);

	if (!c)
		return;
	if (!answered)
		c->draining = true;
	if (!c->nreqs)
		conn_quiet(c);
}

struct uptcp *uptcp_new(struct proxy *px, uptcp_msg_fn *msg,
			uptcp_fail_fn *fail, void *arg)
{
	struct uptcp *u = calloc(1, sizeof(*u));
	size_t i;

	if (!u)
		return NULL;
	u->px = px;
	u->msg = msg;
	u->fail = fail;
	u->arg = arg;
	for (i = 0; i < MAX_UPSTREAM; i++)
		LIST_INIT(&u->conns[i]);
	return u;
}

/* At exit: what still waits is forgotten, not told. */
void uptcp_free(struct uptcp *u)
{
	struct uptcp_conn *c;
	struct uptcp_req *req;
	size_t i;

	if (!u)
		return;
	for (i = 0; i < MAX_UPSTREAM; i++)
		while ((c = LIST_FIRST(&u->conns[i]))) {
			while ((req = LIST_FIRST(&c->reqs)))
				detach(req);
			conn_close(c);
		}
	free(u);
}
