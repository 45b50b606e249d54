// SPDX-License-Identifier: GPL-2.0
/*
 * Upstreams: each query goes out with a random ID no other query in
 * flight has; an answer counts only from an upstream the query was sent
 * to, with that ID and the same question. Every query goes out over UDP
 * first, a TCP client's too: a connection upstream per TCP query made a
 * pipelining client open hundreds. A TCP client's query whose UDP
 * answer is truncated is asked again over a TCP connection of its own.
 *
 * Retries: --upstream-timeout is shared out among the attempts (one per
 * upstream, at least two), each to the next upstream, starting with the
 * one that answered last; after the last, SERVFAIL.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/buffer.h>

#include "addr.h"
#include "evlog.h"
#include "log.h"
#include "ntsdns.h"
#include "sock.h"

#define ID_SPACE  65536
#define UDP_BATCH 64

/* A TCP client takes whole answers: a truncated one is asked over TCP. */
static bool wants_whole(const struct query *q, const uint8_t *buf, size_t len)
{
	return !q->cl.udp && len > 2 && (buf[2] & 0x02);
}

static unsigned int attempts(const struct proxy *px)
{
	return px->cfg.nupstream > 1 ? px->cfg.nupstream : 2;
}

/* glibc's arc4random() is a getrandom() call each time: draw in batches. */
static uint16_t random_id(struct proxy *px)
{
	if (!px->nids) {
		arc4random_buf(px->ids, sizeof(px->ids));
		px->nids = sizeof(px->ids) / sizeof(px->ids[0]);
	}
	return px->ids[--px->nids];
}

static int id_alloc(struct proxy *px, struct query *q)
{
	uint16_t id;
	unsigned int i;

	if (px->ninflight >= ID_SPACE)
		return -EBUSY;
	/* Random tries first; a nearly full table: the next free one. */
	for (i = 0; i < 64; i++) {
		id = random_id(px);
		if (!px->inflight[id])
			goto found;
	}
	for (i = 0; i < ID_SPACE; i++)
		if (!px->inflight[++id])
			goto found;
	return -EBUSY;
found:
	px->inflight[id] = q;
	px->ninflight++;
	q->up_id = id;
	q->wire[0] = id >> 8;
	q->wire[1] = id & 0xff;
	return 0;
}

/* The index of the upstream @from, if @q was sent to it, or -1. */
static int asked(const struct query *q, const struct sockaddr_storage *from)
{
	size_t i;

	for (i = 0; i < q->px->cfg.nupstream; i++)
		if ((q->tried & 1u << i) &&
		    addr_eq(&q->px->cfg.upstream[i], from))
			return i;
	return -1;
}

static void accept_answer(struct query *q, int up, const uint8_t *buf,
			  size_t len, ldns_pkt *r)
{
	uint8_t *copy = malloc(len);

	if (!copy) {
		ldns_pkt_free(r);
		return; /* a retry or the timeout will do */
	}
	memcpy(copy, buf, len);
	q->px->up_first = up;
	query_answer(q, copy, len, r);
}

static void over_tcp(struct query *q, int up);

