// SPDX-License-Identifier: GPL-2.0
/* Clients: UDP and TCP on each --listen address. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "addr.h"
#include "dgram.h"
#include "dnswire.h"
#include "evlog.h"
#include "listen.h"
#include "log.h"
#include "ntsdns.h"
#include "proxy2.h"
#include "sock.h"

/* recvmmsg() calls per wakeup: others' turn after that. */
#define UDP_READS 2
/* Queries one TCP connection may have in flight before we stop reading. */
#define TCP_PIPELINE 64
/* Stop reading a TCP client whose answers pile up unread. */
#define TCP_OUT_MAX (256 * 1024)
/* --tcp-per-client across workers: connections by address slot. */
#define TCP_HOST_SLOTS 65536

struct udp_listener {
	struct listener *ls;
	int fd;
	struct event *ev;
	struct sockaddr_storage addr;
	bool wildcard; /* answers need the address asked */
	struct dgram_batch *batch;
	struct event *flush; /* answers queued: send them in one go */
};

/*
 * A client connection. Its queries hold it (nqueries): closed with
 * queries in flight, it stays, closed, until the last is done, so that
 * a query's client is never a dangling pointer.
 */
struct tcp_conn {
	struct listener *ls;
	struct bufferevent *bev;
	struct sockaddr_storage peer;
	struct sockaddr_storage src; /* the client: peer, or its PROXY header's */
	struct event *idle; /* --tcp-idle-timeout, or --tcp-msg-timeout */
	unsigned int nqueries;
	bool eof;	 /* the client has said all it will */
	bool partial;	 /* a message begun, not whole: its time runs */
	bool closed;	 /* gone but for the queries that hold it */
	bool reading;	 /* in conn_read(): it decides about reading on */
	bool want_proxy; /* a --trust-proxy sender: a PROXY header first */
	bool began;	 /* its first bytes (the header, or none) are in */
	int host_slot;	 /* --threads 2+: its --tcp-per-client slot, or -1 */
	TAILQ_ENTRY(tcp_conn) link; /* least recently active first */
};

struct listener {
	struct proxy *px;
	listen_query_fn *fn;
	void *arg;
	struct udp_listener udp[MAX_LISTEN];
	size_t nudp;
	struct evconnlistener *tcp[MAX_LISTEN];
	size_t ntcp;
	TAILQ_HEAD(, tcp_conn) conns;
	unsigned int nconns;
	uint8_t buf[DNS_MSG_MAX + 1]; /* one TCP message, as it came */
};

static const char *bind_hint(int err)
{
	switch (err) {
	case EADDRINUSE:
		return " (another DNS server there, or another ntsdns? stop "
		       "it or give another -l)";
	case EACCES:
		return " (ports below 1024 need root or "
		       "CAP_NET_BIND_SERVICE)";
	case EADDRNOTAVAIL:
		return " (not an address of this host)";
	default:
		return "";
	}
}

/* ---- PROXY v2 (--trust-proxy) ----
 *
 * From a --trust-proxy sender every UDP datagram, and the start of every
 * TCP connection, must be a PROXY v2 header: one missing or malformed is
 * counted (proxy_bad) and the message dropped, the connection closed. A
 * query without it would be negotiated for the load balancer, which never
 * connects; and which of its messages carry a header is no choice of
 * ours. A header from anyone else is counted (proxy_untrusted) and
 * dropped: it must not name the GN. LOCAL (dnsdist's health checks)
 * leaves the sender the client.
 */

static bool proxy_trusted(const struct proxy *px,
			  const struct sockaddr_storage *a)
{
	size_t i;

	for (i = 0; i < px->cfg.ntrust_proxy; i++)
		if (cidr4_has(&px->cfg.trust_proxy[i], a))
			return true;
	return false;
}

static void proxy_bad(struct proxy *px, const struct sockaddr_storage *a,
		      const char *what)
{
	char who[ADDR_STRLEN];

	px->cnt.proxy_bad++;
	ev_info("%s: %s dropped: a --trust-proxy sender's, without a PROXY v2 "
		"header ntsdns takes (is useProxyProtocol=true set?)",
		addr_str(a, who, sizeof(who)), what);
}

