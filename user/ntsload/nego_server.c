// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/errqueue.h>
#include <bpf/bpf.h>

#include <nts/phl.h>

#include "flow.h"
#include "fmt.h"
#include "log.h"
#include "nego_server.h"
#include "rc.h"
#include "stats.h"

#define LOG_LINES_PER_SEC 20
#define RL_SLOTS 4096
#define DEFER_POLL_MS 50

/* One line per event, but no flood: at most LOG_LINES_PER_SEC a second. */
void nego_log(struct nego_server *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_limited(&s->log, fmt, ap);
	va_end(ap);
}

void nego_count(struct nego_server *s, enum nts_stat id)
{
	stats_count(&s->counts, id);
}

/* After each batch of work: the counters to the map, one syscall pair each. */
static void counts_flush(struct nego_server *s)
{
	int err = stats_batch_flush(&s->counts, s->maps->stats);

	if (err)
		nego_log(s, "cannot update the stats map: %s", strerror(-err));
}

/* Every address: GN was told one of them, the NOTICE goes to that one. */
static int open_socket(struct nego_server *s)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(s->port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int fd, on = 1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* IP_RECVERR: an inside host that is no router says so by ICMP. */
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		int err = -errno;

		pr_err("cannot listen for NTS-Nego on port %u: %s", s->port,
		       strerror(-err));
		close(fd);
		return err;
	}
	s->fd = fd;
	return 0;
}

int nego_server_init(struct nego_server *s, const struct nego_config *c,
		     const struct nts_maps *maps, const struct addr_set *addrs)
{
	s->fd = -1;
	s->log = (struct log_limit)LOG_LIMIT_INIT("nego", LOG_LINES_PER_SEC);
	s->port = c->port;
	s->maps = maps;
	s->addrs = addrs;
	s->rc_ttl = c->rc_ttl;
	s->auth.keys = &s->keys;
	s->auth.insecure = c->insecure;
	/* The nonce cache is in memory: it remembers from our start only. */
	s->auth.not_before = c->started;
	s->default_policy.flags = c->expose_none ? 0 : POLICY_ALL;
	s->relay_timeout_ms = c->relay_timeout_ms;
	s->inner_auth.keys = &s->inner_keys;
	s->inner_auth.not_before = c->started;
	s->inner_auth.replay = nego_replay_new(c->replay_max);
	s->auth.replay = nego_replay_new(c->replay_max);
	s->rl_gn = rl_new(RL_SLOTS, c->rate_gn);
	s->rl_name = rl_new(RL_SLOTS, c->rate_name);
	if (!s->auth.replay || !s->inner_auth.replay || !s->rl_gn ||
	    !s->rl_name || stats_batch_init(&s->counts)) {
		nego_server_fini(s);
		return -ENOMEM;
	}
	if (!s->keys.n && !c->insecure)
		pr_info("nego: no --key given: every NOTICE will be refused "
			"(give -k FILE, or --insecure)");
	return open_socket(s);
}

void nego_server_fini(struct nego_server *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->counts.percpu)
		counts_flush(s);
	stats_batch_fini(&s->counts);
	nego_replay_free(s->auth.replay);
	nego_replay_free(s->inner_auth.replay);
	s->inner_auth.replay = NULL;
	rl_free(s->rl_gn);
	rl_free(s->rl_name);
	s->auth.replay = NULL;
	s->rl_gn = s->rl_name = NULL;
}

/*
 * Answer @n with @type, signed as it was (@key NULL: unsigned), from the
 * address it came to; an ACCEPT with @via != 0 tells the NTS server to
 * answer GN with that address instead.
 */
void answer_via(struct nego_server *s, const struct nego_msg *n,
		const struct nts_key *key, const struct nego_peer *p,
		enum nego_type type, __be32 via)
{
	struct nego_msg a = {
		.txid = n->txid,
		.type = type,
		.gn = n->gn,
		.has_addr = via != 0,
		.addr = via,
	};
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))] = {};
	__u8 buf[NEGO_MSG_MAX];
	struct iovec iov = { .iov_base = buf };
	struct msghdr mh = {
		.msg_name = (void *)&p->from,
		.msg_namelen = sizeof(p->from),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
		.msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct in_pktinfo *pi = (void *)CMSG_DATA(cm);
	ssize_t len;

	memcpy(a.fqdn, n->fqdn, sizeof(a.fqdn));
	len = nego_encode(&a, key, time(NULL), buf, sizeof(buf));
	cm->cmsg_level = IPPROTO_IP;
	cm->cmsg_type = IP_PKTINFO;
	cm->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi->ipi_spec_dst.s_addr = p->to;
	iov.iov_len = len > 0 ? len : 0;
	if (len < 0 || sendmsg(s->fd, &mh, 0) < 0)
		nego_log(s, "cannot answer %s: %s",
			 inet_ntoa(p->from.sin_addr),
			 strerror(len < 0 ? (int)-len : errno));
}

