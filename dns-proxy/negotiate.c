// SPDX-License-Identifier: GPL-2.0
/*
 * NTS-Nego, the server's side (DESIGN sections 1 and 3): a NOTICE "GN is
 * about to connect to FQDN" to each distinct address of the answer, on
 * the routers' NTS-Nego port; the answer is
 * held until every router has answered or --nego-timeout has passed.
 * The NOTICE is sent once more, with a new nonce and the same TxID,
 * halfway through. The end is one call of the request's done() with
 * each router's verdict, the hold already gone.
 *
 * signed with the router's key (--keys), else the zone's. An answer
 * counts only if it is signed with the key its NOTICE was, names the
 * NOTICE's TxID, GN and FQDN, and comes from the router it was sent
 * to; anything else is ignored, as if lost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/queue.h>
#include <event2/event.h>

#include "addr.h"
#include "evlog.h"
#include "fmt.h"
#include "keytab.h"
#include "dgram.h"
#include "log.h"
#include "nego.h"
#include "negotiate.h"
#include "ntsdns.h"
#include "rand.h"

#define NEGO_BUCKETS 1024
/* recvmmsg() calls per wakeup: others' turn after that. */
#define UDP_READS 2
/* Per-GN NOTICE budgets; GNs that hash alike share one (never more). */
#define RATE_SLOTS 65536

enum peer_state {
	PEER_WAIT,
	PEER_ACCEPT,
	PEER_REJECT,
	PEER_REFUSED,
	PEER_TIMEOUT,
	PEER_ERROR, /* the NOTICE could not be sent */
};

struct hold;

/* One router asked about one answer. */
struct peer {
	struct hold *h;
	__be32 router;
	const struct nts_key *key; /* the router's, of h->kt */
	__u8 txid;
	enum peer_state state;
	bool has_addr;
	__be32 addr;
	__u8 addr6[16];
	int err;
	bool linked;
	LIST_ENTRY(peer) link; /* in its (router, TxID) bucket */
};

struct hold {
	struct nego *n;
	struct nego_req *req;
	struct keytab *kt;	    /* the keys it started with, till it ends */
	const struct nts_target *t; /* the requester's */
	struct nts_gn gn;
	struct peer peer[NOTICE_MAX];
	unsigned int npeer, waiting;
	struct event *timer;
	bool resent;
	uint64_t start_ms;
};

/* A token bucket, in thousandths of a NOTICE. */
struct rate_slot {
	__be32 gn;
	uint64_t tokens;
	uint64_t last_ms;
};

struct nego {
	struct proxy *px;
	int fd;
	struct event *ev;
	struct dgram_batch *in; /* routers' answers, read by the batch */
	struct nego_auth auth;
	LIST_HEAD(, peer) bucket[NEGO_BUCKETS];
	struct rate_slot *rate;
};

static unsigned int bucket(__be32 router, __u8 txid)
{
	return ((ntohl(router) * 2654435761u) ^ txid) % NEGO_BUCKETS;
}

static bool same_gn(const struct nts_gn *a, const struct nts_gn *b)
{
	if (a->v6 != b->v6 || a->prefix != b->prefix || a->plen != b->plen)
		return false;
	return a->v6 ? !memcmp(a->addr6, b->addr6, 16) : a->addr == b->addr;
}

/* Another NOTICE in flight with the same TxID, router, GN and name? */
static bool txid_busy(struct nego *n, const struct hold *h, __be32 router,
		      __u8 txid)
{
	struct peer *p;

	for (p = LIST_FIRST(&n->bucket[bucket(router, txid)]); p;
	     p = LIST_NEXT(p, link))
		if (p->router == router && p->txid == txid &&
		    same_gn(&p->h->gn, &h->gn) &&
		    !strcmp(p->h->t->fqdn, h->t->fqdn))
			return true;
	return false;
}

/* The GN as the log writes it: a network as 198.51.100.0/24. */
static const char *gn_str(const struct nts_gn *gn, char *buf, size_t len)
{
	size_t n;

	if (!(gn->v6 ? inet_ntop(AF_INET6, gn->addr6, buf, len)
		     : inet_ntop(AF_INET, &gn->addr, buf, len)))
		return "?";
	n = strlen(buf);
	if (gn->prefix)
		snprintf(buf + n, len - n, "/%u", gn->plen);
	return buf;
}

