// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsname.h"
#include "zones.h"

/*
 * The key of @file joins the ring; one already there by the same name
 * must be the same key, since answers find their key by name.
 */
static int ring_add(struct nts_keyring *ring, const struct nts_key *k,
		    const char *file, size_t *idx, char *err, size_t errlen)
{
	struct nts_key *more;
	size_t i;

	for (i = 0; i < ring->n; i++) {
		if (strcmp(ring->keys[i].name, k->name))
			continue;
		if (ring->keys[i].secret_len == k->secret_len &&
		    !memcmp(ring->keys[i].secret, k->secret, k->secret_len)) {
			*idx = i;
			return 0;
		}
		snprintf(err, errlen,
			 "%s: another zone's key is also named '%s' but has "
			 "another secret; give the keys different names",
			 file, k->name);
		return -EINVAL;
	}
	more = realloc(ring->keys, (ring->n + 1) * sizeof(*more));
	if (!more) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ring->keys = more;
	ring->keys[ring->n] = *k;
	*idx = ring->n++;
	return 0;
}

int zones_add(struct nts_zones *zs, const char *arg, char *err, size_t errlen)
{
	struct nts_keyring file = {};
	struct nts_zone z = {}, *more;
	const char *colon = strchr(arg, ':');
	char name[256];
	int rc;

	if (!colon || colon == arg || !colon[1]) {
		snprintf(err, errlen,
			 "'%s' is not ZONE:KEYFILE (e.g. example.net:nts.key)",
			 arg);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(colon - arg), arg);
	if (colon - arg > 254 ||
	    dns_name_normalize(name, z.name, sizeof(z.name))) {
		snprintf(err, errlen, "'%.*s' is not a zone name",
			 (int)(colon - arg), arg);
		return -EINVAL;
	}
	rc = keys_load(&file, colon + 1, err, errlen);
	if (!rc)
		rc = ring_add(&zs->ring, &file.keys[0], colon + 1, &z.key, err,
			      errlen);
	keys_free(&file);
	if (rc)
		return rc;
	more = realloc(zs->zone, (zs->n + 1) * sizeof(*more));
	if (!more) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	zs->zone = more;
	zs->zone[zs->n++] = z;
	return 0;
}

const struct nts_zone *zones_match(const struct nts_zones *zs, const char *fqdn)
{
	const struct nts_zone *best = NULL;
	size_t n = strlen(fqdn), i, zl;

	for (i = 0; i < zs->n; i++) {
		zl = strlen(zs->zone[i].name);
		if (zl > n || strcmp(fqdn + n - zl, zs->zone[i].name))
			continue;
		/* At the zone, or under it at a label boundary. */
		if (zl < n && fqdn[n - zl - 1] != '.')
			continue;
		if (!best || zl > strlen(best->name))
			best = &zs->zone[i];
	}
	return best;
}

const struct nts_key *zones_key(const struct nts_zones *zs,
				const struct nts_zone *z)
{
	return &zs->ring.keys[z->key];
}

void zones_free(struct nts_zones *zs)
{
	free(zs->zone);
	zs->zone = NULL;
	zs->n = 0;
	keys_free(&zs->ring);
}
