// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "dnsname.h"
#include "nego.h"
#include "rand.h"

const char *nego_strerror(int err)
{
	static const char *const msg[NEGO_E_MAX] = {
		[0] = "ok",
		[NEGO_E_SHORT] = "truncated",
		[NEGO_E_LENGTH] = "lengths that don't add up",
		[NEGO_E_TYPE] = "unknown type",
		[NEGO_E_NAME] = "not a lowercase host name",
		[NEGO_E_UNSIGNED] = "unsigned (and not --insecure)",
		[NEGO_E_KEY] = "unknown key",
		[NEGO_E_MAC] = "wrong HMAC",
		[NEGO_E_TIME] = "time more than 30 s off",
		[NEGO_E_REPLAY] = "replayed nonce",
		[NEGO_E_BUSY] = "too many nonces to remember",
		[NEGO_E_STALE] = "signed before this receiver started (a "
				 "replay?)",
		[NEGO_E_PREFIX] = "a GN prefix longer than its address or "
				  "with host bits set",
	};

	err = err < 0 ? -err : err;
	return err < NEGO_E_MAX ? msg[err] : "?";
}

const char *nego_type_name(__u8 type)
{
	switch (type & NEGO_TYPE_MASK) {
	case NEGO_NOTICE:
		return "NOTICE";
	case NEGO_ACCEPT:
		return "ACCEPT";
	case NEGO_REJECT:
		return "REJECT";
	case NEGO_REFUSED:
		return "REFUSED";
	default:
		return "?";
	}
}

static void put64(__u8 *p, __u64 v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = v & 0xff;
}

static __u64 get64(const __u8 *p)
{
	__u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * HMAC-SHA256 with a context keyed once per key and thread: HMAC() sets
 * the key up again for every message (the two padded key blocks, a
 * fetch of the algorithm), which costs four times the MAC of a NOTICE.
 * A thread's contexts are found by the secret itself, so a key reloaded
 * at another address, or freed, is never mistaken for another.
 */
#define MAC_CTX_MAX 8

struct mac_slot {
	EVP_MAC_CTX *ctx;
	size_t len;
	__u8 secret[KEY_SECRET_MAX];
};

static __thread struct {
	EVP_MAC *hmac;
	struct mac_slot slot[MAC_CTX_MAX];
	unsigned int next;
} macs;

static EVP_MAC_CTX *mac_ctx(const struct nts_key *key)
{
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	struct mac_slot *s;
	int i;

	if (key->secret_len > KEY_SECRET_MAX)
		return NULL;
	for (i = 0; i < MAC_CTX_MAX; i++) {
		s = &macs.slot[i];
		if (s->ctx && s->len == key->secret_len &&
		    !memcmp(s->secret, key->secret, s->len))
			return s->ctx;
	}
	if (!macs.hmac)
		macs.hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!macs.hmac)
		return NULL;
	s = &macs.slot[macs.next++ % MAC_CTX_MAX];
	EVP_MAC_CTX_free(s->ctx);
	s->len = key->secret_len;
	memcpy(s->secret, key->secret, s->len);
	s->ctx = EVP_MAC_CTX_new(macs.hmac);
	/* A non-NULL key even when empty: NULL would mean "the same again". */
	if (s->ctx && !EVP_MAC_init(s->ctx, s->secret, s->len, p)) {
		EVP_MAC_CTX_free(s->ctx);
		s->ctx = NULL;
	}
	if (!s->ctx)
		OPENSSL_cleanse(s->secret, sizeof(s->secret));
	return s->ctx;
}

void nego_thread_done(void)
{
	int i;

	for (i = 0; i < MAC_CTX_MAX; i++) {
		EVP_MAC_CTX_free(macs.slot[i].ctx);
		OPENSSL_cleanse(&macs.slot[i], sizeof(macs.slot[i]));
	}
	EVP_MAC_free(macs.hmac);
	macs.hmac = NULL;
}

static void mac(const struct nts_key *key, const __u8 *buf, size_t len,
		__u8 out[NEGO_MAC_LEN])
{
	EVP_MAC_CTX *ctx = mac_ctx(key);
	unsigned int n = NEGO_MAC_LEN;
	size_t got;

	/* Re-initialised without a key: back to the keyed state. */
	if (ctx && EVP_MAC_init(ctx, NULL, 0, NULL) &&
	    EVP_MAC_update(ctx, buf, len) &&
	    EVP_MAC_final(ctx, out, &got, NEGO_MAC_LEN) && got == NEGO_MAC_LEN)
		return;
	/* No context (no memory): the slow way, same result. */
	HMAC(EVP_sha256(), key->secret, key->secret_len, buf, len, out, &n);
}