static void udp_answer(evutil_socket_t fd, short what, void *arg)
{
	struct proxy *px = arg;
	struct sockaddr_storage from;
	socklen_t flen;
	struct query *q;
	char who[ADDR_STRLEN];
	ldns_pkt *r;
	ssize_t n;
	int i, up;

	(void)what;
	for (i = 0; i < UDP_BATCH; i++) {
		flen = sizeof(from);
		n = recvfrom(fd, px->buf, sizeof(px->buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &flen);
		if (n < 0)
			return;
		q = n >= 2 ? px->inflight[px->buf[0] << 8 | px->buf[1]] : NULL;
		up = q && !q->up_tcp ? asked(q, &from) : -1;
		if (up < 0 || dnsr_parse(&q->dq, q->up_id, px->buf, n, &r)) {
			/* Late, spoofed or broken: as if never sent. */
			px->cnt.upstream_ignored++;
			ev_debug("ignored %zd bytes from %s: not the answer "
				 "to a query in flight",
				 n, addr_str(&from, who, sizeof(who)));
			continue;
		}
		if (wants_whole(q, px->buf, n)) {
			ldns_pkt_free(r);
			over_tcp(q, up);
			continue;
		}
		accept_answer(q, up, px->buf, n, r);
	}
}

/* This attempt failed early: the next one now, not at the timeout. */
static void attempt_failed(struct query *q)
{
	static const struct timeval now;

	if (q->up) {
		bufferevent_free(q->up);
		q->up = NULL;
	}
	evtimer_add(q->timer, &now);
}

static void tcp_read(struct bufferevent *bev, void *arg)
{
	struct query *q = arg;
	struct proxy *px = q->px;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[2];
	size_t len;
	ldns_pkt *r;

	while (evbuffer_copyout(in, hdr, 2) == 2) {
		len = (size_t)hdr[0] << 8 | hdr[1];
		if (evbuffer_get_length(in) < 2 + len)
			return;
		evbuffer_drain(in, 2);
		evbuffer_remove(in, px->buf, len);
		if (dnsr_parse(&q->dq, q->up_id, px->buf, len, &r)) {
			px->cnt.upstream_ignored++;
			continue; /* not ours: wait for the answer */
		}
		/* Done with the connection: query_answer() closes it. */
		accept_answer(q, q->cur_up, px->buf, len, r);
		return;
	}
}

static void tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct query *q = arg;
	char who[ADDR_STRLEN];

	(void)bev;
	if (what & BEV_EVENT_CONNECTED)
		return;
	q->up_err = what & BEV_EVENT_EOF ? ECONNRESET : EVUTIL_SOCKET_ERROR();
	ev_debug("upstream %s over TCP: %s",
		 addr_str(&q->px->cfg.upstream[q->cur_up], who, sizeof(who)),
		 strerror(q->up_err));
	attempt_failed(q);
}

