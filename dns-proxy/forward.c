// SPDX-License-Identifier: GPL-2.0
/*
 * Upstreams: each query goes out with a random ID no other query in
 * flight has; an answer counts only from an upstream the query was sent
 * to, with that ID and the same question. Every query goes out over UDP
 * first, a TCP client's too: a connection upstream per TCP query made a
 * pipelining client open hundreds. A TCP client's query whose UDP
 * answer is truncated is asked again over TCP, on a connection to that
 * upstream kept open for the next (uptcp.c); the answer is found by ID
 * and must come on the connection the query went out on.
 *
 * Retries: --upstream-timeout is shared out among the attempts (one per
 * upstream, at least two), each to the next upstream, starting with the
 * one that answered last; after the last, done() without an answer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/event.h>

#include "addr.h"
#include "dgram.h"
#include "evlog.h"
#include "forward.h"
#include "log.h"
#include "ntsdns.h"
#include "rand.h"
#include "sock.h"

#define ID_SPACE 65536
/* recvmmsg() calls per wakeup: others' turn after that. */
#define UDP_READS 2

/* The UDP socket of one family: queries out in batches, answers in. */
struct upsock {
	struct forwarder *fw;
	int fd;
	struct event *ev, *flush;
	struct dgram_batch *batch;
};

struct forwarder {
	struct proxy *px;
	/* UDP sockets by family, and requests by upstream ID. */
	struct upsock up4, up6;
	struct uptcp *tcp;
	struct fwd_req **inflight;
	unsigned int ninflight;
	unsigned int first; /* the upstream that answered last */
};

/* A TCP client takes whole answers: a truncated one is asked over TCP. */
static bool wants_whole(const struct fwd_req *r, const uint8_t *buf, size_t len)
{
	return r->whole && len > 2 && (buf[2] & DNS_TC_BIT);
}

static unsigned int attempts(const struct proxy *px)
{
	return px->cfg.nupstream > 1 ? px->cfg.nupstream : 2;
}

static uint16_t random_id(void)
{
	uint16_t id = 0;

	nts_random(&id, sizeof(id)); /* on failure, 0: a table walk finds one */
	return id;
}

static int id_alloc(struct forwarder *fw, struct fwd_req *r)
{
	uint16_t id;
	unsigned int i;

	if (fw->ninflight >= ID_SPACE)
		return -EBUSY;
	/* Random tries first; a nearly full table: the next free one. */
	for (i = 0; i < 64; i++) {
		id = random_id();
		if (!fw->inflight[id])
			goto found;
	}
	for (i = 0; i < ID_SPACE; i++)
		if (!fw->inflight[++id])
			goto found;
	return -EBUSY;
found:
	fw->inflight[id] = r;
	fw->ninflight++;
	r->id = id;
	r->wire[0] = id >> 8;
	r->wire[1] = id & 0xff;
	return 0;
}

/* The index of the upstream @from, if @r was sent to it, or -1. */
static int asked(const struct fwd_req *r, const struct sockaddr_storage *from)
{
	const struct config *c = &r->fw->px->cfg;
	size_t i;

	for (i = 0; i < c->nupstream; i++)
		if ((r->tried & 1u << i) && addr_eq(&c->upstream[i], from))
			return i;
	return -1;
}

/* Nothing of @r left here: no timer, no ID, no connection. */
static void release(struct fwd_req *r)
{
	struct forwarder *fw = r->fw;

	if (!fw)
		return;
	if (r->timer)
		event_free(r->timer);
	r->timer = NULL;
	uptcp_done(&r->up, false);
	if (fw->inflight[r->id] == r) {
		fw->inflight[r->id] = NULL;
		fw->ninflight--;
	}
	r->fw = NULL;
}

/* The end of @r: released first, for done() may free it. */
static void finish(struct fwd_req *r, uint8_t *buf, size_t len,
		   const struct dnsmsg *pkt, const char *why)
{
	release(r);
	r->done(r, buf, len, pkt, why);
}

static void accept_answer(struct fwd_req *r, int up, const uint8_t *buf,
			  size_t len, const struct dnsmsg *pkt)
{
	uint8_t *copy = malloc(len);

	if (!copy)
		return; /* a retry or the timeout will do */
	memcpy(copy, buf, len);
	r->fw->first = up;
	finish(r, copy, len, pkt, NULL);
}

static void over_tcp(struct fwd_req *r, int up);

