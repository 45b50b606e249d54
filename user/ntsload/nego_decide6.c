// SPDX-License-Identifier: GPL-2.0
/*
 * NOTICEs for IPv6 GNs (issue 19). Neither held nor relayed: both exist
 * because the IPv4 NAT shares its few outside addresses among the inside
 * hosts (one GN, one host per address, slide 21; an inner router's hosts
 * behind the outer one's address). Over IPv6 every inside host has its
 * own global address, so GN's entry for one host never stands in the way
 * of another's, and an inner router's hosts are reached directly.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <bpf/bpf.h>

#include <nts/ip6.h>

#include "nego_decide.h"
#include "nego_what.h"
#include "rc.h"

void nego_notice6(struct nego_decide *d, const struct nego_in *in, __u64 now,
		  struct nego_outbox *ob)
{
	const struct nego_msg *m = &in->m;
	const struct nego_peer *p = &in->peer;
	char inside[INET6_ADDRSTRLEN];
	struct phl_key k = {};
	struct phl6_entry e;
	struct nts_policy pol;

	snprintf(k.name, sizeof(k.name), "%s", m->fqdn);
	if (bpf_map_lookup_elem(d->maps->phl6, &k, &e) ||
	    (e.expires_ns && e.expires_ns < now)) {
		stats_count(d->counts, NTS_STAT_NEGO_REJECT);
		nego_event(d->log, "REJECT", m, p,
			   ": no IPv6 address in the PHL");
		outbox_answer(ob, m, in->key, p, NEGO_REJECT, 0);
		return;
	}
	/* The host's own policy, else the default, as for IPv4. */
	if (bpf_map_lookup_elem(d->maps->policy, &k, &pol))
		pol = d->default_policy;
	if ((nego_for_network(m) ?
		     rc6_prefix_offer(d->maps->rc6_prefix, m->gn6, m->plen,
				      &e.addr, m->fqdn, &pol, d->rc_prefix_ttl,
				      now) :
		     rc6_offer(d->maps->rc6, m->gn6, &e.addr, m->fqdn, &pol,
			       d->rc_ttl, now)) != RC_OFFER_OK) {
		stats_count(d->counts, NTS_STAT_NEGO_FULL);
		nego_event(d->log, "REFUSED", m, p, ": request cache full");
		outbox_answer(ob, m, in->key, p, NEGO_REFUSED, 0);
		return;
	}
	nego_count_accept(d, m);
	inet_ntop(AF_INET6, &e.addr, inside, sizeof(inside));
	nego_event(d->log, "ACCEPT", m, p, " -> %s", inside);
	/* The NTS server answers GN's AAAA query with it. */
	outbox_accept6(ob, m, in->key, p, &e.addr);
}