static void proxy_untrusted(struct proxy *px, const struct sockaddr_storage *a,
			    const char *what)
{
	char who[ADDR_STRLEN];

	px->cnt.proxy_untrusted++;
	ev_info("%s: %s dropped: a PROXY header from a sender not in "
		"--trust-proxy (add its address there if it is your dnsdist)",
		addr_str(a, who, sizeof(who)), what);
}

/* Where the message of a datagram from @cl begins; -1: drop it. */
static long proxy_datagram(struct proxy *px, struct client *cl,
			   const uint8_t *buf, size_t len)
{
	struct proxy2 h;
	int rc;

	cl->src = cl->addr;
	if (!proxy_trusted(px, &cl->addr)) {
		if (len < PROXY2_SIG_LEN || !proxy2_sig_prefix(buf, len))
			return 0;
		proxy_untrusted(px, &cl->addr, "datagram");
		return -1;
	}
	rc = proxy2_parse(buf, len, &h);
	if (rc <= 0) {
		proxy_bad(px, &cl->addr, "datagram");
		return -1;
	}
	px->cnt.proxied++;
	if (!h.local)
		cl->src = h.src;
	return rc;
}

static void udp_refused(const struct sockaddr_storage *peer, int err, void *arg)
{
	char who[ADDR_STRLEN];

	(void)arg;
	ev_debug("cannot answer %s: %s", addr_str(peer, who, sizeof(who)),
		 strerror(err));
}

/* After the wakeup that queued them: the answers go out together. */
static void udp_flush(evutil_socket_t fd, short what, void *arg)
{
	struct udp_listener *l = arg;

	(void)fd;
	(void)what;
	dgram_flush(l->batch, l->fd, udp_refused, NULL);
}

static void udp_send(const struct client *cl, const uint8_t *buf, size_t len)
{
	struct udp_listener *l = cl->udp;

	if (!dgram_pending(l->batch))
		event_active(l->flush, EV_WRITE, 0);
	if (dgram_queue(l->batch, &cl->addr, &cl->local, cl->ifindex, buf, len))
		dgram_flush(l->batch, l->fd, udp_refused, NULL);
}

static void udp_readable(evutil_socket_t fd, short what, void *arg)
{
	struct udp_listener *l = arg;
	struct client cl;
	struct dgram *d;
	int i, n, r;
	long off;

	(void)fd;
	(void)what;
	for (r = 0; r < UDP_READS; r++) {
		n = dgram_recv(l->batch, l->fd, l->wildcard, &d);
		for (i = 0; i < n; i++) {
			memset(&cl, 0, sizeof(cl));
			cl.udp = l;
			cl.addr = d[i].peer;
			cl.local = d[i].local;
			cl.ifindex = d[i].ifindex;
			off = proxy_datagram(l->ls->px, &cl, d[i].buf,
					     d[i].len);
			if (off >= 0)
				l->ls->fn(l->ls->arg, &cl, d[i].buf + off,
					  d[i].len - off);
		}
		if (n < DGRAM_BATCH)
			return;
	}
}

/*
 * With --threads 2 and more each worker binds its own sockets to every
 * --listen address, with SO_REUSEPORT: the kernel spreads the clients
 * over them. But it lets any process of the same user join that group,
 * and a second ntsdns on the same address would then take a share of
 * the queries silently. So before the first worker binds, a socket
 * without SO_REUSEPORT must be able to bind there: if it cannot, someone
 * is there already, and ntsdns says so and stops, as with --threads 1.
 * (Between that probe and the first worker's bind another ntsdns could
 * still slip in: both would have to start in the same moment.)
 */
static int probe(const struct sockaddr_storage *a, int type)
{
	int fd, on = 1, err = 0;

	fd = socket(a->ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* TCP: TIME_WAIT connections are no one's; a listener is. */
	if ((a->ss_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on))) ||
	    (type == SOCK_STREAM &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on))) ||
	    bind(fd, (const struct sockaddr *)a, addr_len(a)))
		err = errno;
	close(fd);
	errno = err;
	return err ? -1 : 0;
}

