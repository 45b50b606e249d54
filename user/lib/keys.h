/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TSIG-style keys, from BIND key files as tsig-keygen prints them:
 *   key "NAME" { algorithm hmac-sha256; secret "BASE64"; };
 * and named.conf's server statements (ntsdns --keys).
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

/*
 * A key table as named.conf writes it (ntsdns --keys): key statements,
 * and server statements naming the key of each router:
 *   server 192.0.2.1 { keys { NAME; }; };
 */
struct nts_server_key {
	uint32_t addr;		/* IPv4, network order */
	size_t key;		/* index into ring */
};

struct nts_keyconf {
	struct nts_keyring ring;
	struct nts_server_key *server;
	size_t nserver;
};

/*
 * Read @path into @c (emptied first): key and server statements only;
 * a server's key must be in the file. On error -errno, @c empty, and in
 * @err "FILE:LINE: what was expected".
 */
int keys_conf_load(struct nts_keyconf *c, const char *path, char *err,
		   size_t errlen);
/* The key of router @addr (network order), or NULL: no server for it. */
const struct nts_key *keys_conf_server(const struct nts_keyconf *c,
				       uint32_t addr);
void keys_conf_free(struct nts_keyconf *c);

#endif /* NTS_KEYS_H */