static void answer(struct nego_server *s, const struct nego_msg *n,
		   const struct nts_key *key, const struct nego_peer *p,
		   enum nego_type type)
{
	answer_via(s, n, key, p, type, 0);
}

/* The name is the peer's, valid or not: escaped, or it could forge lines. */
static void describe(char *buf, size_t len, const struct nego_msg *m,
		     const struct nego_peer *p)
{
	char gn[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN], name[FMT_ESCAPED_MAX];

	inet_ntop(AF_INET, &m->gn, gn, sizeof(gn));
	inet_ntop(AF_INET, &p->from.sin_addr, src, sizeof(src));
	fmt_escape(name, sizeof(name), m->fqdn, sizeof(m->fqdn));
	snprintf(buf, len, "%s for GN %s (from %s:%u)", name[0] ? name : "?",
		 gn, src, ntohs(p->from.sin_port));
}

static bool defer(struct nego_server *s, const struct nego_msg *m,
		  const struct nts_key *key, const struct nego_peer *p,
		  __be32 inside, const struct nts_policy *pol)
{
	struct nego_deferred *d = NULL;
	int i;

	/* A retransmission replaces its earlier copy. */
	for (i = 0; i < s->ndefer; i++)
		if (s->defer[i].m.gn == m->gn &&
		    !strcmp(s->defer[i].m.fqdn, m->fqdn) &&
		    s->defer[i].peer.from.sin_addr.s_addr ==
			    p->from.sin_addr.s_addr &&
		    s->defer[i].peer.from.sin_port == p->from.sin_port)
			d = &s->defer[i];
	if (!d) {
		if (s->ndefer == NEGO_DEFER_MAX)
			return false;
		d = &s->defer[s->ndefer++];
		d->since_ns = mono_ns();
	}
	d->m = *m;
	d->key = key;
	d->peer = *p;
	d->inside = inside;
	d->policy = *pol;
	return true;
}

/* An authentic NOTICE: the PHL, then the request cache. */
/*
 * GN was told p->to. If GN is busy there with another host (slide 21),
 * another of the router's addresses will do at once (DESIGN section 7).
 */
static enum rc_offer offer(struct nego_server *s, const struct nego_msg *m,
			   const struct nego_peer *p, __be32 inside,
			   const struct nts_policy *pol, __u64 now,
			   __be32 *via)
{
	enum rc_offer r;
	int i;

	*via = 0;
	r = rc_offer(s->maps->rc, m->gn, p->to, inside, m->fqdn, pol,
		     s->rc_ttl, now);
	for (i = 0; r == RC_OFFER_BUSY && i < s->addrs->n; i++) {
		if (s->addrs->a[i] == p->to)
			continue;
		r = rc_offer(s->maps->rc, m->gn, s->addrs->a[i], inside,
			     m->fqdn, pol, s->rc_ttl, now);
		if (r == RC_OFFER_OK)
			*via = s->addrs->a[i];
	}
	return r;
}

