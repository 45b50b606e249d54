/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TSIG-style keys, from BIND key files as tsig-keygen prints them:
 *   key "NAME" { algorithm hmac-sha256; secret "BASE64"; };
 */
#ifndef NTS_KEYS_H
#define NTS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEY_SECRET_MAX 128

struct nts_key {
	char name[256];		/* lowercase, no trailing dot */
	uint8_t secret[KEY_SECRET_MAX];
	size_t secret_len;
	char file[256];		/* where it was read, for messages (cut) */
};

struct nts_keyring {
	struct nts_key *keys;
	size_t n;
};

/*
 * Add every key of file @path to @kr. Only hmac-sha256; @path must be a
 * regular file; a name already in @kr is refused. On error returns -errno
 * and, in @err (may be NULL), what is wrong and where.
 */
int keys_load(struct nts_keyring *kr, const char *path, char *err,
	      size_t errlen);
const struct nts_key *keys_find(const struct nts_keyring *kr,
				const char *name, size_t len);
void keys_free(struct nts_keyring *kr);

#endif /* NTS_KEYS_H */
