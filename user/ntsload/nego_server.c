// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include <nts/phl.h>

#include "flow.h"
#include "log.h"
#include "nego_server.h"
#include "rc.h"
#include "stats.h"

#define LOG_LINES_PER_SEC 20
#define RL_SLOTS 4096
#define REPLAY_SLOTS 65536
#define DEFER_POLL_MS 50

/* One line per event, but no flood: at most LOG_LINES_PER_SEC a second. */
__attribute__((format(printf, 2, 3))) static void
nego_log(struct nego_server *s, const char *fmt, ...)
{
	__u64 sec = mono_ns() / 1000000000;
	char line[512];
	va_list ap;

	if (sec != s->log_sec) {
		if (s->log_dropped)
			pr_info("nego: %u more messages left out",
				s->log_dropped);
		s->log_sec = sec;
		s->log_lines = 0;
		s->log_dropped = 0;
	}
	if (++s->log_lines > LOG_LINES_PER_SEC) {
		s->log_dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	pr_info("nego: %s", line);
}

static void count(struct nego_server *s, enum nts_stat id)
{
	stats_add(s->maps->stats, id, 1);
}

static int bind_socket(struct nego_server *s, __be32 addr)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(s->port),
		.sin_addr.s_addr = addr,
	};
	char buf[INET_ADDRSTRLEN];
	int fd, on = 1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		int err = -errno;

		pr_err("cannot listen for NTS-Nego on %s:%u: %s",
		       inet_ntop(AF_INET, &addr, buf, sizeof(buf)), s->port,
		       strerror(-err));
		close(fd);
		return err;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
	s->addr = addr;
	return 0;
}

int nego_server_init(struct nego_server *s, const struct nego_config *c,
		     const struct nts_maps *maps, __be32 addr)
{
	s->fd = -1;
	s->port = c->port;
	s->maps = maps;
	s->rc_ttl = c->rc_ttl;
	s->auth.keys = &s->keys;
	s->auth.insecure = c->insecure;
	s->default_policy.flags = c->expose_none ? 0 : POLICY_ALL;
	s->auth.replay = nego_replay_new(REPLAY_SLOTS);
	s->rl_gn = rl_new(RL_SLOTS, c->rate_gn);
	s->rl_name = rl_new(RL_SLOTS, c->rate_name);
	if (!s->auth.replay || !s->rl_gn || !s->rl_name) {
		nego_server_fini(s);
		return -ENOMEM;
	}
	if (!s->keys.n && !c->insecure)
		pr_info("nego: no --key given: every NOTICE will be refused "
			"(give -k FILE, or --insecure)");
	return bind_socket(s, addr);
}

void nego_server_fini(struct nego_server *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	nego_replay_free(s->auth.replay);
	rl_free(s->rl_gn);
	rl_free(s->rl_name);
	s->auth.replay = NULL;
	s->rl_gn = s->rl_name = NULL;
}

int nego_server_rebind(struct nego_server *s, __be32 addr)
{
	return bind_socket(s, addr);
}

/* Answer @n with @type, signed as it was (@key NULL: unsigned). */
static void answer(struct nego_server *s, const struct nego_msg *n,
		   const struct nts_key *key, const struct sockaddr_in *to,
		   enum nego_type type)
{
	struct nego_msg a = {
		.txid = n->txid,
		.type = type,
		.gn = n->gn,
	};
	__u8 buf[NEGO_MSG_MAX];
	ssize_t len;

	memcpy(a.fqdn, n->fqdn, sizeof(a.fqdn));
	len = nego_encode(&a, key, time(NULL), buf, sizeof(buf));
	if (len < 0 || sendto(s->fd, buf, len, 0, (const void *)to,
			      sizeof(*to)) < 0)
		nego_log(s, "cannot answer %s: %s", inet_ntoa(to->sin_addr),
			 strerror(len < 0 ? (int)-len : errno));
}

static void describe(char *buf, size_t len, const struct nego_msg *m,
		     const struct sockaddr_in *from)
{
	char gn[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &m->gn, gn, sizeof(gn));
	inet_ntop(AF_INET, &from->sin_addr, src, sizeof(src));
	snprintf(buf, len, "%s for GN %s (from %s:%u)",
		 m->fqdn[0] ? m->fqdn : "?", gn, src, ntohs(from->sin_port));
}

static bool defer(struct nego_server *s, const struct nego_msg *m,
		  const struct nts_key *key, const struct sockaddr_in *from,
		  __be32 inside, const struct nts_policy *pol)
{
	struct nego_deferred *d = NULL;
	int i;

	/* A retransmission replaces its earlier copy. */
	for (i = 0; i < s->ndefer; i++)
		if (s->defer[i].m.gn == m->gn &&
		    !strcmp(s->defer[i].m.fqdn, m->fqdn) &&
		    s->defer[i].from.sin_addr.s_addr == from->sin_addr.s_addr &&
		    s->defer[i].from.sin_port == from->sin_port)
			d = &s->defer[i];
	if (!d) {
		if (s->ndefer == NEGO_DEFER_MAX)
			return false;
		d = &s->defer[s->ndefer++];
		d->since_ns = mono_ns();
	}
	d->m = *m;
	d->key = key;
	d->from = *from;
	d->inside = inside;
	d->policy = *pol;
	return true;
}