static int send_notice(struct nego *n, struct peer *p)
{
	struct proxy *px = n->px;
	struct hold *h = p->h;
	struct nego_msg m = {
		.txid = p->txid,
		.type = NEGO_NOTICE,
		.gn = h->gn.v6 ? 0 : h->gn.addr,
		.v6 = h->gn.v6,
		.prefix = h->gn.prefix,
		.plen = h->gn.plen,
	};
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(px->cfg.nego_port),
		.sin_addr.s_addr = p->router,
	};
	__u8 buf[NEGO_MSG_MAX];
	ssize_t len;

	memcpy(m.fqdn, h->t->fqdn, sizeof(m.fqdn));
	memcpy(m.gn6, h->gn.addr6, sizeof(m.gn6));
	/* nonce 0: a fresh one each time */
	len = nego_encode(&m, p->key, time(NULL), buf, sizeof(buf));
	if (len < 0)
		return (int)len;
	if (sendto(n->fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *)&to,
		   sizeof(to)) < 0)
		return -errno;
	return 0;
}

enum router_class {
	ROUTER_OK,
	ROUTER_NEVER,	/* no router can be there */
	ROUTER_PRIVATE, /* one can, not on the Internet: --nego-private */
};

/*
 * Routers are unicast hosts on the Internet. An answer is the upstream's
 * (and whoever writes its zone's): never a NOTICE to this host, a
 * link, a group or nowhere.
 */
static enum router_class router_class(__be32 a)
{
	uint32_t h = ntohl(a);

	if (h >> 24 == 0 || h >> 24 == 127 || h >> 16 == 0xa9fe ||
	    h >= 0xe0000000u)
		return ROUTER_NEVER; /* 0/8, 127/8, 169.254/16, 224/4, 240/4 */
	if (h >> 24 == 10 || h >> 20 == 0xac1 || h >> 16 == 0xc0a8 ||
	    h >> 22 == 0x191)
		return ROUTER_PRIVATE; /* RFC 1918, 100.64/10 */
	return ROUTER_OK;
}

/*
 * The bucket of an IPv6 GN is its /64's: one host has a /64 to pick
 * addresses from, and would get a budget for each. A network's
 * (--authoritative) is its network address's, host bits clear: all of
 * 0.0.0.0/0's NOTICEs share one.
 */
static __be32 rate_key(const struct nts_gn *g)
{
	__be32 w[2];

	if (!g->v6)
		return g->addr;
	memcpy(w, g->addr6, sizeof(w));
	return w[0] ^ (w[1] * 2654435761u);
}

/*
 * Of @want NOTICEs for @gn, how many its --rate-client budget allows.
 * The budget is the GN's, whichever worker its queries come to: with
 * --threads 2 and more the buckets are the workers' shared ones, under
 * a lock (taken for negotiated answers only, never for the others).
 */
static unsigned int rate_take(struct nego *n, const struct nts_gn *g,
			      unsigned int want)
{
	uint64_t rate = n->px->cfg.rate_client, cap = 2000 * rate;
	struct shared *sh = n->px->sh;
	struct rate_slot *r;
	unsigned int got;
	uint64_t now;
	__be32 gn;

	if (!rate)
		return want;
	gn = rate_key(g);
	if (sh)
		pthread_mutex_lock(&sh->rate_lock);
	now = now_ms();
	r = &n->rate[(ntohl(gn) * 2654435761u) % RATE_SLOTS];
	/* (Another worker's clock read may be a moment later than ours.) */
	if (now > r->last_ms)
		r->tokens += (now - r->last_ms) * rate;
	if (r->tokens > cap)
		r->tokens = cap;
	r->last_ms = now > r->last_ms ? now : r->last_ms;
	/* Another GN's slot, spent: theirs to share, not to refill. */
	if (r->gn != gn && r->tokens == cap)
		r->gn = gn;
	got = r->tokens / 1000 < want ? r->tokens / 1000 : want;
	r->tokens -= got * 1000ULL;
	if (sh)
		pthread_mutex_unlock(&sh->rate_lock);
	return got;
}

int nego_share(struct shared *sh)
{
	pthread_mutex_init(&sh->rate_lock, NULL);
	sh->rate = calloc(RATE_SLOTS, sizeof(*sh->rate));
	return sh->rate ? 0 : -ENOMEM;
}