ssize_t nego_encode(struct nego_msg *m, const struct nts_key *key, __u64 now,
		    __u8 *buf, size_t len)
{
	struct nego_hdr h = {
		.txid = m->txid,
		.type = m->type | (m->has_addr ? NEGO_F_ADDR : 0) |
			(m->v6 ? NEGO_F_V6 : 0) |
			(m->prefix ? NEGO_F_PREFIX : 0),
		.gn = m->v6 ? 0 : m->gn,
	};
	size_t flen = strnlen(m->fqdn, sizeof(m->fqdn)), off, klen;

	if (!flen || flen > NEGO_FQDN_MAX)
		return -EINVAL;
	klen = key ? strlen(key->name) : 0;
	if (sizeof(h) + flen + 33 + NEGO_TRAILER_FIXED + klen + NEGO_MAC_LEN >
	    len)
		return -ENOSPC;
	h.len = htons(flen);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), m->fqdn, flen);
	off = sizeof(h) + flen;
	if (m->v6) {
		memcpy(buf + off, m->gn6, 16);
		off += 16;
	}
	if (m->prefix)
		buf[off++] = m->plen;
	if (m->has_addr) {
		memcpy(buf + off, m->v6 ? (const void *)m->addr6 : &m->addr,
		       nego_addr_len(m->v6));
		off += nego_addr_len(m->v6);
	}
	m->is_signed = key != NULL;
	if (!key)
		return off;

	m->time = now;
	if (!m->nonce && nts_random(&m->nonce, sizeof(m->nonce)))
		return -EIO;
	snprintf(m->key, sizeof(m->key), "%s", key->name);
	put64(buf + off, m->time);
	put64(buf + off + 8, m->nonce);
	buf[off + 16] = klen >> 8;
	buf[off + 17] = klen & 0xff;
	memcpy(buf + off + NEGO_TRAILER_FIXED, key->name, klen);
	off += NEGO_TRAILER_FIXED + klen;
	mac(key, buf, off, buf + off);
	return off + NEGO_MAC_LEN;
}

/* The FQDN at its place after the header; 0 or -enum nego_err. */
static int fqdn_read(const __u8 *buf, size_t len, size_t flen,
		     struct nego_msg *m)
{
	char norm[256];

	if (sizeof(struct nego_hdr) + flen > len)
		return -NEGO_E_SHORT;
	if (!flen || flen > NEGO_FQDN_MAX)
		return -NEGO_E_LENGTH;
	memcpy(m->fqdn, buf + sizeof(struct nego_hdr), flen);
	/* Exactly a normalized name: no NUL, upper case or dot. */
	if (strlen(m->fqdn) != flen ||
	    dns_name_normalize(m->fqdn, norm, sizeof(norm)) ||
	    strcmp(norm, m->fqdn))
		return -NEGO_E_NAME;
	return 0;
}

/* A GN network: @plen bits of @a (@alen bytes), none set past them. */
static bool prefix_valid(const __u8 *a, size_t alen, unsigned int plen)
{
	size_t i;

	if (plen > 8 * alen)
		return false;
	for (i = plen / 8; i < alen; i++) {
		__u8 host = i == plen / 8 ? 0xff >> (plen % 8) : 0xff;

		if (a[i] & host)
			return false;
	}
	return true;
}

/*
 * A NOTICE of a later version (NEGO_F_LATER): what every version has,
 * for a REFUSED; -NEGO_E_TYPE whatever else, as it can't be acted on.
 */
static int later_notice(const __u8 *buf, size_t len,
			const struct nego_hdr *h, struct nego_msg *m)
{
	int err = fqdn_read(buf, len, ntohs(h->len), m);

	if (err) {
		m->fqdn[0] = '\0';
		return err;
	}
	m->type = NEGO_NOTICE;
	m->later = true;
	return -NEGO_E_TYPE;
}