static void tcp_ask(struct query *q, const struct sockaddr_storage *to)
{
	uint8_t hdr[2] = { q->len >> 8, q->len & 0xff };

	q->px->cnt.upstream_tcp++;
	q->up = bufferevent_socket_new(q->px->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (!q->up) {
		attempt_failed(q);
		return;
	}
	bufferevent_setcb(q->up, tcp_read, NULL, tcp_event, q);
	bufferevent_enable(q->up, EV_READ | EV_WRITE);
	if (bufferevent_write(q->up, hdr, 2) ||
	    bufferevent_write(q->up, q->wire, q->len) ||
	    bufferevent_socket_connect(q->up, (const struct sockaddr *)to,
				       addr_len(to))) {
		q->up_err = errno ? errno : ENOMEM;
		attempt_failed(q);
	}
}

/* The same upstream, over TCP, in what is left of this attempt's time. */
static void over_tcp(struct query *q, int up)
{
	q->up_tcp = true;
	q->cur_up = up;
	tcp_ask(q, &q->px->cfg.upstream[up]);
}

static void udp_ask(struct query *q, const struct sockaddr_storage *to)
{
	struct proxy *px = q->px;
	int fd = to->ss_family == AF_INET6 ? px->up_fd6 : px->up_fd4;
	char who[ADDR_STRLEN];

	/* A failure here is a lost datagram: the timer tries again. */
	if (sendto(fd, q->wire, q->len, MSG_DONTWAIT,
		   (const struct sockaddr *)to, addr_len(to)) < 0)
		ev_debug("cannot send a query to %s: %s",
			 addr_str(to, who, sizeof(who)), strerror(errno));
}

static void attempt(struct query *q)
{
	struct proxy *px = q->px;
	unsigned int n = attempts(px), t = px->cfg.upstream_timeout_ms;
	unsigned int i = (px->up_first + q->attempt) % px->cfg.nupstream;
	/* The last attempt gets what is left of the timeout. */
	unsigned int ms = q->attempt + 1 < n ? t / n : t - (n - 1) * (t / n);
	struct timeval tv = { ms / 1000, ms % 1000 * 1000 };

	q->attempt++;
	q->tried |= 1u << i;
	q->cur_up = i;
	q->up_err = 0;
	evtimer_add(q->timer, &tv);
	if (q->up_tcp)
		tcp_ask(q, &px->cfg.upstream[i]);
	else
		udp_ask(q, &px->cfg.upstream[i]);
}

static void timeout(evutil_socket_t fd, short what, void *arg)
{
	struct query *q = arg;
	struct proxy *px = q->px;
	char why[ADDR_STRLEN + 64], who[ADDR_STRLEN];

	(void)fd;
	(void)what;
	if (q->up) {
		bufferevent_free(q->up);
		q->up = NULL;
	}
	if (q->attempt < attempts(px)) {
		attempt(q);
		return;
	}
	if (px->cfg.nupstream > 1)
		snprintf(why, sizeof(why), "no upstream answered in %u ms",
			 px->cfg.upstream_timeout_ms);
	else if (q->up_err)
		snprintf(why, sizeof(why), "upstream %s over TCP: %s",
			 addr_str(&px->cfg.upstream[0], who, sizeof(who)),
			 strerror(q->up_err));
	else
		snprintf(why, sizeof(why), "no answer from %s in %u ms",
			 addr_str(&px->cfg.upstream[0], who, sizeof(who)),
			 px->cfg.upstream_timeout_ms);
	query_servfail(q, why);
}

int forward_start(struct query *q)
{
	/* Large queries from TCP clients: not as a UDP datagram. */
	q->up_tcp = !q->cl.udp && q->len > DNS_EDNS_SIZE;
	q->timer = evtimer_new(q->px->base, timeout, q);
	if (!q->timer || id_alloc(q->px, q))
		return -ENOMEM;
	attempt(q);
	return 0;
}

void forward_stop(struct query *q)
{
	struct proxy *px = q->px;

	if (q->timer)
		evtimer_del(q->timer);
	if (q->up) {
		bufferevent_free(q->up);
		q->up = NULL;
	}
	if (px->inflight[q->up_id] == q) {
		px->inflight[q->up_id] = NULL;
		px->ninflight--;
	}
}

static int udp_socket(struct proxy *px, int family, int *fd, struct event **ev)
{
	*fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0) {
		pr_err("cannot open a UDP socket for the upstreams: %s",
		       strerror(errno));
		return -errno;
	}
	sock_big_rcvbuf(*fd);
	*ev = event_new(px->base, *fd, EV_READ | EV_PERSIST, udp_answer, px);
	if (!*ev || event_add(*ev, NULL))
		return -ENOMEM;
	return 0;
}

int forward_init(struct proxy *px)
{
	size_t i;
	int err;

	px->up_fd4 = px->up_fd6 = -1;
	px->inflight = calloc(ID_SPACE, sizeof(*px->inflight));
	if (!px->inflight)
		return -ENOMEM;
	for (i = 0; i < px->cfg.nupstream; i++) {
		if (px->cfg.upstream[i].ss_family == AF_INET &&
		    px->up_fd4 < 0) {
			err = udp_socket(px, AF_INET, &px->up_fd4, &px->up_ev4);
			if (err)
				return err;
		}
		if (px->cfg.upstream[i].ss_family == AF_INET6 &&
		    px->up_fd6 < 0) {
			err = udp_socket(px, AF_INET6, &px->up_fd6,
					 &px->up_ev6);
			if (err)
				return err;
		}
	}
	return 0;
}

void forward_fini(struct proxy *px)
{
	if (px->up_ev4)
		event_free(px->up_ev4);
	if (px->up_ev6)
		event_free(px->up_ev6);
	if (px->up_fd4 >= 0)
		close(px->up_fd4);
	if (px->up_fd6 >= 0)
		close(px->up_fd6);
	free(px->inflight);
	px->inflight = NULL;
}