void nego_unshare(struct shared *sh)
{
	if (!sh->rate)
		return;
	free(sh->rate);
	sh->rate = NULL;
	pthread_mutex_destroy(&sh->rate_lock);
}

/* The histogram of --metrics: one router's verdict, @ms after the NOTICE. */
static void nego_observe(struct counters *c, unsigned int ms)
{
	static const unsigned int bound[] = NEGO_HIST_BOUNDS;
	unsigned int i;

	_Static_assert(sizeof(bound) / sizeof(bound[0]) == NEGO_HIST_N - 1,
		       "NEGO_HIST_N: the bounds and +Inf");

	for (i = 0; i < NEGO_HIST_N - 1 && ms > bound[i]; i++)
		;
	c->nego_hist[i]++;
	c->nego_ms_sum += ms;
}

static void log_peer(struct hold *h, const struct peer *p)
{
	struct proxy *px = h->n->px;
	char gn[INET6_ADDRSTRLEN], via[INET_ADDRSTRLEN], to[INET6_ADDRSTRLEN];
	unsigned int ms = now_ms() - h->start_ms;
	char name[FMT_ESCAPED_MAX];

	/* From the upstream's answer: escaped, though it is a host name. */
	fmt_escape(name, sizeof(name), h->t->fqdn, sizeof(h->t->fqdn));
	gn_str(&h->gn, gn, sizeof(gn));
	inet_ntop(AF_INET, &p->router, via, sizeof(via));
	if (p->state != PEER_ERROR && p->state != PEER_WAIT)
		nego_observe(&px->cnt, ms);
	switch (p->state) {
	case PEER_ACCEPT:
		if (p->has_addr)
			ev_info("%s for %s via %s: ACCEPT in %u ms; answered "
				"with %s, TTL %u",
				name, gn, via, ms,
				h->gn.v6 ? inet_ntop(AF_INET6, p->addr6, to,
						     sizeof(to))
					 : inet_ntop(AF_INET, &p->addr, to,
						     sizeof(to)),
				px->cfg.ttl);
		else
			ev_info("%s for %s via %s: ACCEPT in %u ms; TTL %u",
				name, gn, via, ms, px->cfg.ttl);
		break;
	case PEER_REJECT:
		ev_info("%s for %s via %s: REJECT in %u ms (the router has no "
			"such host); answered unchanged",
			name, gn, via, ms);
		break;
	case PEER_REFUSED:
		if (h->gn.v6)
			ev_info("%s for %s via %s: REFUSED in %u ms (see the "
				"router's log; one older than IPv6 refuses "
				"every IPv6 GN); AAAA withheld",
				name, gn, via, ms);
		else if (h->gn.prefix)
			ev_info("%s for %s via %s: REFUSED in %u ms (see the "
				"router's log; one older than network GNs "
				"refuses them all, and 0.0.0.0/0 needs its "
				"--unbound-window); answered unchanged",
				name, gn, via, ms);
		else
			ev_info("%s for %s via %s: REFUSED in %u ms (see the "
				"router's log); answered unchanged",
				name, gn, via, ms);
		break;
	case PEER_TIMEOUT:
		ev_info("%s for %s via %s: no answer in %u ms (no NTS router "
			"there, or another key?); answered unchanged",
			name, gn, via, ms);
		break;
	case PEER_ERROR:
		ev_info("%s for %s via %s: cannot send the NOTICE: %s; "
			"answered unchanged",
			name, gn, via, strerror(-p->err));
		break;
	case PEER_WAIT:
		break;
	}
}

static void unlink_peers(struct hold *h)
{
	unsigned int i;

	for (i = 0; i < h->npeer; i++)
		if (h->peer[i].linked) {
			LIST_REMOVE(&h->peer[i], link);
			h->peer[i].linked = false;
		}
}

static void hold_free(struct hold *h)
{
	h->req->hold = NULL;
	unlink_peers(h);
	event_free(h->timer);
	keytab_unref(h->kt);
	free(h);
}

/*
 * Every router has answered, or the time is up: what each said goes to
 * the requester, after the hold is gone, for the requester may go too.
 */
static void finish(struct hold *h)
{
	struct nts_verdict v[NOTICE_MAX];
	struct nego_req *req = h->req;
	unsigned int i, n = h->npeer;

	for (i = 0; i < n; i++)
		v[i] = (struct nts_verdict){
			.router = h->peer[i].router,
			.accept = h->peer[i].state == PEER_ACCEPT,
			.refused = h->peer[i].state == PEER_REFUSED,
			.has_addr = h->peer[i].has_addr,
			.addr = h->peer[i].addr,
		};
	for (i = 0; i < n; i++)
		memcpy(v[i].addr6, h->peer[i].addr6, 16);
	hold_free(h);
	req->done(req, v, n);
}

