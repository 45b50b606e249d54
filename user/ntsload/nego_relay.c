// SPDX-License-Identifier: GPL-2.0
/*
 * Cascaded NTS routers (slides 22-23). The PHL entry of a host behind an
 * inner NTS router points at that router's outer address: the NOTICE is
 * relayed there, signed with --inner-key, our request cache entry already
 * made, and answered outward as the inner router answers. Whether an
 * inside address is an NTS router is learnt from the relay itself: an
 * answer says yes; ICMP unreachable, or no answer in time, says no (a
 * plain host, accepted as before). What was learnt is kept a minute.
 */
#include <arpa/inet.h>
#include <string.h>
#include <bpf/bpf.h>

#include <nts/rc.h>

#include "flow.h"
#include "fmt.h"
#include "nego_relay.h"
#include "nego_what.h"

#define INNER_CACHE_NS (60 * 1000000000ULL)

static struct nego_inner *inner_find(struct nego_relays *rs, __be32 addr,
				     __u64 now)
{
	int i;

	for (i = 0; i < rs->ninner; i++)
		if (rs->inner[i].addr == addr && rs->inner[i].until_ns > now)
			return &rs->inner[i];
	return NULL;
}

static void inner_learn(struct nego_relays *rs, __be32 addr, bool router,
			__u64 now)
{
	struct nego_inner *n = NULL;
	int i, oldest = 0;

	for (i = 0; i < rs->ninner; i++) {
		if (rs->inner[i].addr == addr)
			n = &rs->inner[i];
		if (rs->inner[i].until_ns < rs->inner[oldest].until_ns)
			oldest = i;
	}
	if (!n)
		n = rs->ninner < NEGO_INNER_MAX ? &rs->inner[rs->ninner++]
						: &rs->inner[oldest];
	n->addr = addr;
	n->router = router;
	n->until_ns = now + INNER_CACHE_NS;
}

bool relay_wanted(struct nego_relays *rs, __be32 inside, __u64 now)
{
	struct nego_inner *n;

	if (!rs->keys->n)
		return false;
	n = inner_find(rs, inside, now);
	return !n || n->router;
}

void relay_start(struct nego_relays *rs, const struct nego_msg *m,
		 const struct nts_key *key, const struct nego_peer *p,
		 __be32 via, __be32 inside, __u64 now, struct nego_outbox *ob)
{
	struct nego_inner *n = inner_find(rs, inside, now);
	struct nego_relay *r;
	struct nego_out *o;
	int i;

	/* A retransmission of a NOTICE being relayed: wait for the first. */
	for (i = 0; i < rs->n; i++)
		if (rs->r[i].m.gn == m->gn &&
		    !strcmp(rs->r[i].m.fqdn, m->fqdn) &&
		    rs->r[i].peer.from.sin_addr.s_addr ==
			    p->from.sin_addr.s_addr)
			return;
	if (rs->n == NEGO_RELAY_MAX || !(o = outbox_add(ob))) {
		stats_count(rs->counts, NTS_STAT_NEGO_FULL);
		outbox_answer(ob, m, key, p, NEGO_REFUSED, 0);
		return;
	}
	r = &rs->r[rs->n++];
	r->m = *m;
	r->key = key;
	r->peer = *p;
	r->via = via;
	r->inside = inside;
	r->ext = via ? via : p->to;
	r->txid = rs->next_txid++;
	r->known = n && n->router;
	r->deadline_ns = now + rs->timeout_ms * 1000000ULL;

	memset(&o->m, 0, sizeof(o->m));
	o->m.type = NEGO_NOTICE;
	o->m.txid = r->txid;
	o->m.gn = m->gn;
	memcpy(o->m.fqdn, m->fqdn, sizeof(o->m.fqdn));
	o->key = &rs->keys->keys[0];
	o->to = (struct sockaddr_in){
		.sin_family = AF_INET,
		.sin_port = htons(rs->port),
		.sin_addr.s_addr = inside,
	};
	o->relay = true;
	stats_count(rs->counts, NTS_STAT_NEGO_RELAYED);
}