static int udp_open(struct listener *ls, const struct sockaddr_storage *a)
{
	struct udp_listener *l = &ls->udp[ls->nudp];
	int on = 1, v6 = a->ss_family == AF_INET6;
	char where[ADDR_STRLEN];
	int fd, err;

	fd = socket(a->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	l->wildcard = addr_is_any(a);
	if ((v6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on))) ||
	    (l->wildcard && !v6 &&
	     setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on))) ||
	    (l->wildcard && v6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on))) ||
	    (ls->px->sh && !ls->px->worker && probe(a, SOCK_DGRAM)) ||
	    (ls->px->sh &&
	     setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on))) ||
	    bind(fd, (const struct sockaddr *)a, addr_len(a)))
		goto fail;
	sock_big_rcvbuf(fd);
	l->ls = ls;
	l->fd = fd;
	l->addr = *a;
	l->ev = event_new(ls->px->base, fd, EV_READ | EV_PERSIST, udp_readable,
			  l);
	l->flush = event_new(ls->px->base, -1, 0, udp_flush, l);
	l->batch = dgram_batch_new();
	if (!l->ev || !l->flush || !l->batch || event_add(l->ev, NULL)) {
		errno = ENOMEM;
		goto fail;
	}
	ls->nudp++;
	return 0;
fail:
	err = errno;
	pr_err("cannot listen on %s/udp: %s%s",
	       addr_str(a, where, sizeof(where)), strerror(err),
	       bind_hint(err));
	if (fd >= 0)
		close(fd);
	if (l->ev)
		event_free(l->ev);
	if (l->flush)
		event_free(l->flush);
	dgram_batch_free(l->batch);
	l->ev = NULL;
	l->flush = NULL;
	l->batch = NULL;
	return -err;
}

/* ---- TCP: two-byte length, then the message (RFC 1035 4.2.2) ---- */

/* Their answers have nowhere to go; the queries run on, holding @c. */
static void conn_close(struct tcp_conn *c)
{
	struct listener *ls = c->ls;

	if (c->closed)
		return;
	c->closed = true;
	TAILQ_REMOVE(&ls->conns, c, link);
	ls->nconns--;
	if (ls->px->sh) {
		atomic_fetch_sub(&ls->px->sh->tcp_conns, 1);
		if (c->host_slot >= 0)
			atomic_fetch_sub(&ls->px->sh->tcp_host[c->host_slot],
					 1);
	}
	event_free(c->idle);
	bufferevent_free(c->bev);
	c->idle = NULL;
	c->bev = NULL;
	c->ls = NULL; /* which may go before the last query does */
	if (!c->nqueries)
		free(c);
}

static void conn_arm(struct tcp_conn *c, unsigned int ms)
{
	struct timeval tv = { ms / 1000, ms % 1000 * 1000 };

	evtimer_add(c->idle, &tv);
}

/* Active now: last in line to be evicted, and idle from now. */
static void conn_touch(struct tcp_conn *c)
{
	struct listener *ls = c->ls;

	TAILQ_REMOVE(&ls->conns, c, link);
	TAILQ_INSERT_TAIL(&ls->conns, c, link);
	if (!c->partial)
		conn_arm(c, ls->px->cfg.tcp_idle_ms);
}

/* The length of the next whole message buffered, or -1. */
static long next_msg(struct tcp_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	uint8_t hdr[2];
	size_t len;

	if (!c->began || evbuffer_copyout(in, hdr, 2) != 2)
		return -1;
	len = (size_t)hdr[0] << 8 | hdr[1];
	return evbuffer_get_length(in) >= 2 + len ? (long)len : -1;
}

static bool has_room(struct tcp_conn *c)
{
	return c->nqueries < TCP_PIPELINE &&
	       evbuffer_get_length(bufferevent_get_output(c->bev)) <
		       TCP_OUT_MAX;
}

/*
 * A message begun and not whole has --tcp-msg-timeout from its first
 * byte, however slowly the rest trickles in: one byte a second must not
 * hold a connection for hours.
 */
static void check_partial(struct tcp_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	bool partial = evbuffer_get_length(in) && next_msg(c) < 0;

	if (partial && !c->partial)
		conn_arm(c, c->ls->px->cfg.tcp_msg_ms);
	else if (!partial && c->partial)
		conn_arm(c, c->ls->px->cfg.tcp_idle_ms);
	c->partial = partial;
}

