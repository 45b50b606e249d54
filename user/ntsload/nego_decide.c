// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include <nts/phl.h>

#include "flow.h"
#include "nego_decide.h"
#include "nego_what.h"
#include "rc.h"

#define RL_SLOTS 4096
/* REFUSED answers to NOTICEs that are not authentic (unsigned ones). */
#define UNSIGNED_PER_SEC 50

int nego_decide_init(struct nego_decide *d, const struct nego_decide_config *c,
		     const struct nts_maps *maps, const struct addr_set *addrs,
		     const struct nts_keyring *inner, struct log_limit *log,
		     struct stats_batch *counts)
{
	memset(d, 0, sizeof(*d));
	d->maps = maps;
	d->addrs = addrs;
	d->rc_ttl = c->rc_ttl;
	d->rc_prefix_ttl = c->rc_prefix_ttl;
	d->rc_min_prefix = c->rc_min_prefix;
	d->rc_min_prefix6 = c->rc_min_prefix6;
	d->unbound_window = c->unbound_window;
	d->default_policy.flags = c->expose_none ? 0 : POLICY_ALL;
	d->log = log;
	d->counts = counts;
	d->rl_gn = rl_new(RL_SLOTS, c->rate_gn);
	d->rl_name = rl_new(RL_SLOTS, c->rate_name);
	d->rl_server = rl_new(RL_SLOTS, c->rate_server);
	d->rl_unsigned = rl_new(1, UNSIGNED_PER_SEC);
	d->defer = calloc(NEGO_DEFER_MAX, sizeof(*d->defer));
	d->relay = calloc(1, sizeof(*d->relay));
	if (!d->rl_gn || !d->rl_name || !d->rl_server || !d->rl_unsigned ||
	    !d->defer || !d->relay) {
		nego_decide_fini(d);
		return -ENOMEM;
	}
	d->relay->keys = inner;
	d->relay->maps = maps;
	d->relay->port = c->port;
	d->relay->timeout_ms = c->relay_timeout_ms;
	d->relay->log = log;
	d->relay->counts = counts;
	return 0;
}

void nego_decide_fini(struct nego_decide *d)
{
	rl_free(d->rl_gn);
	rl_free(d->rl_name);
	rl_free(d->rl_server);
	rl_free(d->rl_unsigned);
	free(d->defer);
	free(d->relay);
	d->rl_gn = d->rl_name = d->rl_server = d->rl_unsigned = NULL;
	d->defer = NULL;
	d->relay = NULL;
}

static bool defer(struct nego_decide *d, const struct nego_msg *m,
		  const struct nts_key *key, const struct nego_peer *p,
		  __be32 inside, const struct nts_policy *pol, __u64 now)
{
	struct nego_deferred *w = NULL;
	int i;

	/* A retransmission replaces its earlier copy. */
	for (i = 0; i < d->ndefer; i++)
		if (d->defer[i].m.gn == m->gn &&
		    !strcmp(d->defer[i].m.fqdn, m->fqdn) &&
		    d->defer[i].peer.from.sin_addr.s_addr ==
			    p->from.sin_addr.s_addr &&
		    d->defer[i].peer.from.sin_port == p->from.sin_port)
			w = &d->defer[i];
	if (!w) {
		if (d->ndefer == NEGO_DEFER_MAX)
			return false;
		w = &d->defer[d->ndefer++];
		w->since_ns = now;
	}
	w->m = *m;
	w->key = key;
	w->peer = *p;
	w->inside = inside;
	w->policy = *pol;
	return true;
}

/* GN's entry at the router's address @ext, in rc or rc_prefix. */
static enum rc_offer offer_at(struct nego_decide *d, const struct nego_msg *m,
			      __be32 ext, __be32 inside,
			      const struct nts_policy *pol, __u64 now)
{
	if (!nego_for_network(m))
		return rc_offer(d->maps->rc, m->gn, ext, inside, m->fqdn, pol,
				d->rc_ttl, now);
	return rc_prefix_offer(d->maps->rc_prefix, m->gn, m->plen, ext, inside,
			       m->fqdn, pol,
			       m->plen ? d->rc_prefix_ttl : d->unbound_window,
			       now);
}

