// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>

#include "keytab.h"
#include "ntsdns.h"

struct keytab *keytab_load(const struct config *c, char *err, size_t errlen)
{
	struct keytab *kt = calloc(1, sizeof(*kt));
	char why[512];
	size_t i;

	if (!kt) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	atomic_init(&kt->refs, 1);
	for (i = 0; i < c->nzone_args; i++)
		if (zones_add(&kt->zones, c->zone_args[i], why, sizeof(why))) {
			snprintf(err, errlen, "--zone: %s", why);
			goto fail;
		}
	if (c->keys_path &&
	    keys_conf_load(&kt->conf, c->keys_path, why, sizeof(why))) {
		snprintf(err, errlen, "--keys: %s", why);
		goto fail;
	}
	return kt;
fail:
	keytab_unref(kt);
	return NULL;
}

struct keytab *keytab_ref(struct keytab *kt)
{
	atomic_fetch_add_explicit(&kt->refs, 1, memory_order_relaxed);
	return kt;
}

void keytab_unref(struct keytab *kt)
{
	if (!kt ||
	    atomic_fetch_sub_explicit(&kt->refs, 1, memory_order_acq_rel) != 1)
		return;
	zones_free(&kt->zones);
	keys_conf_free(&kt->conf);
	free(kt);
}

const struct nts_key *keytab_key(const struct keytab *kt, size_t zone,
				 __be32 router)
{
	const struct nts_key *k = keys_conf_server(&kt->conf, router);

	return k ? k : zones_key(&kt->zones, &kt->zones.zone[zone]);
}