static void conn_idle(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_conn *c = arg;
	struct proxy *px = c->ls->px;
	char who[ADDR_STRLEN];

	(void)fd;
	(void)what;
	/* (Not when we stopped reading: then the rest waits for us.) */
	if (c->partial && has_room(c)) {
		px->cnt.tcp_closed_slow++;
		ev_debug("%s: no whole message in %u ms over TCP: closed",
			 addr_str(&c->peer, who, sizeof(who)),
			 px->cfg.tcp_msg_ms);
		conn_close(c);
		return;
	}
	if (c->nqueries || !has_room(c)) {
		conn_arm(c, px->cfg.tcp_idle_ms); /* not idle: waiting for us */
		return;
	}
	conn_close(c);
}

/* A client that closed its side goes once all its answers are out. */
static bool conn_finished(struct tcp_conn *c)
{
	if (!c->eof || c->nqueries || next_msg(c) >= 0 ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)))
		return false;
	conn_close(c);
	return true;
}

/*
 * A connection's first bytes: a PROXY v2 header from a --trust-proxy
 * sender, and none from others. 1: messages follow; 0: more to come;
 * -1: closed (and @c perhaps gone).
 */
static int conn_begin(struct tcp_conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	struct listener *ls = c->ls;
	struct proxy2 h;
	ev_ssize_t n;
	int rc;

	n = evbuffer_copyout(in, ls->buf, PROXY2_MAX);
	if (n <= 0)
		return 0;
	if (!c->want_proxy) {
		if (!proxy2_sig_prefix(ls->buf, n)) {
			c->began = true;
			return 1;
		}
		if (n < PROXY2_SIG_LEN)
			return 0;
		proxy_untrusted(ls->px, &c->peer, "TCP connection");
		conn_close(c);
		return -1;
	}
	rc = proxy2_parse(ls->buf, n, &h);
	if (rc == PROXY2_SHORT)
		return 0; /* (--tcp-msg-timeout runs) */
	if (rc < 0) {
		proxy_bad(ls->px, &c->peer, "TCP connection");
		conn_close(c);
		return -1;
	}
	evbuffer_drain(in, rc);
	ls->px->cnt.proxied++;
	if (!h.local)
		c->src = h.src;
	c->began = true;
	return 1;
}

static void conn_read(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;
	struct listener *ls = c->ls;
	struct client cl = { .addr = c->peer, .tcp = c };
	long len;
	int rc;

	if (!c->began) {
		rc = conn_begin(c);
		if (rc < 0)
			return;
		if (!rc) {
			check_partial(c);
			return;
		}
	}
	cl.src = c->src;
	c->reading = true;
	while (has_room(c) && (len = next_msg(c)) >= 0) {
		evbuffer_drain(bufferevent_get_input(bev), 2);
		evbuffer_remove(bufferevent_get_input(bev), ls->buf, len);
		c->partial = false;
		conn_touch(c);
		/* Answers may go out at once; the connection stays. */
		c->nqueries++;
		if (!ls->fn(ls->arg, &cl, ls->buf, len))
			c->nqueries--; /* dropped, or answered at once */
	}
	c->reading = false;
	/* Too much unanswered or unread: the client waits for us. */
	if (!has_room(c))
		bufferevent_disable(bev, EV_READ);
	check_partial(c);
	conn_finished(c);
}

