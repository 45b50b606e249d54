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
#include <time.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include <nts/rc.h>

#include "flow.h"
#include "nego_server.h"

#define INNER_CACHE_NS (60 * 1000000000ULL)

static struct nego_inner *inner_find(struct nego_server *s, __be32 addr,
				     __u64 now)
{
	int i;

	for (i = 0; i < s->ninner; i++)
		if (s->inner[i].addr == addr && s->inner[i].until_ns > now)
			return &s->inner[i];
	return NULL;
}

static void inner_learn(struct nego_server *s, __be32 addr, bool router,
			__u64 now)
{
	struct nego_inner *n = NULL;
	int i, oldest = 0;

	for (i = 0; i < s->ninner; i++) {
		if (s->inner[i].addr == addr)
			n = &s->inner[i];
		if (s->inner[i].until_ns < s->inner[oldest].until_ns)
			oldest = i;
	}
	if (!n)
		n = s->ninner < NEGO_INNER_MAX ? &s->inner[s->ninner++] :
						 &s->inner[oldest];
	n->addr = addr;
	n->router = router;
	n->until_ns = now + INNER_CACHE_NS;
}

bool relay_wanted(struct nego_server *s, __be32 inside, __u64 now)
{
	struct nego_inner *n;

	if (!s->inner_keys.n)
		return false;
	n = inner_find(s, inside, now);
	return !n || n->router;
}

void relay_start(struct nego_server *s, const struct nego_msg *m,
		 const struct nts_key *key, const struct nego_peer *p,
		 __be32 via, __be32 inside, __u64 now)
{
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(s->port),
		.sin_addr.s_addr = inside,
	};
	struct nego_msg out = { .type = NEGO_NOTICE, .gn = m->gn };
	struct nego_inner *n = inner_find(s, inside, now);
	struct nego_relay *r;
	__u8 buf[NEGO_MSG_MAX];
	ssize_t len;
	int i;

	/* A retransmission of a NOTICE being relayed: wait for the first. */
	for (i = 0; i < s->nrelays; i++)
		if (s->relays[i].m.gn == m->gn &&
		    !strcmp(s->relays[i].m.fqdn, m->fqdn) &&
		    s->relays[i].peer.from.sin_addr.s_addr ==
			    p->from.sin_addr.s_addr)
			return;
	if (s->nrelays == NEGO_RELAY_MAX) {
		nego_count(s, NTS_STAT_NEGO_FULL);
		answer_via(s, m, key, p, NEGO_REFUSED, 0);
		return;
	}
	r = &s->relays[s->nrelays];
	r->m = *m;
	r->key = key;
	r->peer = *p;
	r->via = via;
	r->inside = inside;
	r->ext = via ? via : p->to;
	r->txid = s->next_txid++;
	r->known = n && n->router;
	r->deadline_ns = now + s->relay_timeout_ms * 1000000ULL;

	out.txid = r->txid;
	memcpy(out.fqdn, m->fqdn, sizeof(out.fqdn));
	len = nego_encode(&out, &s->inner_keys.keys[0], time(NULL), buf,
			  sizeof(buf));
	if (len < 0 ||
	    sendto(s->fd, buf, len, 0, (void *)&to, sizeof(to)) != len) {
		/* Nothing inward: as for a plain host. */
		inner_learn(s, inside, false, now);
		nego_count(s, NTS_STAT_NEGO_ACCEPT);
		answer_via(s, m, key, p, NEGO_ACCEPT, via);
		return;
	}
	s->nrelays++;
	nego_count(s, NTS_STAT_NEGO_RELAYED);
}

/* Say outward what the inner router said (or what its silence means). */
static void relay_done(struct nego_server *s, int i, enum nego_type type,
		       const char *why)
{
	struct nego_relay *r = &s->relays[i];
	char in[INET_ADDRSTRLEN], name[FMT_ESCAPED_MAX];

	inet_ntop(AF_INET, &r->inside, in, sizeof(in));
	/* Checked when it came, but it is the peer's: escaped all the same. */
	fmt_escape(name, sizeof(name), r->m.fqdn, sizeof(r->m.fqdn));
	if (type == NEGO_ACCEPT) {
		nego_count(s, NTS_STAT_NEGO_ACCEPT);
	} else {
		struct rc_key k = { .gn = r->m.gn, .ext = r->ext };

		/* Our entry would let GN into a router that said no. */
		bpf_map_delete_elem(s->maps->rc, &k);
		nego_count(s, type == NEGO_REJECT ? NTS_STAT_NEGO_REJECT :
						    NTS_STAT_NEGO_FULL);
	}
	nego_log(s, "%s %s for GN %s: %s %s", nego_type_name(type), name,
		 inet_ntoa(*(struct in_addr *)&r->m.gn), in, why);
	answer_via(s, &r->m, r->key, &r->peer, type, r->via);
	s->relays[i] = s->relays[--s->nrelays];
}

bool relay_answer(struct nego_server *s, const __u8 *buf, size_t len,
		  const struct nego_peer *p)
{
	struct nego_msg m;
	int i, err;

	if (!s->nrelays || nego_decode(buf, len, &m) ||
	    m.type == NEGO_NOTICE)
		return false;
	for (i = 0; i < s->nrelays; i++) {
		struct nego_relay *r = &s->relays[i];

		if (r->inside != p->from.sin_addr.s_addr || r->txid != m.txid ||
		    r->m.gn != m.gn || strcmp(r->m.fqdn, m.fqdn))
			continue;
		err = nego_receive(buf, len, &s->inner_auth, time(NULL), &m,
				   NULL);
		if (err) {
			nego_log(s, "ignored an answer from inner router %s: "
				 "%s",
				 inet_ntoa(p->from.sin_addr),
				 nego_strerror(err));
			return true;
		}
		inner_learn(s, r->inside, true, mono_ns());
		relay_done(s, i, m.type, "(the inner router's answer)");
		return true;
	}
	return false;
}

void relay_unreachable(struct nego_server *s, __be32 dst)
{
	int i = 0;

	while (i < s->nrelays) {
		if (s->relays[i].inside != dst) {
			i++;
			continue;
		}
		/* A router we knew has stopped: no. Else: a plain host. */
		if (s->relays[i].known) {
			relay_done(s, i, NEGO_REFUSED,
				   "(the inner router is down)");
		} else {
			inner_learn(s, dst, false, mono_ns());
			relay_done(s, i, NEGO_ACCEPT, "(a host, not a router)");
		}
	}
}

void relay_tick(struct nego_server *s, __u64 now)
{
	int i = 0;

	while (i < s->nrelays) {
		struct nego_relay *r = &s->relays[i];

		if (now < r->deadline_ns) {
			i++;
			continue;
		}
		/* A router we knew went quiet: no. Never heard of: a host. */
		if (r->known) {
			relay_done(s, i, NEGO_REFUSED,
				   "(the inner router did not answer)");
		} else {
			inner_learn(s, r->inside, false, now);
			relay_done(s, i, NEGO_ACCEPT, "(a host: no answer)");
		}
	}
}