static void notice(struct nego_server *s, const struct nego_msg *m,
		   const struct nts_key *key, const struct nego_peer *p)
{
	char other[INET_ADDRSTRLEN];
	__be32 via;
	struct phl_key k = {};
	struct phl_entry e;
	struct nts_policy pol;
	char what[NEGO_WHAT_MAX], in[INET_ADDRSTRLEN];
	__u64 now = mono_ns();

	nego_count(s, NTS_STAT_NEGO_NOTICE);
	describe(what, sizeof(what), m, p);
	if (!rl_allow(s->rl_gn, m->gn, now) ||
	    !rl_allow(s->rl_name, rl_hash(m->fqdn), now)) {
		nego_count(s, NTS_STAT_NEGO_RATE);
		nego_log(s, "REFUSED %s: rate limit", what);
		answer(s, m, key, p, NEGO_REFUSED);
		return;
	}
	snprintf(k.name, sizeof(k.name), "%s", m->fqdn);
	if (bpf_map_lookup_elem(s->maps->phl, &k, &e) ||
	    (e.expires_ns && e.expires_ns < now)) {
		nego_count(s, NTS_STAT_NEGO_REJECT);
		nego_log(s, "REJECT %s: not in the PHL", what);
		answer(s, m, key, p, NEGO_REJECT);
		return;
	}
	inet_ntop(AF_INET, &e.addr, in, sizeof(in));
	/* The host's own policy, else the default. */
	if (bpf_map_lookup_elem(s->maps->policy, &k, &pol))
		pol = s->default_policy;
	switch (offer(s, m, p, e.addr, &pol, now, &via)) {
	case RC_OFFER_OK:
		if (relay_wanted(s, e.addr, now)) {
			relay_start(s, m, key, p, via, e.addr, now);
			break;
		}
		nego_count(s, NTS_STAT_NEGO_ACCEPT);
		if (via)
			nego_log(s, "ACCEPT %s -> %s, via %s (GN is busy on the "
				 "other)",
				 what, in,
				 inet_ntop(AF_INET, &via, other,
					   sizeof(other)));
		else
			nego_log(s, "ACCEPT %s -> %s", what, in);
		answer_via(s, m, key, p, NEGO_ACCEPT, via);
		break;
	case RC_OFFER_BUSY:
		if (defer(s, m, key, p, e.addr, &pol)) {
			nego_count(s, NTS_STAT_NEGO_DEFERRED);
			nego_log(s, "holding %s: GN's request cache entry is "
				 "for another host",
				 what);
			break;
		}
		/* fall through */
	case RC_OFFER_FULL:
		nego_count(s, NTS_STAT_NEGO_FULL);
		nego_log(s, "REFUSED %s: request cache full", what);
		answer(s, m, key, p, NEGO_REFUSED);
		break;
	}
}

static void datagram(struct nego_server *s, const __u8 *buf, size_t len,
		     const struct nego_peer *p)
{
	const struct nts_key *key;
	struct nego_msg m;
	char what[NEGO_WHAT_MAX];
	int err;

	if (relay_answer(s, buf, len, p))
		return;
	err = nego_receive(buf, len, &s->auth, time(NULL), &m, &key);
	describe(what, sizeof(what), &m, p);
	if (!err && m.type == NEGO_NOTICE) {
		notice(s, &m, key, p);
		return;
	}
	if (err == -NEGO_E_TIME || err == -NEGO_E_REPLAY ||
	    err == -NEGO_E_BUSY || err == -NEGO_E_STALE)
		nego_count(s, NTS_STAT_NEGO_STALE);
	else
		nego_count(s, NTS_STAT_NEGO_BAD);
	nego_log(s, "refused %s %s: %s", nego_type_name(m.type), what,
		 err ? nego_strerror(err) : "not a NOTICE");
	/*
	 * Say so, to a NOTICE only (never answer an answer), signed when
	 * the key was good; nobody trusts an unsigned REFUSED but a human.
	 */
	if (m.type == NEGO_NOTICE && err != -NEGO_E_SHORT && m.fqdn[0])
		answer(s, &m, key, p, NEGO_REFUSED);
}

/* ICMP errors about what we sent: an inside host that is not a router. */
static void errqueue(struct nego_server *s)
{
	/* IP_PKTINFO comes along, before IP_RECVERR: room for both. */
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
		  CMSG_SPACE(sizeof(struct sock_extended_err) +
			     sizeof(struct sockaddr_in))];
	struct sockaddr_in dst;
	__u8 buf[64];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &dst,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
	};
	struct cmsghdr *cm;

	for (;;) {
		mh.msg_namelen = sizeof(dst);
		mh.msg_controllen = sizeof(cbuf);
		if (recvmsg(s->fd, &mh, MSG_ERRQUEUE) < 0)
			return;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			struct sock_extended_err *ee = (void *)CMSG_DATA(cm);

			if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR &&
			    ee->ee_origin == SO_EE_ORIGIN_ICMP)
				relay_unreachable(s, dst.sin_addr.s_addr);
		}
	}
}