int nego_decode(const __u8 *buf, size_t len, struct nego_msg *m)
{
	struct nego_hdr h;
	size_t flen, off, rest, klen;
	__u8 type;
	int err;

	memset(m, 0, sizeof(*m));
	if (len < sizeof(h))
		return -NEGO_E_SHORT;
	memcpy(&h, buf, sizeof(h));
	m->txid = h.txid;
	m->gn = h.gn;
	type = h.type & NEGO_TYPE_MASK;
	if ((h.type & NEGO_F_LATER) && type == NEGO_NOTICE)
		return later_notice(buf, len, &h, m);
	m->v6 = h.type & NEGO_F_V6;
	if ((h.type & NEGO_F_LATER) || type < NEGO_NOTICE || type > NEGO_REFUSED ||
	    ((h.type & NEGO_F_ADDR) && type != NEGO_ACCEPT) ||
	    (m->v6 && h.gn))
		return -NEGO_E_TYPE;
	m->type = type;
	m->has_addr = h.type & NEGO_F_ADDR;
	m->prefix = h.type & NEGO_F_PREFIX;

	flen = ntohs(h.len);
	off = sizeof(h) + flen + (m->v6 ? 16 : 0) + m->prefix +
	      (m->has_addr ? nego_addr_len(m->v6) : 0);
	if (off > len)
		return -NEGO_E_SHORT;
	err = fqdn_read(buf, len, flen, m);
	if (err)
		return err;
	off = sizeof(h) + flen;
	if (m->v6) {
		memcpy(m->gn6, buf + off, 16);
		off += 16;
	}
	if (m->prefix) {
		m->plen = buf[off++];
		if (m->v6 ? !prefix_valid(m->gn6, 16, m->plen)
			  : !prefix_valid((const __u8 *)&m->gn, 4, m->plen))
			return -NEGO_E_PREFIX;
	}
	if (m->has_addr && m->v6)
		memcpy(m->addr6, buf + off, 16);
	else if (m->has_addr)
		memcpy(&m->addr, buf + off, 4);
	off += m->has_addr ? nego_addr_len(m->v6) : 0;

	rest = len - off;
	if (!rest)
		return 0;
	if (rest < NEGO_TRAILER_FIXED + NEGO_MAC_LEN)
		return -NEGO_E_SHORT;
	klen = (size_t)buf[off + 16] << 8 | buf[off + 17];
	if (!klen || klen > NEGO_KEYNAME_MAX ||
	    rest != NEGO_TRAILER_FIXED + klen + NEGO_MAC_LEN)
		return -NEGO_E_LENGTH;
	m->is_signed = true;
	m->time = get64(buf + off);
	m->nonce = get64(buf + off + 8);
	memcpy(m->key, buf + off + NEGO_TRAILER_FIXED, klen);
	if (strlen(m->key) != klen)
		return -NEGO_E_LENGTH;
	return 0;
}

/* Nonces in an open-addressed table; a slot is free once stale. */
/*
 * Nonces, each kept for as long as a message with its time could still
 * be accepted (its time + NEGO_TIME_SKEW): the cache holds what the rate
 * times that window needs, growing as the rate does, up to @max. An open
 * hash with linear probing; slots whose nonce has expired are reused,
 * and the table is rebuilt without them when half of it is in use.
 */
struct replay_slot {
	__u64 nonce;
	__u64 until; /* 0: never used */
};

struct nego_replay {
	size_t max;    /* nonces remembered at most */
	size_t cap;    /* slots, a power of two */
	size_t used;   /* slots with a nonce, live or expired */
	__u64 rebuilt; /* when it was last rebuilt */
	struct replay_slot *slot;
};

#define REPLAY_MIN_SLOTS 1024

struct nego_replay *nego_replay_new(size_t max)
{
	struct nego_replay *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->max = max;
	r->cap = REPLAY_MIN_SLOTS;
	r->slot = calloc(r->cap, sizeof(*r->slot));
	if (!r->slot) {
		free(r);
		return NULL;
	}
	return r;
}

void nego_replay_free(struct nego_replay *r)
{
	if (r)
		free(r->slot);
	free(r);
}

static size_t replay_hash(__u64 nonce, size_t cap)
{
	return (nonce * 0x9e3779b97f4a7c15ULL) >> 20 & (cap - 1);
}

/* Again without the expired, in a table sized for the live ones. */
static int replay_rebuild(struct nego_replay *r, __u64 now)
{
	size_t live = 0, cap = REPLAY_MIN_SLOTS, i, s;
	struct replay_slot *t;

	for (i = 0; i < r->cap; i++)
		live += r->slot[i].until >= now;
	while (cap < 4 * live)
		cap <<= 1;
	t = calloc(cap, sizeof(*t));
	if (!t)
		return -NEGO_E_BUSY;
	for (i = 0; i < r->cap; i++) {
		if (r->slot[i].until < now)
			continue;
		for (s = replay_hash(r->slot[i].nonce, cap); t[s].until;
		     s = (s + 1) & (cap - 1))
			;
		t[s] = r->slot[i];
	}
	free(r->slot);
	r->slot = t;
	r->cap = cap;
	r->used = live;
	return 0;
}