/*
 * GN was told p->to. If GN is busy there with another host (slide 21),
 * another of the router's addresses will do at once (DESIGN section 7).
 */
static enum rc_offer offer(struct nego_decide *d, const struct nego_msg *m,
			   const struct nego_peer *p, __be32 inside,
			   const struct nts_policy *pol, __u64 now, __be32 *via)
{
	enum rc_offer r;
	int i;

	*via = 0;
	r = offer_at(d, m, p->to, inside, pol, now);
	for (i = 0; r == RC_OFFER_BUSY && i < d->addrs->n; i++) {
		if (d->addrs->a[i] == p->to)
			continue;
		r = offer_at(d, m, d->addrs->a[i], inside, pol, now);
		if (r == RC_OFFER_OK)
			*via = d->addrs->a[i];
	}
	return r;
}

/* Within the limits? Refused (answered, counted, logged) if not. */
static bool within_limits(struct nego_decide *d, const struct nego_in *in,
			  __u64 now, struct nego_outbox *ob)
{
	const struct nego_msg *m = &in->m;
	const struct nego_peer *p = &in->peer;

	/* An IPv6 GN counts by its /64: it may change address within it. */
	if (!rl_allow(d->rl_server, p->from.sin_addr.s_addr, now)) {
		stats_count(d->counts, NTS_STAT_NEGO_RATE_SERVER);
		nego_event(d->log, "REFUSED", m, p,
			   ": rate limit of its NTS server (--rate-server)");
	} else if (!rl_allow(d->rl_gn, m->v6 ? rl_hash_bytes(m->gn6, 8) : m->gn,
			     now) ||
		   !rl_allow(d->rl_name, rl_hash(m->fqdn), now)) {
		stats_count(d->counts, NTS_STAT_NEGO_RATE);
		nego_event(d->log, "REFUSED", m, p, ": rate limit");
	} else {
		return true;
	}
	outbox_answer(ob, m, in->key, p, NEGO_REFUSED, 0);
	return false;
}

/*
 * A NOTICE for a network: one long enough (--rc-min-prefix), or anyone
 * where the operator chose the Realm Gateway trade-off (--unbound-window).
 * Refused (answered, counted, logged) if not.
 */
static bool network_allowed(struct nego_decide *d, const struct nego_in *in,
			    struct nego_outbox *ob)
{
	const struct nego_msg *m = &in->m;
	const char *why;
	char buf[96];

	if (!nego_for_network(m))
		return true;
	if (m->v6 && m->plen < d->rc_min_prefix6) {
		snprintf(buf, sizeof(buf),
			 ": a /%u, shorter than --rc-min-prefix6 %u", m->plen,
			 d->rc_min_prefix6);
		why = buf;
	} else if (m->v6) {
		return true;
	} else if (!m->plen && !d->unbound_window) {
		why = ": a NOTICE for anyone (/0), and no --unbound-window";
	} else if (m->plen && m->plen < d->rc_min_prefix) {
		snprintf(buf, sizeof(buf),
			 ": a /%u, shorter than --rc-min-prefix %u", m->plen,
			 d->rc_min_prefix);
		why = buf;
	} else {
		return true;
	}
	stats_count(d->counts, NTS_STAT_NEGO_PREFIX_REFUSED);
	nego_event(d->log, "REFUSED", m, &in->peer, "%s", why);
	outbox_answer(ob, m, in->key, &in->peer, NEGO_REFUSED, 0);
	return false;
}

void nego_count_accept(struct nego_decide *d, const struct nego_msg *m)
{
	stats_count(d->counts, NTS_STAT_NEGO_ACCEPT);
	if (!nego_for_network(m))
		return;
	stats_count(d->counts, NTS_STAT_NEGO_PREFIX);
	if (!m->plen)
		stats_count(d->counts, NTS_STAT_NEGO_UNBOUND);
}