static void peer_done(struct peer *p, enum peer_state state)
{
	struct hold *h = p->h;
	struct counters *c = &h->n->px->cnt;

	p->state = state;
	if (p->linked) {
		LIST_REMOVE(p, link);
		p->linked = false;
	}
	switch (state) {
	case PEER_ACCEPT:
		c->accepted++;
		break;
	case PEER_REJECT:
		c->rejected++;
		break;
	case PEER_REFUSED:
		c->refused++;
		break;
	case PEER_TIMEOUT:
		c->timeouts++;
		break;
	case PEER_ERROR:
		c->nego_errors++;
		break;
	case PEER_WAIT:
		break;
	}
	log_peer(h, p);
	if (state != PEER_ERROR)
		h->waiting--;
}

static void hold_timer(evutil_socket_t fd, short what, void *arg)
{
	struct hold *h = arg;
	struct proxy *px = h->n->px;
	unsigned int i, half = px->cfg.nego_timeout_ms / 2;
	struct timeval tv = { (px->cfg.nego_timeout_ms - half) / 1000,
			      (px->cfg.nego_timeout_ms - half) % 1000 * 1000 };

	(void)fd;
	(void)what;
	if (!h->resent) {
		/* Halfway: once more, in case either datagram was lost. */
		h->resent = true;
		for (i = 0; i < h->npeer; i++)
			if (h->peer[i].state == PEER_WAIT)
				send_notice(h->n, &h->peer[i]);
		evtimer_add(h->timer, &tv);
		return;
	}
	for (i = 0; i < h->npeer; i++)
		if (h->peer[i].state == PEER_WAIT)
			peer_done(&h->peer[i], PEER_TIMEOUT);
	finish(h);
}

static void add_peer(struct nego *n, struct hold *h, __be32 router)
{
	struct proxy *px = n->px;
	struct peer *p = &h->peer[h->npeer++];
	__u8 start = 0;
	unsigned int i;

	nts_random(&start, sizeof(start)); /* 0 will do, if it fails */
	p->h = h;
	p->router = router;
	/* Its own key (--keys), else the zone's. */
	p->key = keytab_key(h->kt, h->t->zone - px->cfg.zones.zone, router);
	/* A TxID no NOTICE to this router for this GN and name has. */
	for (i = 0; i < 256; i++)
		if (!txid_busy(n, h, router, start + i))
			break;
	if (i == 256) {
		p->err = -EBUSY;
		peer_done(p, PEER_ERROR);
		return;
	}
	p->txid = start + i;
	p->err = send_notice(n, p);
	if (p->err) {
		peer_done(p, PEER_ERROR);
		return;
	}
	px->cnt.negotiated++;
	if (h->gn.prefix && h->gn.plen)
		px->cnt.ecs_prefix++;
	if (h->gn.prefix && h->gn.plen && h->gn.v6)
		px->cnt.ecs_v6_prefix++;
	else if (h->gn.prefix)
		px->cnt.unbound++;
	h->waiting++;
	LIST_INSERT_HEAD(&n->bucket[bucket(router, p->txid)], p, link);
	p->linked = true;
}

/* What an answer's addresses came to: NOTICEs, and those not sent. */
struct choice {
	__be32 routers[NOTICE_MAX];
	unsigned int n;
	unsigned int never, priv, over_max, over_rate;
};

/*
 * The distinct router addresses of @t to notify, in the answer's order:
 * an A record's own, an AAAA record's by --v6-router or the name's A.
 */
static void choose(struct nego *n, const struct nts_target *t,
		   const struct nts_gn *gn, struct choice *c)
{
	const struct config *cfg = &n->px->cfg;
	uint32_t all[NTS_FALLBACK_MAX + NOTICE_MAX * 4];
	unsigned int i, allowed;
	size_t nall;
	__be32 a;

	memset(c, 0, sizeof(*c));
	nall = nts_target_routers(t, all, sizeof(all) / sizeof(all[0]));
	for (i = 0; i < nall; i++) {
		a = all[i];
		switch (router_class(a)) {
		case ROUTER_NEVER:
			c->never++;
			continue;
		case ROUTER_PRIVATE:
			if (!cfg->nego_private) {
				c->priv++;
				continue;
			}
			break;
		case ROUTER_OK:
			break;
		}
		if (c->n == cfg->notice_max) {
			c->over_max++;
			continue;
		}
		c->routers[c->n++] = a;
	}
	allowed = rate_take(n, gn, c->n);
	c->over_rate = c->n - allowed;
	c->n = allowed;
}