/* One datagram from an upstream. */
static void udp_answer(struct forwarder *fw, const struct dgram *d)
{
	struct fwd_req *r;
	char who[ADDR_STRLEN];
	struct dnsmsg pkt;
	int up;

	r = d->len >= 2 ? fw->inflight[dns_get16(d->buf)] : NULL;
	up = r && !r->tcp ? asked(r, &d->peer) : -1;
	if (up < 0 || dnsr_parse(r->dq, r->id, d->buf, d->len, &pkt)) {
		/* Late, spoofed or broken: as if never sent. */
		fw->px->cnt.upstream_ignored++;
		ev_debug("ignored %zu bytes from %s: not the answer to a "
			 "query in flight",
			 d->len, addr_str(&d->peer, who, sizeof(who)));
		return;
	}
	if (wants_whole(r, d->buf, d->len)) {
		over_tcp(r, up);
		return;
	}
	accept_answer(r, up, d->buf, d->len, &pkt);
}

static void udp_readable(evutil_socket_t fd, short what, void *arg)
{
	struct upsock *u = arg;
	struct dgram *d;
	int i, n, rd;

	(void)fd;
	(void)what;
	for (rd = 0; rd < UDP_READS; rd++) {
		n = dgram_recv(u->batch, u->fd, false, &d);
		for (i = 0; i < n; i++)
			udp_answer(u->fw, &d[i]);
		if (n < DGRAM_BATCH)
			return;
	}
}

/* This attempt failed early: the next one now, not at the timeout. */
static void attempt_failed(struct fwd_req *r)
{
	static const struct timeval now;

	evtimer_add(r->timer, &now);
}

/* A message on an upstream TCP connection (uptcp.c's callback). */
static void tcp_answer(void *arg, const struct uptcp_conn *c,
		       const uint8_t *buf, size_t len)
{
	struct forwarder *fw = arg;
	struct fwd_req *r = len >= 2 ? fw->inflight[dns_get16(buf)] : NULL;
	struct dnsmsg pkt;

	/* Ours: the ID of a query asked on this very connection. */
	if (!r || r->up.conn != c || dnsr_parse(r->dq, r->id, buf, len, &pkt)) {
		fw->px->cnt.upstream_ignored++;
		return; /* not ours: wait for the answer */
	}
	uptcp_done(&r->up, true);
	accept_answer(r, r->cur, buf, len, &pkt);
}

/* @r's connection failed (uptcp.c's callback): the next attempt. */
static void tcp_failed(void *arg, struct uptcp_req *req, int err)
{
	struct fwd_req *r = container_of(req, struct fwd_req, up);
	char who[ADDR_STRLEN];

	(void)arg;
	r->err = err;
	ev_debug("upstream %s over TCP: %s",
		 addr_str(&r->fw->px->cfg.upstream[r->cur], who, sizeof(who)),
		 strerror(r->err));
	attempt_failed(r);
}

static void tcp_ask(struct fwd_req *r, unsigned int up)
{
	int err;

	r->fw->px->cnt.upstream_tcp++;
	r->up.msg = r->wire;
	r->up.len = r->len;
	err = uptcp_send(r->fw->tcp, up, &r->up);
	if (err) {
		r->err = -err;
		attempt_failed(r);
	}
}

/* The same upstream, over TCP, in what is left of this attempt's time. */
static void over_tcp(struct fwd_req *r, int up)
{
	r->tcp = true;
	r->cur = up;
	tcp_ask(r, up);
}

/* A failure here is a lost datagram: the timer tries again. */
static void udp_refused(const struct sockaddr_storage *to, int err, void *arg)
{
	char who[ADDR_STRLEN];

	(void)arg;
	ev_debug("cannot send a query to %s: %s",
		 addr_str(to, who, sizeof(who)), strerror(err));
}

/* After the wakeup that queued them: the queries go out together. */
static void udp_flush(evutil_socket_t fd, short what, void *arg)
{
	struct upsock *u = arg;

	(void)fd;
	(void)what;
	dgram_flush(u->batch, u->fd, udp_refused, NULL);
}

static void udp_ask(struct fwd_req *r, const struct sockaddr_storage *to)
{
	static const struct sockaddr_storage any;
	struct forwarder *fw = r->fw;
	struct upsock *u = to->ss_family == AF_INET6 ? &fw->up6 : &fw->up4;

	if (!dgram_pending(u->batch))
		event_active(u->flush, EV_WRITE, 0);
	if (dgram_queue(u->batch, to, &any, 0, r->wire, r->len))
		dgram_flush(u->batch, u->fd, udp_refused, NULL);
}

