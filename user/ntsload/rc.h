/* SPDX-License-Identifier: GPL-2.0 */
/* Request cache entries, from user space. */
#ifndef NTSLOAD_RC_H
#define NTSLOAD_RC_H

#include <linux/types.h>

#include <nts/policy.h>

enum rc_offer {
	RC_OFFER_OK,		/* made or refreshed */
	RC_OFFER_BUSY,		/* GN has a live entry for another host */
	RC_OFFER_FULL,		/* no room */
};

/*
 * Let GN @gn, which was told @ext, open flows to @inside (@fqdn) for
 * @ttl seconds from @now_ns or until its first use, within @policy. The
 * same host again starts a fresh window.
 */
enum rc_offer rc_offer(int rc_fd, __be32 gn, __be32 ext, __be32 inside,
		       const char *fqdn, const struct nts_policy *policy,
		       unsigned int ttl, __u64 now_ns);

/*
 * The same for the network @gn/@plen (issue 20): its first host to
 * connect gets the entry (bpf/lib/rc.h). One host of a network at a
 * time per address, as for one GN.
 */
enum rc_offer rc_prefix_offer(int fd, __be32 gn, unsigned int plen,
			      __be32 ext, __be32 inside, const char *fqdn,
			      const struct nts_policy *policy,
			      unsigned int ttl, __u64 now_ns);

/*
 * The same for IPv6 (issue 19): GN @gn (16 bytes) may open flows to
 * @inside (16 bytes). Never RC_OFFER_BUSY: there is no address to share,
 * each inside host has its own, and the key holds both ends.
 */
enum rc_offer rc6_offer(int rc6_fd, const void *gn, const void *inside,
			const char *fqdn, const struct nts_policy *policy,
			unsigned int ttl, __u64 now_ns);
/* ... for the IPv6 network @gn/@plen (ECS /56), in rc6_prefix. */
enum rc_offer rc6_prefix_offer(int fd, const void *gn, unsigned int plen,
			       const void *inside, const char *fqdn,
			       const struct nts_policy *policy,
			       unsigned int ttl, __u64 now_ns);

#endif /* NTSLOAD_RC_H */
