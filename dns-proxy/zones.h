/* SPDX-License-Identifier: GPL-2.0 */
/* NTS zones (-z ZONE:KEYFILE): the names answers are negotiated for. */
#ifndef NTSDNS_ZONES_H
#define NTSDNS_ZONES_H

#include <stddef.h>

#include "keys.h"

struct nts_zone {
	char name[256]; /* lowercase, no trailing dot */
	size_t key;	/* index into the ring */
};

struct nts_zones {
	struct nts_zone *zone;
	size_t n;
	/* Every zone's key: NTS-Nego answers are checked against these. */
	struct nts_keyring ring;
};

/*
 * Add "ZONE:KEYFILE" (the first key of the file signs). On error
 * -errno and what is wrong in @err.
 */
int zones_add(struct nts_zones *zs, const char *arg, char *err, size_t errlen);
/* The longest zone @fqdn (normalized) is at or under, or NULL. */
const struct nts_zone *zones_match(const struct nts_zones *zs,
				   const char *fqdn);
const struct nts_key *zones_key(const struct nts_zones *zs,
				const struct nts_zone *z);
void zones_free(struct nts_zones *zs);

#endif /* NTSDNS_ZONES_H */
