/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The keys NOTICEs are signed with: each -z zone's key file, and the
 * --keys table (a key for each router). Immutable once built and
 * reference-counted: SIGHUP builds a new one and each worker swaps it
 * in between two events; a negotiation holds the table it started with
 * until it ends, so its answers are checked with the key it signed with.
 */
#ifndef NTSDNS_KEYTAB_H
#define NTSDNS_KEYTAB_H

#include <stdatomic.h>
#include <stddef.h>
#include <linux/types.h>

#include "keys.h"
#include "zones.h"

struct config;

struct keytab {
	atomic_uint refs;
	/* The -z zones as read now, in the command line's order. */
	struct nts_zones zones;
	/* --keys: its keys and servers; empty without. */
	struct nts_keyconf conf;
};

/* Read every key file of @c; NULL and why in @err (FILE:LINE: ...). */
struct keytab *keytab_load(const struct config *c, char *err, size_t errlen);
struct keytab *keytab_ref(struct keytab *kt);
void keytab_unref(struct keytab *kt);

/*
 * The key a NOTICE about a name of zone @zone (its index in the -z
 * order) to @router signs with: the router's own (a server statement),
 * else the zone's.
 */
const struct nts_key *keytab_key(const struct keytab *kt, size_t zone,
				 __be32 router);

#endif /* NTSDNS_KEYTAB_H */