/* An authentic NOTICE: the limits, the PHL, then the request cache. */
static void notice(struct nego_decide *d, const struct nego_in *in, __u64 now,
		   struct nego_outbox *ob)
{
	const struct nego_msg *m = &in->m;
	const struct nego_peer *p = &in->peer;
	char other[INET_ADDRSTRLEN], inside[INET_ADDRSTRLEN];
	struct phl_key k = {};
	struct phl_entry e;
	struct nts_policy pol;
	__be32 via;

	stats_count(d->counts, NTS_STAT_NEGO_NOTICE);
	if (!within_limits(d, in, now, ob) || !network_allowed(d, in, ob))
		return;
	if (m->v6) {
		nego_notice6(d, in, now, ob);
		return;
	}
	snprintf(k.name, sizeof(k.name), "%s", m->fqdn);
	if (bpf_map_lookup_elem(d->maps->phl, &k, &e) ||
	    (e.expires_ns && e.expires_ns < now)) {
		stats_count(d->counts, NTS_STAT_NEGO_REJECT);
		nego_event(d->log, "REJECT", m, p, ": not in the PHL");
		outbox_answer(ob, m, in->key, p, NEGO_REJECT, 0);
		return;
	}
	/* The host's own policy, else the default. */
	if (bpf_map_lookup_elem(d->maps->policy, &k, &pol))
		pol = d->default_policy;
	/* The inner router would get a host's NOTICE: not the same thing. */
	if (nego_for_network(m) && relay_wanted(d->relay, e.addr, now)) {
		stats_count(d->counts, NTS_STAT_NEGO_PREFIX_REFUSED);
		nego_event(d->log, "REFUSED", m, p,
			   ": the host is behind an inner router, and a "
			   "network's NOTICE is not relayed");
		outbox_answer(ob, m, in->key, p, NEGO_REFUSED, 0);
		return;
	}
	switch (offer(d, m, p, e.addr, &pol, now, &via)) {
	case RC_OFFER_OK:
		if (relay_wanted(d->relay, e.addr, now)) {
			relay_start(d->relay, m, in->key, p, via, e.addr, now,
				    ob);
			break;
		}
		nego_count_accept(d, m);
		inet_ntop(AF_INET, &e.addr, inside, sizeof(inside));
		if (via)
			nego_event(
				d->log, "ACCEPT", m, p,
				" -> %s, via %s (GN is busy on the other)",
				inside,
				inet_ntop(AF_INET, &via, other, sizeof(other)));
		else
			nego_event(d->log, "ACCEPT", m, p, " -> %s", inside);
		outbox_answer(ob, m, in->key, p, NEGO_ACCEPT, via);
		break;
	case RC_OFFER_BUSY:
		if (defer(d, m, in->key, p, e.addr, &pol, now)) {
			stats_count(d->counts, NTS_STAT_NEGO_DEFERRED);
			nego_event(d->log, "holding", m, p,
				   ": GN's request cache entry is for another "
				   "host");
			break;
		}
		/* fall through */
	case RC_OFFER_FULL:
		stats_count(d->counts, NTS_STAT_NEGO_FULL);
		nego_event(d->log, "REFUSED", m, p, ": request cache full");
		outbox_answer(ob, m, in->key, p, NEGO_REFUSED, 0);
		break;
	}
}

/* Not an authentic NOTICE, nor an answer we wait for. */
static void refused(struct nego_decide *d, const struct nego_in *in, __u64 now,
		    struct nego_outbox *ob)
{
	const struct nego_msg *m = &in->m;
	int err = in->err;
	char verb[32];