static int replay_check(struct nego_replay *r, __u64 nonce, __u64 time,
			__u64 now)
{
	size_t s = replay_hash(nonce, r->cap), reuse = (size_t)-1;

	for (; r->slot[s].until; s = (s + 1) & (r->cap - 1)) {
		if (r->slot[s].until < now) {
			if (reuse == (size_t)-1)
				reuse = s;
		} else if (r->slot[s].nonce == nonce) {
			return -NEGO_E_REPLAY;
		}
	}
	if (reuse == (size_t)-1) {
		/* A slot of its own: at most @max, the table half full. */
		if (r->used >= r->max || 2 * (r->used + 1) > r->cap) {
			/* Full: nonces expire by the second, look once. */
			if ((r->used >= r->max && r->rebuilt == now) ||
			    replay_rebuild(r, now))
				return -NEGO_E_BUSY;
			r->rebuilt = now;
			if (r->used >= r->max)
				return -NEGO_E_BUSY;
			return replay_check(r, nonce, time, now);
		}
		reuse = s;
		r->used++;
	}
	r->slot[reuse].nonce = nonce;
	r->slot[reuse].until = time + NEGO_TIME_SKEW;
	return 0;
}

/*
 * A later NOTICE's trailer is at its end, key name and all: try each of
 * our keys' names there. @key set if one signed it, in time; the result
 * is -NEGO_E_TYPE all the same (or -NEGO_E_TIME): only to be REFUSED.
 */
static int later_verify(const __u8 *buf, size_t len,
			const struct nego_auth *a, __u64 now,
			struct nego_msg *m, const struct nts_key **key)
{
	__u8 want[NEGO_MAC_LEN];
	size_t i;

	for (i = 0; a->keys && i < a->keys->n; i++) {
		const struct nts_key *k = &a->keys->keys[i];
		size_t klen = strlen(k->name);
		size_t tl = NEGO_TRAILER_FIXED + klen + NEGO_MAC_LEN;
		const __u8 *t = buf + len - tl;

		if (len < sizeof(struct nego_hdr) + tl ||
		    ((size_t)t[16] << 8 | t[17]) != klen ||
		    memcmp(t + NEGO_TRAILER_FIXED, k->name, klen))
			continue;
		mac(k, buf, len - NEGO_MAC_LEN, want);
		if (CRYPTO_memcmp(want, buf + len - NEGO_MAC_LEN, NEGO_MAC_LEN))
			continue;
		m->is_signed = true;
		m->time = get64(t);
		m->nonce = get64(t + 8);
		memcpy(m->key, k->name, klen + 1);
		if (m->time + NEGO_TIME_SKEW < now ||
		    m->time > now + NEGO_TIME_SKEW)
			return -NEGO_E_TIME;
		if (key)
			*key = k;
		break;
	}
	return -NEGO_E_TYPE;
}

int nego_verify(const __u8 *buf, size_t len, const struct nego_auth *a,
		__u64 now, struct nego_msg *m, const struct nts_key **key)
{
	const struct nts_key *k;
	__u8 want[NEGO_MAC_LEN];
	int err;

	if (key)
		*key = NULL;
	err = nego_decode(buf, len, m);
	if (err == -NEGO_E_TYPE && m->later)
		return later_verify(buf, len, a, now, m, key);
	if (err)
		return err;
	if (!m->is_signed)
		return a->insecure ? 0 : -NEGO_E_UNSIGNED;
	k = a->keys ? keys_find(a->keys, m->key, strlen(m->key)) : NULL;
	if (!k)
		return -NEGO_E_KEY;
	mac(k, buf, len - NEGO_MAC_LEN, want);
	if (CRYPTO_memcmp(want, buf + len - NEGO_MAC_LEN, NEGO_MAC_LEN))
		return -NEGO_E_MAC;
	if (key)
		*key = k;
	if (m->time + NEGO_TIME_SKEW < now || m->time > now + NEGO_TIME_SKEW)
		return -NEGO_E_TIME;
	/*
	 * The nonces of before our start are forgotten: a message signed
	 * then may be a replay, within the skew window, of one accepted by
	 * the process before us. No allowance: the sender signs afresh.
	 */
	if (m->time < a->not_before)
		return -NEGO_E_STALE;
	return 0;
}

int nego_replay_check(struct nego_replay *r, const struct nego_msg *m,
		      __u64 now)
{
	if (!r || !m->is_signed)
		return 0;
	return replay_check(r, m->nonce, m->time, now);
}

int nego_receive(const __u8 *buf, size_t len, const struct nego_auth *a,
		 __u64 now, struct nego_msg *m, const struct nts_key **key)
{
	int err = nego_verify(buf, len, a, now, m, key);

	return err ? err : nego_replay_check(a->replay, m, now);
}