/* Count and say what was not negotiated; those records go unchanged. */
static void suppressed(struct proxy *px, const struct nts_target *t,
		       const struct nts_gn *gn, const struct choice *c)
{
	unsigned int n = c->never + c->priv + c->over_max + c->over_rate;
	char name[FMT_ESCAPED_MAX], who[INET6_ADDRSTRLEN];
	struct counters *cnt = &px->cnt;

	cnt->suppressed_addr += c->never;
	cnt->suppressed_private += c->priv;
	cnt->suppressed_max += c->over_max;
	cnt->suppressed_rate += c->over_rate;
	if (!n)
		return;
	ev_info("%s for %s: no NOTICE to %u address%s (%u never a router: "
		"loopback, link-local, multicast, reserved; %u private, see "
		"--nego-private; %u over --notice-max %u; %u over "
		"--rate-client %u); those records unchanged",
		fmt_escape(name, sizeof(name), t->fqdn, sizeof(t->fqdn)),
		gn_str(gn, who, sizeof(who)), n,
		n == 1 ? "" : "es", c->never, c->priv, c->over_max,
		px->cfg.notice_max, c->over_rate, px->cfg.rate_client);
}

bool nego_start(struct nego *n, struct nego_req *req,
		const struct nts_target *t, const struct nts_gn *gn)
{
	struct proxy *px = n->px;
	unsigned int i, half = px->cfg.nego_timeout_ms / 2;
	struct timeval tv = { half / 1000, half % 1000 * 1000 };
	struct choice c;
	struct hold *h;

	choose(n, t, gn, &c);
	suppressed(px, t, gn, &c);
	if (!c.n)
		return false;
	h = calloc(1, sizeof(*h));
	if (h)
		h->timer = evtimer_new(px->base, hold_timer, h);
	if (!h || !h->timer) {
		free(h);
		return false;
	}
	h->n = n;
	h->req = req;
	h->kt = keytab_ref(px->keys);
	h->t = t;
	h->gn = *gn;
	h->start_ms = now_ms();
	req->hold = h;
	for (i = 0; i < c.n; i++)
		add_peer(n, h, c.routers[i]);
	if (!h->waiting) {
		hold_free(h); /* no NOTICE went out: answer now */
		return false;
	}
	evtimer_add(h->timer, &tv);
	return true;
}

void nego_cancel(struct nego_req *req)
{
	if (req->hold)
		hold_free(req->hold);
}

static enum peer_state state_of(__u8 type)
{
	switch (type) {
	case NEGO_ACCEPT:
		return PEER_ACCEPT;
	case NEGO_REJECT:
		return PEER_REJECT;
	case NEGO_REFUSED:
		return PEER_REFUSED;
	default:
		return PEER_WAIT;
	}
}

/*
 * Does @m name @gn? An IPv6 GN's answer carries it, but a router older
 * than IPv6, which could not read the NOTICE's type, REFUSES it in the
 * IPv4 form, with the NOTICE's IPv4 field: 0. A network's answer
 * repeats its prefix; a router older than networks REFUSES it with the
 * same address and no prefix.
 */
static bool names_gn(const struct nego_msg *m, const struct nts_gn *gn)
{
	if (gn->prefix && !m->prefix)
		return m->type == NEGO_REFUSED && !m->v6 && !gn->v6 &&
		       m->gn == gn->addr;
	if (gn->prefix != m->prefix || (gn->prefix && gn->plen != m->plen))
		return false;
	if (gn->v6 && !m->v6)
		return m->type == NEGO_REFUSED && !m->gn;
	if (gn->v6)
		return !memcmp(m->gn6, gn->addr6, 16);
	return !m->v6 && m->gn == gn->addr;
}