	if (err == -NEGO_E_TIME || err == -NEGO_E_REPLAY ||
	    err == -NEGO_E_BUSY || err == -NEGO_E_STALE)
		stats_count(d->counts, NTS_STAT_NEGO_STALE);
	else
		stats_count(d->counts, NTS_STAT_NEGO_BAD);
	snprintf(verb, sizeof(verb), "refused %s", nego_type_name(m->type));
	nego_event(d->log, verb, m, &in->peer, ": %s",
		   err ? nego_strerror(err) : "not a NOTICE");
	/*
	 * Say so, to a NOTICE only (never answer an answer), signed when
	 * the key was good; nobody trusts an unsigned REFUSED but a human.
	 */
	if (m->type != NEGO_NOTICE || err == -NEGO_E_SHORT || !m->fqdn[0])
		return;
	/*
	 * Unsigned, at most UNSIGNED_PER_SEC a second: a forged flood gets
	 * no flood of answers, and its spoofed sources no reflector.
	 */
	if (in->key || rl_allow(d->rl_unsigned, 0, now))
		outbox_answer(ob, m, in->key, &in->peer, NEGO_REFUSED, 0);
}

void nego_decide_batch(struct nego_decide *d, const struct nego_batch *b,
		       struct nego_outbox *ob)
{
	__u64 now = mono_ns();
	int i;

	for (i = 0; i < b->n; i++) {
		const struct nego_in *in = &b->in[i];

		if (relay_answer(d->relay, in, ob))
			continue;
		if (!in->err && in->m.type == NEGO_NOTICE)
			notice(d, in, now, ob);
		else
			refused(d, in, now, ob);
	}
	for (i = 0; i < b->nunreach; i++)
		relay_unreachable(d->relay, b->unreach[i], ob);
}

void nego_decide_unsent(struct nego_decide *d, const struct nego_unsent *u,
			int n, struct nego_outbox *ob)
{
	int i;

	for (i = 0; i < n; i++)
		relay_unsent(d->relay, &u[i], ob);
}

void nego_decide_tick(struct nego_decide *d, struct nego_outbox *ob)
{
	__u64 now = mono_ns();
	int i = 0;

	relay_tick(d->relay, now, ob);
	while (i < d->ndefer) {
		struct nego_deferred *w = &d->defer[i];
		enum rc_offer r;
		__be32 via;

		r = offer(d, &w->m, &w->peer, w->inside, &w->policy, now, &via);
		if (r == RC_OFFER_BUSY &&
		    now - w->since_ns < d->rc_ttl * 1000000000ULL) {
			i++;
			continue;
		}
		if (r == RC_OFFER_OK) {
			nego_count_accept(d, &w->m);
			nego_event(d->log, "ACCEPT", &w->m, &w->peer,
				   ", after the wait");
			outbox_answer(ob, &w->m, w->key, &w->peer, NEGO_ACCEPT,
				      via);
		} else {
			stats_count(d->counts, NTS_STAT_NEGO_FULL);
			nego_event(d->log, "REFUSED", &w->m, &w->peer,
				   ": GN stayed busy");
			outbox_answer(ob, &w->m, w->key, &w->peer, NEGO_REFUSED,
				      0);
		}
		*w = d->defer[--d->ndefer];
	}
}

/*
 * What waits holds pointers into the old rings: point them at the new
 * keys of the same names first. A NOTICE whose key is gone can't be
 * answered (nothing to sign with): it is dropped, as if lost.
 */
void nego_decide_rekey(struct nego_decide *d, const struct nts_keyring *kr)
{
	int i = 0;

	while (i < d->ndefer) {
		struct nego_deferred *w = &d->defer[i];

		if (!w->key || (w->key = keys_find(kr, w->key->name,
						   strlen(w->key->name)))) {
			i++;
			continue;
		}
		nego_event(d->log, "dropped", &w->m, &w->peer,
			   ": its key is no longer loaded");
		*w = d->defer[--d->ndefer];
	}
	relay_rekey(d->relay, kr);
}

bool nego_decide_waiting(const struct nego_decide *d)
{
	return d->ndefer || d->relay->n;
}
