/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS-Nego messages (include/nts/nego.h): encoding, decoding that never
 * trusts a length, and authentication (HMAC-SHA256, time, nonce replay).
 * Shared by ntsload, ntsdns, nts-nego and the tests.
 */
#ifndef NTS_NEGO_MSG_H
#define NTS_NEGO_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

#include <nts/nego.h>

#include "keys.h"

struct nego_msg {
	__u8 txid;
	__u8 type;		/* enum nego_type */
	__be32 gn;
	char fqdn[256];		/* NUL-terminated */
	bool has_addr;		/* ACCEPT: answer GN with this address */
	__be32 addr;
	/* NEGO_F_V6: GN and the answer's address are IPv6; gn is 0 */
	bool v6;
	__u8 gn6[16];
	__u8 addr6[16];		/* has_addr */
	/* NEGO_F_PREFIX: gn (or gn6) is a network of plen bits; 0: any */
	bool prefix;
	__u8 plen;
	/* a NOTICE with NEGO_F_LATER flags: only txid, gn, fqdn are read */
	bool later;
	/* the trailer */
	bool is_signed;
	__u64 time;
	__u64 nonce;
	char key[256];		/* the key's name, as sent */
};

enum nego_err {
	NEGO_E_SHORT = 1,	/* shorter than its header says */
	NEGO_E_LENGTH,		/* lengths that don't add up */
	NEGO_E_TYPE,		/* unknown type or flags */
	NEGO_E_NAME,		/* not a lowercase host name */
	NEGO_E_UNSIGNED,	/* no trailer, and insecure mode is off */
	NEGO_E_KEY,		/* a key we don't have */
	NEGO_E_MAC,		/* wrong HMAC */
	NEGO_E_TIME,		/* time too far from ours */
	NEGO_E_REPLAY,		/* a nonce seen in the last 60 s */
	NEGO_E_BUSY,		/* too many nonces to remember */
	NEGO_E_STALE,		/* signed before auth->not_before */
	NEGO_E_PREFIX,		/* a prefix longer than its address, or
				 * with bits set past its length */
	NEGO_E_MAX,
};

const char *nego_strerror(int err);
const char *nego_type_name(__u8 type);

/*
 * Encode @m, signed with @key (NULL: unsigned, the paper's form) at Unix
 * time @now with m->nonce, or a fresh one if it is 0 (stored back into
 * @m). Returns the length, or -ENOSPC / -EINVAL.
 */
ssize_t nego_encode(struct nego_msg *m, const struct nts_key *key, __u64 now,
		    __u8 *buf, size_t len);

/* Structure only: fills @m; 0 or -enum nego_err. Reads only @len bytes. */
int nego_decode(const __u8 *buf, size_t len, struct nego_msg *m);

/*
 * Remembers each nonce for as long as its message's time is acceptable
 * (that time + NEGO_TIME_SKEW), however many come: at most @max at once,
 * 16 to 64 bytes each (the table grows with the rate, rebuilt at half
 * load). Past @max: -NEGO_E_BUSY, which the caller counts and logs.
 */
struct nego_replay;
struct nego_replay *nego_replay_new(size_t max);
void nego_replay_free(struct nego_replay *r);

struct nego_auth {
	const struct nts_keyring *keys;
	bool insecure;			/* accept unsigned messages */
	struct nego_replay *replay;	/* NULL: no replay check */
	/*
	 * Unix time the replay cache starts from (the receiver's start):
	 * messages signed earlier are refused, NEGO_E_STALE. 0: none.
	 */
	__u64 not_before;
};

/*
 * Decode and authenticate a received message at Unix time @now: MAC,
 * time, not_before, then nonce (remembered only once the MAC held). @key (may be
 * NULL) gets the key that signed it, NULL when unsigned. 0 or -err.
 */
int nego_receive(const __u8 *buf, size_t len, const struct nego_auth *a,
		 __u64 now, struct nego_msg *m, const struct nts_key **key);

/*
 * nego_receive() in two steps, for receivers that check MACs on several
 * threads: nego_verify() is all of it but the nonce, reads only @a's
 * keys and may run on any thread at once; nego_replay_check() then, on
 * one thread at a time (the cache is not locked), for each message that
 * nego_verify() passed, in the order they came. 0 or -err.
 */
int nego_verify(const __u8 *buf, size_t len, const struct nego_auth *a,
		__u64 now, struct nego_msg *m, const struct nts_key **key);
int nego_replay_check(struct nego_replay *r, const struct nego_msg *m,
		      __u64 now);

/*
 * MACs are computed with a context per key kept by each thread (a key's
 * setup costs more than its MAC); a thread that ends calls this first.
 */
void nego_thread_done(void);

#endif /* NTS_NEGO_MSG_H */