/* Say outward what the inner router said (or what its silence means). */
static void relay_done(struct nego_relays *rs, int i, enum nego_type type,
		       const char *why, struct nego_outbox *ob)
{
	struct nego_relay *r = &rs->r[i];
	char in[INET_ADDRSTRLEN], gn[INET_ADDRSTRLEN], name[FMT_ESCAPED_MAX];

	if (type == NEGO_ACCEPT) {
		stats_count(rs->counts, NTS_STAT_NEGO_ACCEPT);
	} else {
		struct rc_key k = { .gn = r->m.gn, .ext = r->ext };

		/* Our entry would let GN into a router that said no. */
		bpf_map_delete_elem(rs->maps->rc, &k);
		stats_count(rs->counts, type == NEGO_REJECT
						? NTS_STAT_NEGO_REJECT
						: NTS_STAT_NEGO_FULL);
	}
	if (log_limit_allow(rs->log)) {
		inet_ntop(AF_INET, &r->inside, in, sizeof(in));
		inet_ntop(AF_INET, &r->m.gn, gn, sizeof(gn));
		/* Checked when it came, but it is the peer's: escaped. */
		fmt_escape(name, sizeof(name), r->m.fqdn, sizeof(r->m.fqdn));
		pr_info("%s%s%s %s for GN %s: %s %s",
			rs->log->what ? rs->log->what : "",
			rs->log->what ? ": " : "", nego_type_name(type), name,
			gn, in, why);
	}
	outbox_answer(ob, &r->m, r->key, &r->peer, type, r->via);
	rs->r[i] = rs->r[--rs->n];
}

bool relay_answer(struct nego_relays *rs, const struct nego_in *in,
		  struct nego_outbox *ob)
{
	const struct nego_msg *m = &in->m;
	int i;

	/* Decoded (whether authentic or not), and an answer. */
	if (!rs->n || (in->err && -in->err < NEGO_E_UNSIGNED) ||
	    m->type == NEGO_NOTICE)
		return false;
	for (i = 0; i < rs->n; i++) {
		struct nego_relay *r = &rs->r[i];

		if (r->inside != in->peer.from.sin_addr.s_addr ||
		    r->txid != m->txid || r->m.gn != m->gn ||
		    strcmp(r->m.fqdn, m->fqdn))
			continue;
		if (in->err) {
			log_limited(
				rs->log,
				"ignored an answer from inner router %s: %s",
				inet_ntoa(in->peer.from.sin_addr),
				nego_strerror(in->err));
			return true;
		}
		inner_learn(rs, r->inside, true, mono_ns());
		relay_done(rs, i, m->type, "(the inner router's answer)", ob);
		return true;
	}
	return false;
}

void relay_unreachable(struct nego_relays *rs, __be32 dst,
		       struct nego_outbox *ob)
{
	int i = 0;

	while (i < rs->n) {
		if (rs->r[i].inside != dst) {
			i++;
			continue;
		}
		/* A router we knew has stopped: no. Else: a plain host. */
		if (rs->r[i].known) {
			relay_done(rs, i, NEGO_REFUSED,
				   "(the inner router is down)", ob);
		} else {
			inner_learn(rs, dst, false, mono_ns());
			relay_done(rs, i, NEGO_ACCEPT, "(a host, not a router)",
				   ob);
		}
	}
}

void relay_unsent(struct nego_relays *rs, const struct nego_unsent *u,
		  struct nego_outbox *ob)
{
	int i;

	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].inside != u->dst || rs->r[i].txid != u->txid)
			continue;
		/* Nothing inward: as for a plain host. */
		inner_learn(rs, u->dst, false, mono_ns());
		relay_done(rs, i, NEGO_ACCEPT, "(could not relay to it)", ob);
		return;
	}
}

void relay_tick(struct nego_relays *rs, __u64 now, struct nego_outbox *ob)
{
	int i = 0;

	while (i < rs->n) {
		struct nego_relay *r = &rs->r[i];

		if (now < r->deadline_ns) {
			i++;
			continue;
		}
		/* A router we knew went quiet: no. Never heard of: a host. */
		if (r->known) {
			relay_done(rs, i, NEGO_REFUSED,
				   "(the inner router did not answer)", ob);
		} else {
			inner_learn(rs, r->inside, false, now);
			relay_done(rs, i, NEGO_ACCEPT, "(a host: no answer)",
				   ob);
		}
	}
}

void relay_rekey(struct nego_relays *rs, const struct nts_keyring *kr)
{
	char what[NEGO_WHAT_MAX];
	int i = 0;

	while (i < rs->n) {
		struct nego_relay *r = &rs->r[i];

		if (!r->key || (r->key = keys_find(kr, r->key->name,
						   strlen(r->key->name)))) {
			i++;
			continue;
		}
		nego_what(what, sizeof(what), &r->m, &r->peer);
		log_limited(rs->log, "dropped %s: its key is no longer loaded",
			    what);
		rs->r[i] = rs->r[--rs->n];
	}
}
