// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include <nts/ip6.h>
#include <nts/rc.h>

#include "rc.h"

enum rc_offer rc_offer(int rc_fd, __be32 gn, __be32 ext, __be32 inside,
		       const char *fqdn, const struct nts_policy *policy,
		       unsigned int ttl, __u64 now_ns)
{
	struct rc_key k = { .gn = gn, .ext = ext };
	struct rc_entry cur, e = {
		.inside = inside,
		.created_ns = now_ns,
		.expires_ns = now_ns + ttl * 1000000000ULL,
		.policy = *policy,
	};

	/* Slide 21: one GN, one inside host at a time per address. */
	if (!bpf_map_lookup_elem(rc_fd, &k, &cur) && cur.inside != inside &&
	    cur.expires_ns > now_ns)
		return RC_OFFER_BUSY;
	snprintf(e.fqdn, sizeof(e.fqdn), "%s", fqdn);
	if (bpf_map_update_elem(rc_fd, &k, &e, BPF_ANY))
		return RC_OFFER_FULL;	/* no memory: the LRU map makes room */
	return RC_OFFER_OK;
}

enum rc_offer rc_prefix_offer(int fd, __be32 gn, unsigned int plen,
			      __be32 ext, __be32 inside, const char *fqdn,
			      const struct nts_policy *policy,
			      unsigned int ttl, __u64 now_ns)
{
	struct rc_prefix_key k = { .prefixlen = 32 + plen, .ext = ext,
				   .gn = gn };
	struct rc_entry cur, e = {
		.inside = inside,
		.flags = RC_F_PREFIX | plen,
		.created_ns = now_ns,
		.expires_ns = now_ns + ttl * 1000000000ULL,
		.policy = *policy,
	};

	/* An LPM trie finds the longest match: this very network or not. */
	if (!bpf_map_lookup_elem(fd, &k, &cur) && cur.flags == e.flags &&
	    cur.inside != inside && cur.expires_ns > now_ns)
		return RC_OFFER_BUSY;
	snprintf(e.fqdn, sizeof(e.fqdn), "%s", fqdn);
	/* No LRU here: a full map waits for the expiry pass. */
	if (bpf_map_update_elem(fd, &k, &e, BPF_ANY))
		return RC_OFFER_FULL;
	return RC_OFFER_OK;
}

enum rc_offer rc6_offer(int rc6_fd, const void *gn, const void *inside,
			const char *fqdn, const struct nts_policy *policy,
			unsigned int ttl, __u64 now_ns)
{
	struct rc6_key k;
	struct rc6_entry e = {
		.created_ns = now_ns,
		.expires_ns = now_ns + ttl * 1000000000ULL,
		.policy = *policy,
	};

	memcpy(&k.gn, gn, sizeof(k.gn));
	memcpy(&k.inside, inside, sizeof(k.inside));
	snprintf(e.fqdn, sizeof(e.fqdn), "%s", fqdn);
	if (bpf_map_update_elem(rc6_fd, &k, &e, BPF_ANY))
		return RC_OFFER_FULL;
	return RC_OFFER_OK;
}

enum rc_offer rc6_prefix_offer(int fd, const void *gn, unsigned int plen,
			       const void *inside, const char *fqdn,
			       const struct nts_policy *policy,
			       unsigned int ttl, __u64 now_ns)
{
	struct rc6_prefix_key k = { .prefixlen = 128 + plen };
	struct rc6_entry e = {
		.flags = RC_F_PREFIX | plen,
		.created_ns = now_ns,
		.expires_ns = now_ns + ttl * 1000000000ULL,
		.policy = *policy,
	};

	/* The key holds both ends, as rc6's: never busy. */
	memcpy(&k.inside, inside, sizeof(k.inside));
	memcpy(&k.gn, gn, sizeof(k.gn));
	snprintf(e.fqdn, sizeof(e.fqdn), "%s", fqdn);
	if (bpf_map_update_elem(fd, &k, &e, BPF_ANY))
		return RC_OFFER_FULL;
	return RC_OFFER_OK;
}