/* Room again: read on, starting with what is buffered. */
static void conn_resume(struct tcp_conn *c)
{
	if (!has_room(c))
		return;
	if (!c->eof)
		bufferevent_enable(c->bev, EV_READ);
	if (next_msg(c) >= 0)
		bufferevent_trigger(c->bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

static void conn_write(struct bufferevent *bev, void *arg)
{
	struct tcp_conn *c = arg;

	(void)bev;
	if (!conn_finished(c))
		conn_resume(c);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct tcp_conn *c = arg;

	(void)bev;
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
		/* Half closed after its queries: answer them first. */
		c->eof = true;
		if (!conn_finished(c))
			conn_resume(c);
		return;
	}
	conn_close(c);
}

static bool same_host(const struct sockaddr_storage *a,
		      const struct sockaddr *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->sa_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
}

/* @sa's --tcp-per-client slot: its address hashed, with a seed. */
static int host_slot(const struct shared *sh, const struct sockaddr *sa)
{
	const uint8_t *p;
	uint32_t h = sh->tcp_seed;
	size_t i, n;

	if (sa->sa_family == AF_INET) {
		p = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
		n = 4;
	} else {
		p = (const uint8_t *)&((const struct sockaddr_in6 *)sa)
			    ->sin6_addr;
		n = 16;
	}
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	h ^= h >> 12;
	return h % TCP_HOST_SLOTS;
}

/*
 * One address may not take every connection (--tcp-per-client). With
 * --threads 2 and more its connections may be any worker's: they are
 * counted in a slot of the address's hash, shared (two addresses may
 * share a slot, and so a limit, rarely: the hash has a random seed);
 * then *@slot is the one taken.
 */
static bool too_many_from(struct listener *ls, const struct sockaddr *sa,
			  int *slot)
{
	struct shared *sh = ls->px->sh;
	unsigned int n = 0;
	struct tcp_conn *c;

	if (sh) {
		*slot = host_slot(sh, sa);
		if (atomic_fetch_add(&sh->tcp_host[*slot], 1) <
		    ls->px->cfg.tcp_per_client)
			return false;
		atomic_fetch_sub(&sh->tcp_host[*slot], 1);
		*slot = -1;
		return true;
	}

	for (c = TAILQ_FIRST(&ls->conns); c; c = TAILQ_NEXT(c, link))
		if (same_host(&c->peer, sa) &&
		    ++n >= ls->px->cfg.tcp_per_client)
			return true;
	return false;
}

/*
 * Full: the connection idle longest goes, if one has nothing in flight.
 * With --threads 2 and more, --tcp-max counts all workers' connections,
 * and the one that goes is the accepting worker's.
 */
static bool evict_idle(struct listener *ls)
{
	struct tcp_conn *c;

	for (c = TAILQ_FIRST(&ls->conns); c; c = TAILQ_NEXT(c, link))
		if (!c->nqueries) {
			ls->px->cnt.tcp_evicted++;
			conn_close(c);
			return true;
		}
	return false;
}

/* Room for one more connection (counted, with --threads 2 and more)? */
static bool conn_room(struct listener *ls)
{
	struct shared *sh = ls->px->sh;

	if (!sh)
		return ls->nconns < ls->px->cfg.tcp_max || evict_idle(ls);
	if (atomic_fetch_add(&sh->tcp_conns, 1) < ls->px->cfg.tcp_max ||
	    evict_idle(ls))
		return true;
	atomic_fetch_sub(&sh->tcp_conns, 1);
	return false;
}

static void tcp_refuse(struct proxy *px, evutil_socket_t fd,
		       const struct sockaddr *sa, const char *why)
{
	char who[ADDR_STRLEN] = "?";
	struct sockaddr_storage a = {};

	memcpy(&a, sa,
	       sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in));
	px->cnt.tcp_refused++;
	ev_debug("%s: TCP connection refused: %s",
		 addr_str(&a, who, sizeof(who)), why);
	close(fd);
}

static void tcp_accept(struct evconnlistener *l, evutil_socket_t fd,
		       struct sockaddr *sa, int salen, void *arg)
{
	struct listener *ls = arg;
	struct proxy *px = ls->px;
	struct sockaddr_storage peer = {};
	struct tcp_conn *c;
	int slot = -1;
	bool trusted;