/* The NOTICE @m answers: same router, TxID, GN and name. */
static struct peer *find_peer(struct nego *n, __be32 router,
			      const struct nego_msg *m)
{
	struct peer *p = LIST_FIRST(&n->bucket[bucket(router, m->txid)]);

	for (; p; p = LIST_NEXT(p, link))
		if (p->router == router && p->txid == m->txid &&
		    names_gn(m, &p->h->gn) && !strcmp(p->h->t->fqdn, m->fqdn))
			return p;
	return NULL;
}

/*
 * The NOTICE @buf answers, if it is signed with the key that NOTICE
 * was: each router's answer is checked with that router's key only, so
 * that a router's key opens no other's negotiations.
 */
static struct peer *answered(struct nego *n, const __u8 *buf, size_t len,
			     __be32 router, struct nego_msg *m, int *err)
{
	struct nts_keyring one = { .n = 1 };
	struct nego_auth auth = n->auth;
	struct peer *p;

	*err = nego_decode(buf, len, m);
	if (*err || state_of(m->type) == PEER_WAIT)
		return NULL;
	p = find_peer(n, router, m);
	if (!p)
		return NULL;
	one.keys = (struct nts_key *)p->key;
	auth.keys = &one;
	*err = nego_receive(buf, len, &auth, time(NULL), m, NULL);
	return *err ? NULL : p;
}

static void datagram(struct nego *n, const __u8 *buf, size_t len,
		     const struct sockaddr_in *from)
{
	struct proxy *px = n->px;
	char who[INET_ADDRSTRLEN];
	struct nego_msg m = {};
	struct peer *p;
	struct hold *h;
	int err;

	p = answered(n, buf, len, from->sin_addr.s_addr, &m, &err);
	if (!p) {
		/* Forged, stale, late or not ours: as if it never came. */
		px->cnt.nego_ignored++;
		ev_debug("ignored an NTS-Nego %s from %s: %s",
			 m.type ? nego_type_name(m.type) : "message",
			 inet_ntop(AF_INET, &from->sin_addr, who, sizeof(who)),
			 err ? nego_strerror(err)
			     : "no NOTICE of ours waits for it");
		return;
	}
	h = p->h;
	/* An address of the NOTICE's family only. */
	p->has_addr = m.has_addr && m.v6 == h->gn.v6;
	p->addr = m.addr;
	memcpy(p->addr6, m.addr6, 16);
	peer_done(p, state_of(m.type));
	if (!h->waiting) {
		evtimer_del(h->timer);
		finish(h);
	}
}

static void readable(evutil_socket_t fd, short what, void *arg)
{
	struct nego *n = arg;
	struct dgram *d;
	int i, k, rd;

	(void)fd;
	(void)what;
	for (rd = 0; rd < UDP_READS; rd++) {
		k = dgram_recv(n->in, n->fd, false, &d);
		/* The socket is AF_INET: so is every sender. */
		for (i = 0; i < k; i++)
			datagram(n, d[i].buf, d[i].len,
				 (const struct sockaddr_in *)&d[i].peer);
		if (k < DGRAM_BATCH)
			return;
	}
}

struct nego *nego_init(struct proxy *px)
{
	struct nego *n = calloc(1, sizeof(*n));
	size_t i;

	if (!n)
		return NULL;
	n->px = px;
	n->auth.replay = nego_replay_new(NEGO_REPLAY_MAX);
	/* The workers' buckets are one (nego_share()), else its own. */
	n->rate = px->sh ? px->sh->rate : calloc(RATE_SLOTS, sizeof(*n->rate));
	for (i = 0; i < NEGO_BUCKETS; i++)
		LIST_INIT(&n->bucket[i]);
	n->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	n->in = dgram_batch_new();
	if (n->fd < 0 || !n->auth.replay || !n->rate || !n->in) {
		pr_err("cannot open the NTS-Nego socket: %s",
		       n->fd < 0 ? strerror(errno) : "out of memory");
		goto fail;
	}
	n->ev = event_new(px->base, n->fd, EV_READ | EV_PERSIST, readable, n);
	if (!n->ev || event_add(n->ev, NULL))
		goto fail;
	return n;
fail:
	nego_fini(n);
	return NULL;
}

void nego_fini(struct nego *n)
{
	if (!n)
		return;
	if (n->ev)
		event_free(n->ev);
	if (n->fd >= 0)
		close(n->fd);
	dgram_batch_free(n->in);
	nego_replay_free(n->auth.replay);
	if (!n->px->sh)
		free(n->rate);
	free(n);
}
