// SPDX-License-Identifier: GPL-2.0
/* The -k and --inner-key files: loaded at start, again on SIGHUP. */
#include <errno.h>

#include "keys.h"
#include "log.h"
#include "ntsload.h"

/*
 * Every key of @files into @kr. 0 or -errno, said as "PREFIXOPT: why"
 * (@prefix "" at start, "SIGHUP: cannot reload " on a reload).
 */
static int load(const char *const *files, unsigned int n, const char *opt,
		const char *prefix, struct nts_keyring *kr)
{
	char why[512];
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = keys_load(kr, files[i], why, sizeof(why));
		if (err) {
			pr_err("%s%s: %s", prefix, opt, why);
			return err;
		}
	}
	return 0;
}

int keyfiles_load(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	int err;

	err = load(c->key_files, c->nkey_files, "--key", "", &l->nego.keys);
	if (!err)
		err = load(c->inner_files, c->ninner_files, "--inner-key", "",
			   &l->nego.inner_keys);
	return err;
}

/*
 * SIGHUP: read the key files again, so that keys can be rotated without
 * a restart. All or nothing: on any error the keys loaded before stay.
 */
void keyfiles_reload(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	struct nts_keyring keys = {}, inner = {};
	const char *again = "SIGHUP: cannot reload ";
	size_t n;

	if (load(c->key_files, c->nkey_files, "--key", again, &keys) ||
	    load(c->inner_files, c->ninner_files, "--inner-key", again,
		 &inner)) {
		keys_free(&keys);
		keys_free(&inner);
		pr_err("SIGHUP: keeping the %zu key%s loaded before",
		       l->nego.keys.n, l->nego.keys.n == 1 ? "" : "s");
		return;
	}
	n = keys.n;
	nego_server_set_keys(&l->nego, &keys, &inner);
	pr_info("SIGHUP: reloaded %zu key%s from %u file%s%s", n,
		n == 1 ? "" : "s", c->nkey_files, c->nkey_files == 1 ? "" : "s",
		c->ninner_files ? " and the inner keys" : "");
}