/* An authentic NOTICE: the PHL, then the request cache. */
static void notice(struct nego_server *s, const struct nego_msg *m,
		   const struct nts_key *key, const struct sockaddr_in *from)
{
	struct phl_key k = {};
	struct phl_entry e;
	struct nts_policy pol;
	char what[400], in[INET_ADDRSTRLEN];
	__u64 now = mono_ns();

	count(s, NTS_STAT_NEGO_NOTICE);
	describe(what, sizeof(what), m, from);
	if (!rl_allow(s->rl_gn, m->gn, now) ||
	    !rl_allow(s->rl_name, rl_hash(m->fqdn), now)) {
		count(s, NTS_STAT_NEGO_RATE);
		nego_log(s, "REFUSED %s: rate limit", what);
		answer(s, m, key, from, NEGO_REFUSED);
		return;
	}
	snprintf(k.name, sizeof(k.name), "%s", m->fqdn);
	if (bpf_map_lookup_elem(s->maps->phl, &k, &e) ||
	    (e.expires_ns && e.expires_ns < now)) {
		count(s, NTS_STAT_NEGO_REJECT);
		nego_log(s, "REJECT %s: not in the PHL", what);
		answer(s, m, key, from, NEGO_REJECT);
		return;
	}
	inet_ntop(AF_INET, &e.addr, in, sizeof(in));
	/* The host's own policy, else the default. */
	if (bpf_map_lookup_elem(s->maps->policy, &k, &pol))
		pol = s->default_policy;
	switch (rc_offer(s->maps->rc, m->gn, s->addr, e.addr, m->fqdn, &pol,
			 s->rc_ttl, now)) {
	case RC_OFFER_OK:
		count(s, NTS_STAT_NEGO_ACCEPT);
		nego_log(s, "ACCEPT %s -> %s", what, in);
		answer(s, m, key, from, NEGO_ACCEPT);
		break;
	case RC_OFFER_BUSY:
		if (defer(s, m, key, from, e.addr, &pol)) {
			count(s, NTS_STAT_NEGO_DEFERRED);
			nego_log(s, "holding %s: GN's request cache entry is "
				 "for another host",
				 what);
			break;
		}
		/* fall through */
	case RC_OFFER_FULL:
		count(s, NTS_STAT_NEGO_FULL);
		nego_log(s, "REFUSED %s: request cache full", what);
		answer(s, m, key, from, NEGO_REFUSED);
		break;
	}
}

static void datagram(struct nego_server *s, const __u8 *buf, size_t len,
		     const struct sockaddr_in *from)
{
	const struct nts_key *key;
	struct nego_msg m;
	char what[400];
	int err;

	err = nego_receive(buf, len, &s->auth, time(NULL), &m, &key);
	describe(what, sizeof(what), &m, from);
	if (!err && m.type == NEGO_NOTICE) {
		notice(s, &m, key, from);
		return;
	}
	if (err == -NEGO_E_TIME || err == -NEGO_E_REPLAY ||
	    err == -NEGO_E_BUSY)
		count(s, NTS_STAT_NEGO_STALE);
	else
		count(s, NTS_STAT_NEGO_BAD);
	nego_log(s, "refused %s %s: %s", nego_type_name(m.type), what,
		 err ? nego_strerror(err) : "not a NOTICE");
	/*
	 * Say so, to a NOTICE only (never answer an answer), signed when
	 * the key was good; nobody trusts an unsigned REFUSED but a human.
	 */
	if (m.type == NEGO_NOTICE && err != -NEGO_E_SHORT && m.fqdn[0])
		answer(s, &m, key, from, NEGO_REFUSED);
}

void nego_server_input(struct nego_server *s)
{
	__u8 buf[NEGO_MSG_MAX + 1];
	struct sockaddr_in from;
	socklen_t flen;
	ssize_t n;

	for (;;) {
		flen = sizeof(from);
		n = recvfrom(s->fd, buf, sizeof(buf), 0, (void *)&from, &flen);
		if (n < 0)
			return;
		/* One byte more than the largest message: too long is bad. */
		datagram(s, buf, n, &from);
	}
}

void nego_server_tick(struct nego_server *s)
{
	__u64 now = mono_ns();
	char what[400];
	int i = 0;

	while (i < s->ndefer) {
		struct nego_deferred *d = &s->defer[i];
		enum rc_offer r = rc_offer(s->maps->rc, d->m.gn, s->addr,
					   d->inside, d->m.fqdn, &d->policy,
					   s->rc_ttl, now);

		describe(what, sizeof(what), &d->m, &d->from);
		if (r == RC_OFFER_BUSY &&
		    now - d->since_ns < s->rc_ttl * 1000000000ULL) {
			i++;
			continue;
		}
		if (r == RC_OFFER_OK) {
			count(s, NTS_STAT_NEGO_ACCEPT);
			nego_log(s, "ACCEPT %s, after the wait", what);
			answer(s, &d->m, d->key, &d->from, NEGO_ACCEPT);
		} else {
			count(s, NTS_STAT_NEGO_FULL);
			nego_log(s, "REFUSED %s: GN stayed busy", what);
			answer(s, &d->m, d->key, &d->from, NEGO_REFUSED);
		}
		*d = s->defer[--s->ndefer];
	}
}

int nego_server_timeout_ms(const struct nego_server *s)
{
	return s->ndefer ? DEFER_POLL_MS : -1;
}