void nego_server_input(struct nego_server *s)
{
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	/* One byte more than the largest message: too long is bad. */
	__u8 buf[NEGO_MSG_MAX + 1];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct nego_peer p;
	struct msghdr mh = {
		.msg_name = &p.from,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
	};
	struct cmsghdr *cm;
	ssize_t n;

	errqueue(s);
	for (;;) {
		mh.msg_namelen = sizeof(p.from);
		mh.msg_controllen = sizeof(cbuf);
		n = recvmsg(s->fd, &mh, 0);
		if (n < 0)
			break;
		/* The address GN was told; else the one NAT leaves with. */
		p.to = s->addrs->a[0];
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo *pi = (void *)CMSG_DATA(cm);

				if (addr_set_has(s->addrs, pi->ipi_addr.s_addr))
					p.to = pi->ipi_addr.s_addr;
			}
		datagram(s, buf, n, &p);
	}
	counts_flush(s);
}

void nego_server_tick(struct nego_server *s)
{
	__u64 now = mono_ns();
	char what[NEGO_WHAT_MAX];
	int i = 0;

	relay_tick(s, now);
	while (i < s->ndefer) {
		struct nego_deferred *d = &s->defer[i];
		enum rc_offer r;
		__be32 via;

		r = offer(s, &d->m, &d->peer, d->inside, &d->policy, now, &via);
		describe(what, sizeof(what), &d->m, &d->peer);
		if (r == RC_OFFER_BUSY &&
		    now - d->since_ns < s->rc_ttl * 1000000000ULL) {
			i++;
			continue;
		}
		if (r == RC_OFFER_OK) {
			nego_count(s, NTS_STAT_NEGO_ACCEPT);
			nego_log(s, "ACCEPT %s, after the wait", what);
			answer_via(s, &d->m, d->key, &d->peer, NEGO_ACCEPT, via);
		} else {
			nego_count(s, NTS_STAT_NEGO_FULL);
			nego_log(s, "REFUSED %s: GN stayed busy", what);
			answer(s, &d->m, d->key, &d->peer, NEGO_REFUSED);
		}
		*d = s->defer[--s->ndefer];
	}
	counts_flush(s);
}

/* The key named as @k in @kr, for what waits signed with @k; NULL: gone. */
static const struct nts_key *rekey(const struct nts_keyring *kr,
				   const struct nts_key *k)
{
	return keys_find(kr, k->name, strlen(k->name));
}

/*
 * What waits holds pointers into the old rings: point them at the new
 * keys of the same names first. A NOTICE whose key is gone can't be
 * answered (nothing to sign with): it is dropped, as if lost.
 */
static void rekey_waiting(struct nego_server *s, const struct nts_keyring *kr)
{
	char what[NEGO_WHAT_MAX];
	int i = 0;

	while (i < s->ndefer) {
		struct nego_deferred *d = &s->defer[i];

		if (!d->key || (d->key = rekey(kr, d->key))) {
			i++;
			continue;
		}
		describe(what, sizeof(what), &d->m, &d->peer);
		nego_log(s, "dropped %s: its key is no longer loaded", what);
		*d = s->defer[--s->ndefer];
	}
	i = 0;
	while (i < s->nrelays) {
		struct nego_relay *r = &s->relays[i];

		if (!r->key || (r->key = rekey(kr, r->key))) {
			i++;
			continue;
		}
		describe(what, sizeof(what), &r->m, &r->peer);
		nego_log(s, "dropped %s: its key is no longer loaded", what);
		s->relays[i] = s->relays[--s->nrelays];
	}
}

void nego_server_set_keys(struct nego_server *s, struct nts_keyring *keys,
			  struct nts_keyring *inner)
{
	rekey_waiting(s, keys);
	keys_free(&s->keys);
	keys_free(&s->inner_keys);
	s->keys = *keys;
	s->inner_keys = *inner;
	/* The rings are ours now. */
	memset(keys, 0, sizeof(*keys));
	memset(inner, 0, sizeof(*inner));
}

int nego_server_timeout_ms(const struct nego_server *s)
{
	return s->ndefer || s->nrelays ? DEFER_POLL_MS : -1;
}