	(void)l;
	memcpy(&peer, sa,
	       salen < (int)sizeof(peer) ? (size_t)salen : sizeof(peer));
	/* A load balancer's connections are its clients': not one client. */
	trusted = proxy_trusted(px, &peer);
	if (!trusted && too_many_from(ls, sa, &slot)) {
		tcp_refuse(px, fd, sa,
			   "as many from there as --tcp-per-client allows");
		return;
	}
	if (!conn_room(ls)) {
		if (slot >= 0)
			atomic_fetch_sub(&px->sh->tcp_host[slot], 1);
		tcp_refuse(px, fd, sa,
			   "--tcp-max connections, each with a query in "
			   "flight");
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		if (px->sh) {
			atomic_fetch_sub(&px->sh->tcp_conns, 1);
			if (slot >= 0)
				atomic_fetch_sub(&px->sh->tcp_host[slot], 1);
		}
		close(fd);
		return;
	}
	c->host_slot = slot;
	c->ls = ls;
	c->peer = peer;
	c->src = peer;
	c->want_proxy = trusted;
	c->bev = bufferevent_socket_new(px->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->idle = evtimer_new(px->base, conn_idle, c);
	if (!c->bev || !c->idle) {
		if (c->bev)
			bufferevent_free(c->bev);
		else
			close(fd);
		if (c->idle)
			event_free(c->idle);
		free(c);
		if (px->sh) {
			atomic_fetch_sub(&px->sh->tcp_conns, 1);
			if (slot >= 0)
				atomic_fetch_sub(&px->sh->tcp_host[slot], 1);
		}
		return;
	}
	TAILQ_INSERT_TAIL(&ls->conns, c, link);
	ls->nconns++;
	bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	/* Nothing whole yet: the first message's time runs from now. */
	c->partial = true;
	conn_arm(c, px->cfg.tcp_msg_ms);
}

static int tcp_open(struct listener *ls, const struct sockaddr_storage *a)
{
	unsigned int flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
			     LEV_OPT_CLOSE_ON_EXEC;
	char where[ADDR_STRLEN];
	struct evconnlistener *l;
	int err;

	if (a->ss_family == AF_INET6)
		flags |= LEV_OPT_BIND_IPV6ONLY;
	if (ls->px->sh)
		flags |= LEV_OPT_REUSEABLE_PORT;
	if (ls->px->sh && !ls->px->worker && probe(a, SOCK_STREAM))
		l = NULL;
	else
		l = evconnlistener_new_bind(ls->px->base, tcp_accept, ls, flags,
					    128, (const struct sockaddr *)a,
					    addr_len(a));
	if (!l) {
		err = errno;
		pr_err("cannot listen on %s/tcp: %s%s",
		       addr_str(a, where, sizeof(where)), strerror(err),
		       bind_hint(err));
		return -err;
	}
	ls->tcp[ls->ntcp++] = l;
	return 0;
}

int listen_share(struct shared *sh)
{
	atomic_init(&sh->tcp_conns, 0);
	sh->tcp_host = calloc(TCP_HOST_SLOTS, sizeof(*sh->tcp_host));
	arc4random_buf(&sh->tcp_seed, sizeof(sh->tcp_seed));
	return sh->tcp_host ? 0 : -ENOMEM;
}

void listen_unshare(struct shared *sh)
{
	free(sh->tcp_host);
	sh->tcp_host = NULL;
}

struct listener *listen_open(struct proxy *px, listen_query_fn *fn, void *arg)
{
	struct listener *ls = calloc(1, sizeof(*ls));
	size_t i;

	if (!ls) {
		pr_err("cannot listen: out of memory");
		return NULL;
	}
	ls->px = px;
	ls->fn = fn;
	ls->arg = arg;
	TAILQ_INIT(&ls->conns);
	for (i = 0; i < px->cfg.nlisten; i++)
		if (udp_open(ls, &px->cfg.listen[i]) ||
		    tcp_open(ls, &px->cfg.listen[i])) {
			listen_close(ls);
			return NULL;
		}
	return ls;
}

/* Connections with queries in flight stay until client_done(). */
void listen_close(struct listener *ls)
{
	size_t i;

	if (!ls)
		return;
	while (!TAILQ_EMPTY(&ls->conns))
		conn_close(TAILQ_FIRST(&ls->conns));
	for (i = 0; i < ls->nudp; i++) {
		struct udp_listener *l = &ls->udp[i];

		/* Answers queued in this wakeup still go. */
		dgram_flush(l->batch, l->fd, udp_refused, NULL);
		event_free(l->ev);
		event_free(l->flush);
		dgram_batch_free(l->batch);
		close(l->fd);
	}
	for (i = 0; i < ls->ntcp; i++)
		evconnlistener_free(ls->tcp[i]);
	free(ls);
}

void client_send(const struct client *cl, const uint8_t *buf, size_t len)
{
	struct tcp_conn *c = cl->tcp;
	uint8_t hdr[2] = { len >> 8, len & 0xff };

	if (cl->udp) {
		udp_send(cl, buf, len);
		return;
	}
	if (!c || c->closed)
		return; /* the connection is gone */
	bufferevent_write(c->bev, hdr, 2);
	bufferevent_write(c->bev, buf, len);
	conn_touch(c);
}

/*
 * A query of a TCP connection is done: it may read again. Closing waits
 * for conn_write(): its answer is still being written.
 */
void client_done(struct client *cl)
{
	struct tcp_conn *c = cl->tcp;

	if (!c)
		return;
	cl->tcp = NULL;
	c->nqueries--;
	if (c->closed) {
		if (!c->nqueries)
			free(c);
		return;
	}
	if (!c->reading)
		conn_resume(c);
}