static void attempt(struct fwd_req *r)
{
	struct forwarder *fw = r->fw;
	const struct config *c = &fw->px->cfg;
	unsigned int n = attempts(fw->px), t = c->upstream_timeout_ms;
	unsigned int i = (fw->first + r->attempt) % c->nupstream;
	/* The last attempt gets what is left of the timeout. */
	unsigned int ms = r->attempt + 1 < n ? t / n : t - (n - 1) * (t / n);
	struct timeval tv = { ms / 1000, ms % 1000 * 1000 };

	r->attempt++;
	r->tried |= 1u << i;
	r->cur = i;
	r->err = 0;
	evtimer_add(r->timer, &tv);
	if (r->tcp)
		tcp_ask(r, i);
	else
		udp_ask(r, &c->upstream[i]);
}

static void timeout(evutil_socket_t fd, short what, void *arg)
{
	struct fwd_req *r = arg;
	struct proxy *px = r->fw->px;
	char why[ADDR_STRLEN + 64], who[ADDR_STRLEN];

	(void)fd;
	(void)what;
	uptcp_done(&r->up, false); /* no answer on it in time */
	if (r->attempt < attempts(px)) {
		attempt(r);
		return;
	}
	if (px->cfg.nupstream > 1)
		snprintf(why, sizeof(why), "no upstream answered in %u ms",
			 px->cfg.upstream_timeout_ms);
	else if (r->err)
		snprintf(why, sizeof(why), "upstream %s over TCP: %s",
			 addr_str(&px->cfg.upstream[0], who, sizeof(who)),
			 strerror(r->err));
	else
		snprintf(why, sizeof(why), "no answer from %s in %u ms",
			 addr_str(&px->cfg.upstream[0], who, sizeof(who)),
			 px->cfg.upstream_timeout_ms);
	finish(r, NULL, 0, NULL, why);
}

int forward_start(struct forwarder *fw, struct fwd_req *r)
{
	r->fw = fw;
	/* Large queries from TCP clients: not as a UDP datagram. */
	r->tcp = r->whole && r->len > DNS_EDNS_SIZE;
	r->timer = evtimer_new(fw->px->base, timeout, r);
	if (!r->timer || id_alloc(fw, r)) {
		release(r);
		return -ENOMEM;
	}
	attempt(r);
	return 0;
}

void forward_cancel(struct fwd_req *r)
{
	release(r);
}

static int udp_socket(struct forwarder *fw, int family, struct upsock *u)
{
	u->fw = fw;
	u->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0) {
		pr_err("cannot open a UDP socket for the upstreams: %s",
		       strerror(errno));
		return -errno;
	}
	sock_big_rcvbuf(u->fd);
	u->ev = event_new(fw->px->base, u->fd, EV_READ | EV_PERSIST,
			  udp_readable, u);
	u->flush = event_new(fw->px->base, -1, 0, udp_flush, u);
	u->batch = dgram_batch_new();
	if (!u->ev || !u->flush || !u->batch || event_add(u->ev, NULL)) {
		pr_err("cannot open a UDP socket for the upstreams: out of "
		       "memory");
		return -ENOMEM;
	}
	return 0;
}

static void udp_close(struct upsock *u)
{
	if (u->batch && u->fd >= 0)
		dgram_flush(u->batch, u->fd, udp_refused, NULL);
	if (u->ev)
		event_free(u->ev);
	if (u->flush)
		event_free(u->flush);
	dgram_batch_free(u->batch);
	if (u->fd >= 0)
		close(u->fd);
}

struct forwarder *forward_init(struct proxy *px)
{
	const struct config *c = &px->cfg;
	struct forwarder *fw = calloc(1, sizeof(*fw));
	size_t i;

	if (!fw)
		return NULL;
	fw->px = px;
	fw->up4.fd = fw->up6.fd = -1;
	fw->inflight = calloc(ID_SPACE, sizeof(*fw->inflight));
	fw->tcp = uptcp_new(px, tcp_answer, tcp_failed, fw);
	if (!fw->inflight || !fw->tcp)
		goto fail;
	for (i = 0; i < c->nupstream; i++) {
		if (c->upstream[i].ss_family == AF_INET && fw->up4.fd < 0 &&
		    udp_socket(fw, AF_INET, &fw->up4))
			goto fail;
		if (c->upstream[i].ss_family == AF_INET6 && fw->up6.fd < 0 &&
		    udp_socket(fw, AF_INET6, &fw->up6))
			goto fail;
	}
	return fw;
fail:
	forward_fini(fw);
	return NULL;
}

void forward_fini(struct forwarder *fw)
{
	if (!fw)
		return;
	udp_close(&fw->up4);
	udp_close(&fw->up6);
	uptcp_free(fw->tcp);
	free(fw->inflight);
	free(fw);
}
