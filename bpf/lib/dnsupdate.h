/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DNS UPDATE snooping (DESIGN section 4, rules in include/nts/phl.h).
 *
 * tc egress copies an outgoing UPDATE into a per-CPU scratch buffer and
 * parses it with bpf_loop(), one label, pointer or record per step, so the
 * verifier sees one small step instead of nested loops over the message.
 * The operations wait in `phl_pending` until XDP sees the server's answer.
 */
#ifndef NTS_BPF_DNSUPDATE_H
#define NTS_BPF_DNSUPDATE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <nts/phl.h>
#include <nts/ip6.h>

#include "maps.h"
#include "maps6.h"

#define DNSU_MASK (DNSU_MSG_MAX - 1)
/* A name is at most 127 labels and DNSU_PTRS_MAX pointers. */
#define DNSU_STEPS_MAX ((1 + 2 * DNSU_RRS_MAX) * (128 + DNSU_PTRS_MAX + 1))

#define DNS_TYPE_A    1
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_ANY  255
#define DNS_CLASS_IN  1
#define DNS_CLASS_NONE 254
#define DNS_CLASS_ANY 255

struct dnshdr {
	__be16 id;
	__u8 flags1;	/* QR, opcode, AA, TC, RD */
	__u8 flags2;	/* RA, Z, AD, CD, RCODE */
	__be16 zocount;
	__be16 prcount;
	__be16 upcount;
	__be16 adcount;
};

#define DNS_QR(h)     ((h)->flags1 >> 7)
#define DNS_OPCODE(h) (((h)->flags1 >> 3) & 0xf)
#define DNS_RCODE(h)  ((h)->flags2 & 0xf)

struct dnsu_scratch {
	__u8 msg[DNSU_MSG_MAX];
	char name[PHL_NAME_MAX];	/* the name being read, as text */
	char zone[PHL_NAME_MAX];	/* the zone section's name */
	struct phl_pending pend;	/* A records */
	struct phl6_pending pend6;	/* AAAA records (include/nts/ip6.h) */
	/* the answer's keys, here to spare the XDP program's stack */
	struct phl6_pending_key key6;
	struct phl6_host_key host6;
	struct phl6_entry e6;
	/* parser state */
	__u32 len;
	__u32 pos;	/* next byte to read */
	__u32 after;	/* where the record goes on after its name */
	__u32 hops;	/* pointers followed in this name */
	__u32 wlen;	/* wire length of this name so far */
	__u32 tlen;	/* text length of this name so far */
	__u32 host;	/* this name is a host name so far */
	__u32 in_name;
	__u32 rr;	/* 0: the zone, then prerequisites, then updates */
	__u32 nrr;
	__u32 first_update;
	__u32 zlen;	/* text length of the zone */
	__u32 zones;	/* the zone must be in phl_zones */
	__s32 err;	/* 0 while parsing; 1 done; < 0 refused */
};

enum {
	DNSU_E_PARSE = -1,	/* not an UPDATE the snooper reads */
	DNSU_E_ZONE = -2,	/* for a zone the router was not given */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dnsu_scratch);
} dnsu_scratch SEC(".maps");

struct dnsu_ctx {
	struct dnsu_scratch *s;
};

static __always_inline __u8 msg_u8(const struct dnsu_scratch *s, __u32 off)
{
	return s->msg[off & DNSU_MASK];
}

static __always_inline __u16 msg_u16(const struct dnsu_scratch *s, __u32 off)
{
	return (__u16)msg_u8(s, off) << 8 | msg_u8(s, off + 1);
}

static __always_inline void name_start(struct dnsu_scratch *s)
{
	__builtin_memset(s->name, 0, sizeof(s->name));
	s->after = 0;
	s->hops = 0;
	s->wlen = 0;
	s->tlen = 0;
	s->host = 1;
	s->in_name = 1;
}

static __always_inline bool host_char(__u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_';
}

/* Append the label at s->pos (length @l) to the text name. */
static __always_inline void label_copy(struct dnsu_scratch *s, __u32 l)
{
	__u32 t = s->tlen, j;
	__u8 c;

	if (t)
		s->name[t++ & (PHL_NAME_MAX - 1)] = '.';
	for (j = 0; j < 63; j++) {
		if (j >= l)
			break;
		c = msg_u8(s, s->pos + 1 + j);
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (!host_char(c))
			s->host = 0;
		s->name[(t + j) & (PHL_NAME_MAX - 1)] = c;
	}
	s->tlen = t + l;
}

/* One label or pointer of the current name. */
static __always_inline long name_step(struct dnsu_scratch *s)
{
	__u32 b, target;

	if (s->pos >= s->len)
		goto bad;
	b = msg_u8(s, s->pos);
	if (b == 0) {
		/* The root label ends the name. */
		if (s->wlen + 1 > 255)
			goto bad;
		s->pos = s->after ? s->after : s->pos + 1;
		s->in_name = 0;
		return 0;
	}
	if ((b & 0xc0) == 0xc0) {
		if (s->pos + 1 >= s->len)
			goto bad;
		target = (b & 0x3f) << 8 | msg_u8(s, s->pos + 1);
		if (target == 0 || target >= s->len ||
		    ++s->hops > DNSU_PTRS_MAX)
			goto bad;
		if (!s->after)
			s->after = s->pos + 2;
		s->pos = target;
		return 0;
	}
	if (b & 0xc0)
		goto bad;	/* 0x40 and 0x80: no such label types */
	if (s->pos + 1 + b > s->len || s->wlen + 1 + b + 1 > 255)
		goto bad;
	label_copy(s, b);
	s->wlen += 1 + b;
	s->pos += 1 + b;
	return 0;
bad:
	s->err = DNSU_E_PARSE;
	return 1;
}

/*
 * The name just read is the zone or under it (RFC 2136 3.4.1.3: a server
 * refuses names outside the zone with NOTZONE; the snooper as well).
 */
static __always_inline bool name_in_zone(const struct dnsu_scratch *s)
{
	__u32 nl = s->tlen, zl = s->zlen, off, j;

	if (!zl)
		return true;	/* the root zone */
	if (nl < zl ||
	    (nl > zl && s->name[(nl - zl - 1) & (PHL_NAME_MAX - 1)] != '.'))
		return false;
	off = nl - zl;
	for (j = 0; j < PHL_NAME_MAX - 1; j++) {
		if (j >= zl)
			break;
		if (s->name[(off + j) & (PHL_NAME_MAX - 1)] !=
		    s->zone[j & (PHL_NAME_MAX - 1)])
			return false;
	}
	return true;
}

static __always_inline long op4_add(struct dnsu_scratch *s, __u8 kind,
				    __u32 ttl)
{
	struct phl_op *op;

	if (s->pend.n >= PHL_OPS_MAX)
		return -1;
	op = &s->pend.ops[s->pend.n & (PHL_OPS_MAX - 1)];
	op->kind = kind;
	op->ttl = kind == PHL_OP_ADD ? ttl : 0;
	__builtin_memcpy(op->name, s->name, sizeof(op->name));
	s->pend.n++;
	return 0;
}

/* @rdata: where an added record's 16-byte address is. */
static __always_inline long op6_add(struct dnsu_scratch *s, __u8 kind,
				    __u32 ttl, __u32 rdata)
{
	struct phl6_op *op;
	__u32 j;

	if (s->pend6.n >= PHL_OPS_MAX)
		return -1;
	op = &s->pend6.ops[s->pend6.n & (PHL_OPS_MAX - 1)];
	op->kind = kind;
	op->ttl = kind == PHL_OP_ADD ? ttl : 0;
	for (j = 0; j < sizeof(op->addr); j++)
		((__u8 *)&op->addr)[j] =
			kind == PHL_OP_ADD ? msg_u8(s, rdata + j) : 0;
	__builtin_memcpy(op->name, s->name, sizeof(op->name));
	s->pend6.n++;
	return 0;
}

/*
 * Record the operation of an update RR, if it has one: A records into
 * pend, AAAA into pend6, ANY deletes into both. The record's data is at
 * @rdata.
 */
static __always_inline long update_op(struct dnsu_scratch *s, __u16 type,
				      __u16 class, __u32 ttl, __u16 rdlen,
				      __u32 rdata)
{
	bool addr = type == DNS_TYPE_A || type == DNS_TYPE_AAAA;
	__u8 kind;

	if (addr && class == DNS_CLASS_IN) {
		if (rdlen != (type == DNS_TYPE_A ? 4 : 16))
			return -1;
		kind = PHL_OP_ADD;
	} else if ((addr &&
		    (class == DNS_CLASS_ANY || class == DNS_CLASS_NONE)) ||
		   (type == DNS_TYPE_ANY && class == DNS_CLASS_ANY)) {
		kind = PHL_OP_DEL;
	} else {
		return 0;
	}
	if (!s->host || !s->tlen)
		return 0;
	if (!name_in_zone(s))
		return -1;
	if (type != DNS_TYPE_AAAA && op4_add(s, kind, ttl))
		return -1;
	if (type != DNS_TYPE_A && op6_add(s, kind, ttl, rdata))
		return -1;
	return 0;
}

/* The fixed part of a record, after its name. */
static __always_inline long rr_step(struct dnsu_scratch *s)
{
	__u32 p = s->pos;
	__u16 type, class, rdlen;
	__u32 ttl;

	if (s->rr == 0) {
		/* The zone: type and class only. */
		if (p + 4 > s->len)
			goto bad;
		__builtin_memcpy(s->zone, s->name, sizeof(s->zone));
		s->zlen = s->tlen;
		if (s->zones && !bpf_map_lookup_elem(&phl_zones, s->zone)) {
			s->err = DNSU_E_ZONE;
			return 1;
		}
		s->pos = p + 4;
	} else {
		if (p + 10 > s->len)
			goto bad;
		type = msg_u16(s, p);
		class = msg_u16(s, p + 2);
		ttl = (__u32)msg_u16(s, p + 4) << 16 | msg_u16(s, p + 6);
		rdlen = msg_u16(s, p + 8);
		if (p + 10 + rdlen > s->len)
			goto bad;
		if (s->rr >= s->first_update &&
		    update_op(s, type, class, ttl, rdlen, p + 10))
			goto bad;
		s->pos = p + 10 + rdlen;
	}
	if (++s->rr == s->nrr) {
		s->err = 1;
		return 1;
	}
	name_start(s);
	return 0;
bad:
	s->err = DNSU_E_PARSE;
	return 1;
}

static long dnsu_step(__u32 i, void *data)
{
	struct dnsu_scratch *s = ((struct dnsu_ctx *)data)->s;

	return s->in_name ? name_step(s) : rr_step(s);
}

/*
 * Parse the UPDATE in s->msg (s->len bytes, header already checked).
 * Returns 0 with the operations in s->pend, or DNSU_E_* if refused.
 */
static __always_inline int dnsu_parse(struct dnsu_scratch *s)
{
	struct dnsu_ctx ctx = { .s = s };
	__u16 zo = msg_u16(s, 4), pr = msg_u16(s, 6), up = msg_u16(s, 8);

	if (zo != 1 || pr > DNSU_RRS_MAX || up > DNSU_RRS_MAX)
		return DNSU_E_PARSE;
	s->pend.n = 0;
	s->pend6.n = 0;
	s->zlen = 0;
	s->pos = sizeof(struct dnshdr);
	s->rr = 0;
	s->nrr = 1 + pr + up;
	s->first_update = 1 + pr;
	s->err = 0;
	name_start(s);
	bpf_loop(DNSU_STEPS_MAX, dnsu_step, &ctx, 0);
	if (s->err == 1)
		return 0;
	return s->err == DNSU_E_ZONE ? DNSU_E_ZONE : DNSU_E_PARSE;
}

/* A DDNS server the router trusts (--ddns-server)? */
static __always_inline bool ddns_trusted(const struct nts_config *cfg,
					 __be32 addr, __be16 port)
{
	__u32 i;

	for (i = 0; i < NTS_DDNS_MAX; i++) {
		if (i >= cfg->nddns)
			break;
		if (cfg->ddns[i].addr == addr && cfg->ddns[i].port == port)
			return true;
	}
	return false;
}

/* A DDNS server the router trusts over IPv6 (--ddns-server6)? */
static __always_inline bool ddns6_trusted(const struct nts_config6 *c6,
					  const struct nts_in6 *addr,
					  __be16 port)
{
	__u32 i;

	for (i = 0; i < NTS_DDNS_MAX; i++) {
		if (i >= c6->nddns)
			break;
		if (in6_eq(&c6->ddns[i].addr, addr) && c6->ddns[i].port == port)
			return true;
	}
	return false;
}

/*
 * UDP to here is what nts_wan_out's registration() reads (snooped or
 * counted): it must go that way, never past it.
 */
static __always_inline bool dnsu_watched(const struct nts_config *cfg,
					 __be32 daddr, __be16 dport)
{
	return dport == bpf_htons(DNS_PORT) || ddns_trusted(cfg, daddr, dport);
}

/*
 * Tell ntsload (one log line each). @k says who and where; @name is
 * PHL_NAME_MAX bytes or NULL.
 */
static __always_inline void phl_event(__u8 kind,
				      const struct phl_pending_key *k,
				      const char *name, __be32 prev,
				      __u32 quota, __u8 rcode)
{
	struct phl_event *ev;

	ev = bpf_ringbuf_reserve(&phl_events, sizeof(*ev), 0);
	if (!ev)
		return;
	ev->kind = kind;
	ev->rcode = rcode;
	ev->port = k->port;
	ev->inside = k->inside;
	ev->server = k->server;
	ev->server_port = k->server_port;
	ev->pad = 0;
	ev->prev = prev;
	ev->quota = quota;
	if (name)
		__builtin_memcpy(ev->name, name, sizeof(ev->name));
	else
		__builtin_memset(ev->name, 0, sizeof(ev->name));
	bpf_ringbuf_submit(ev, 0);
}

/*
 * tc egress: an UPDATE to a server the router does not trust. Its
 * answer proves nothing (any host can say NOERROR): not read, but said.
 */
static __always_inline void dnsu_untrusted(struct __sk_buff *skb, __u32 off,
					   const struct phl_pending_key *k)
{
	struct dnshdr h;

	if (bpf_skb_load_bytes(skb, off, &h, sizeof(h)) || DNS_QR(&h) ||
	    DNS_OPCODE(&h) != DNS_OPCODE_UPDATE)
		return;
	stat_inc(NTS_STAT_DNSU_UNTRUSTED);
	phl_event(PHL_EV_UNTRUSTED, k, NULL, 0, 0, 0);
}

/*
 * Where the operations wait for the answer: A records under @key (over
 * IPv4), AAAA under @key6 (NULL over IPv4: @key's addresses, mapped).
 * Over IPv6 (@key NULL) A records are not learnt (ip6.h).
 */
static __always_inline bool dnsu_pend(struct dnsu_scratch *s, __be16 id,
				      struct phl_pending_key *key,
				      const struct phl6_pending_key *key6,
				      __u64 now)
{
	bool kept = false;

	if (key && s->pend.n) {
		key->id = id;
		s->pend.created_ns = now;
		kept = !bpf_map_update_elem(&phl_pending, key, &s->pend,
					    BPF_ANY);
	}
	if (!s->pend6.n)
		return kept;
	if (key6) {
		s->key6 = *key6;
	} else {
		nts_in6_mapped(&s->key6.inside, key->inside);
		nts_in6_mapped(&s->key6.server, key->server);
		s->key6.port = key->port;
		s->key6.server_port = key->server_port;
		s->key6.pad = 0;
	}
	s->key6.id = id;
	s->pend6.created_ns = now;
	if (!bpf_map_update_elem(&phl6_pending, &s->key6, &s->pend6, BPF_ANY))
		kept = true;
	return kept;
}

/* dnsu_untrusted() over IPv6: counted; ntsload's log has no IPv6 event. */
static __always_inline void dnsu6_untrusted(struct __sk_buff *skb, __u32 off)
{
	struct dnshdr h;

	if (bpf_skb_load_bytes(skb, off, &h, sizeof(h)) || DNS_QR(&h) ||
	    DNS_OPCODE(&h) != DNS_OPCODE_UPDATE)
		return;
	stat_inc(NTS_STAT_DNSU6_UNTRUSTED);
}

/*
 * tc egress: an UPDATE leaving from inside to a trusted server, over
 * IPv4 (@key) or IPv6 (@key6), either without its ID. Never changes the
 * packet. The DNS message is @len bytes at @off; @zones: its zone must be
 * one of phl_zones.
 */
static __always_inline void dnsu_snoop(struct __sk_buff *skb, __u32 off,
				       __u32 len, struct phl_pending_key *key,
				       const struct phl6_pending_key *key6,
				       bool zones, __u64 now)
{
	struct dnsu_scratch *s;
	struct dnshdr h;
	__u32 zero = 0;
	int err;

	if (bpf_skb_load_bytes(skb, off, &h, sizeof(h)))
		return;
	if (DNS_QR(&h) || DNS_OPCODE(&h) != DNS_OPCODE_UPDATE)
		return;
	stat_inc(NTS_STAT_DNSU_SEEN);
	if (len > DNSU_MSG_MAX) {
		stat_inc(NTS_STAT_DNSU_TOO_BIG);
		return;
	}
	s = bpf_map_lookup_elem(&dnsu_scratch, &zero);
	if (!s)
		return;
	/*
	 * A UDP length beyond the packet fails the load. 6.1's verifier
	 * loses the bounds of len once it is spilled to the stack, so the
	 * size is masked into [1, DNSU_MSG_MAX] where it is used: equal to
	 * len, which is in [sizeof(h), DNSU_MSG_MAX] here.
	 */
	barrier_var(len);
	if (len < sizeof(h) ||
	    bpf_skb_load_bytes(skb, off, s->msg, ((len - 1) & DNSU_MASK) + 1)) {
		stat_inc(NTS_STAT_DNSU_REFUSED);
		return;
	}
	s->len = len;
	s->zones = zones;
	err = dnsu_parse(s);
	if (err == DNSU_E_ZONE) {
		stat_inc(NTS_STAT_DNSU_ZONE);
		if (key)
			phl_event(PHL_EV_ZONE, key, s->zone, 0, 0, 0);
		return;
	}
	if (err) {
		stat_inc(NTS_STAT_DNSU_REFUSED);
		return;
	}
	if ((!key || !s->pend.n) && !s->pend6.n) {
		stat_inc(NTS_STAT_DNSU_NO_OPS);
		return;
	}
	if (dnsu_pend(s, h.id, key, key6, now))
		stat_inc(NTS_STAT_DNSU_PENDING);
}

/*
 * The names count under @key in @hosts (phl_hosts, phl6_hosts), for the
 * quota. ntsload's expiry pass recounts from the PHL, which also repairs
 * what racing writers lost.
 */
static __always_inline void host_names_add(void *hosts, const void *key,
					   int delta)
{
	struct phl_host *h = bpf_map_lookup_elem(hosts, key);
	struct phl_host one = { .names = 1 };

	if (h) {
		if (delta > 0 || h->names)
			__sync_fetch_and_add(&h->names, delta);
	} else if (delta > 0) {
		bpf_map_update_elem(hosts, key, &one, BPF_NOEXIST);
	}
}

static __always_inline __u32 host_names(void *hosts, const void *key)
{
	struct phl_host *h = bpf_map_lookup_elem(hosts, key);

	return h ? h->names : 0;
}

/*
 * Apply one operation of a committed UPDATE (@k) to the PHL. A name new
 * to the host counts against its quota (0: none).
 */
static __always_inline void phl_apply(const struct phl_op *op,
				      const struct phl_pending_key *k,
				      const struct nts_config *cfg, __u64 now)
{
	__u32 ttl = op->ttl > cfg->phl_min_ttl ? op->ttl : cfg->phl_min_ttl;
	struct phl_entry *cur, e = {};
	__be32 prev = 0;
	bool had;

	cur = bpf_map_lookup_elem(&phl, op->name);
	if (cur && (cur->flags & PHL_F_STATIC)) {
		stat_inc(NTS_STAT_PHL_STATIC);
		return;
	}
	/* @cur may be reused once the entry is replaced: copy first. */
	had = cur;
	if (cur)
		prev = cur->addr;
	if (op->kind == PHL_OP_DEL) {
		if (had && !bpf_map_delete_elem(&phl, op->name)) {
			stat_inc(NTS_STAT_PHL_DEL);
			host_names_add(&phl_hosts, &prev, -1);
			phl_event(PHL_EV_DEL, k, op->name, prev, 0, 0);
		}
		return;
	}
	if ((!had || prev != k->inside) && cfg->phl_quota &&
	    host_names(&phl_hosts, &k->inside) >= cfg->phl_quota) {
		stat_inc(NTS_STAT_PHL_QUOTA);
		phl_event(PHL_EV_QUOTA, k, op->name, prev, cfg->phl_quota, 0);
		return;
	}
	e.addr = k->inside;
	e.registered_ns = now;
	e.expires_ns = now + (__u64)ttl * NSEC_PER_SEC;
	if (bpf_map_update_elem(&phl, op->name, &e, BPF_ANY)) {
		stat_inc(NTS_STAT_PHL_FULL);
		phl_event(PHL_EV_FULL, k, op->name, prev, 0, 0);
		return;
	}
	stat_inc(NTS_STAT_PHL_ADD);
	if (had && prev == k->inside)
		return;		/* a refresh */
	host_names_add(&phl_hosts, &k->inside, 1);
	if (had) {
		host_names_add(&phl_hosts, &prev, -1);
		stat_inc(NTS_STAT_PHL_MOVED);
	}
	phl_event(PHL_EV_ADD, k, op->name, prev, 0, 0);
}

/* The /64 of @a: the unit of the IPv6 quota, as SLAAC moves within it. */
static __always_inline void net64(struct phl6_host_key *k,
				  const struct nts_in6 *a)
{
	k->net[0] = a->a[0];
	k->net[1] = a->a[1];
}

static __always_inline bool same64(const struct nts_in6 *a,
				   const struct nts_in6 *b)
{
	return a->a[0] == b->a[0] && a->a[1] == b->a[1];
}

static __always_inline bool in6_is_mapped(const struct nts_in6 *a)
{
	return !a->a[0] && !a->a[1] && a->a[2] == bpf_htonl(0xffff);
}

/*
 * phl_apply() for an AAAA operation of the UPDATE under s->key6. What
 * is kept between calls lives in @s: the XDP program's stack is full.
 */
static __always_inline void phl6_apply(const struct phl6_op *op,
				       struct dnsu_scratch *s,
				       const struct nts_config *cfg,
				       const struct nts_config6 *c6, __u64 now)
{
	__u32 ttl = op->ttl > cfg->phl_min_ttl ? op->ttl : cfg->phl_min_ttl;
	struct phl6_entry *cur;
	bool had, moved;

	cur = bpf_map_lookup_elem(&phl6, op->name);
	if (cur && (cur->flags & PHL_F_STATIC)) {
		stat_inc(NTS_STAT_PHL_STATIC);
		return;
	}
	had = cur;
	if (cur)
		s->e6.addr = cur->addr;	/* copied: cur may be reused */
	if (op->kind == PHL_OP_DEL) {
		if (had && !bpf_map_delete_elem(&phl6, op->name)) {
			stat_inc(NTS_STAT_PHL6_DEL);
			net64(&s->host6, &s->e6.addr);
			host_names_add(&phl6_hosts, &s->host6, -1);
		}
		return;
	}
	if (!fw6_inside(c6, &op->addr)) {
		stat_inc(NTS_STAT_PHL6_OUTSIDE);
		return;
	}
	if (!in6_is_mapped(&s->key6.inside) &&
	    !same64(&op->addr, &s->key6.inside)) {
		stat_inc(NTS_STAT_PHL6_NOT_SENDER);
		return;
	}
	moved = !had || !same64(&s->e6.addr, &op->addr);
	net64(&s->host6, &op->addr);
	if (moved && cfg->phl_quota &&
	    host_names(&phl6_hosts, &s->host6) >= cfg->phl_quota) {
		stat_inc(NTS_STAT_PHL_QUOTA);
		return;
	}
	if (had)
		net64(&s->host6, &s->e6.addr);	/* the old /64, below */
	s->e6.addr = op->addr;
	s->e6.flags = 0;
	s->e6.pad = 0;
	s->e6.registered_ns = now;
	s->e6.expires_ns = now + (__u64)ttl * NSEC_PER_SEC;
	if (bpf_map_update_elem(&phl6, op->name, &s->e6, BPF_ANY)) {
		stat_inc(NTS_STAT_PHL_FULL);
		return;
	}
	stat_inc(NTS_STAT_PHL6_ADD);
	if (!moved)
		return;		/* a refresh, or a new address in the /64 */
	if (had) {
		host_names_add(&phl6_hosts, &s->host6, -1);
		stat_inc(NTS_STAT_PHL_MOVED);
	}
	net64(&s->host6, &op->addr);
	host_names_add(&phl6_hosts, &s->host6, 1);
}

/*
 * The AAAA operations waiting under the scratch's key6 (complete with its
 * ID): applied if @rcode is NOERROR, else dropped. 1 if there were any.
 * Global, verified on its own: inlined eight times into the IPv4 XDP
 * program, it took that past the verifier's million instructions.
 */
__noinline int dnsu_commit6(__u32 rcode)
{
	struct nts_config6 *c6 = config6_get();
	struct nts_config *cfg = config_get();
	struct phl6_pending *pend;
	struct dnsu_scratch *s;
	__u32 zero = 0, i;
	__u64 now;

	s = bpf_map_lookup_elem(&dnsu_scratch, &zero);
	if (!s)
		return 0;
	pend = bpf_map_lookup_elem(&phl6_pending, &s->key6);
	if (!pend)
		return 0;
	now = nat_now();
	for (i = 0; i < PHL_OPS_MAX && !rcode && c6 && cfg; i++) {
		if (i >= pend->n)
			break;
		phl6_apply(&pend->ops[i], s, cfg, c6, now);
	}
	bpf_map_delete_elem(&phl6_pending, &s->key6);
	return 1;
}

static __always_inline struct dnsu_scratch *dnsu_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dnsu_scratch, &zero);
}

/*
 * XDP: a trusted server's answer (from @server:@server_port) to an
 * UPDATE, already translated back to the inside endpoint (@inside,
 * @port). NOERROR commits, anything else drops.
 */
static __always_inline void dnsu_answer(const struct dnshdr *h,
					__be32 inside, __be16 port,
					__be32 server, __be16 server_port,
					const struct nts_config *cfg)
{
	struct phl_pending_key key = {
		.inside = inside,
		.server = server,
		.port = port,
		.server_port = server_port,
		.id = h->id,
	};
	struct dnsu_scratch *s = dnsu_scratch_get();
	struct phl_pending *pend;
	bool had6 = false;
	__u64 now;
	__u32 i;

	if (!DNS_QR(h) || DNS_OPCODE(h) != DNS_OPCODE_UPDATE)
		return;
	now = nat_now();
	pend = bpf_map_lookup_elem(&phl_pending, &key);
	if (s) {
		nts_in6_mapped(&s->key6.inside, inside);
		nts_in6_mapped(&s->key6.server, server);
		s->key6.port = port;
		s->key6.server_port = server_port;
		s->key6.id = h->id;
		s->key6.pad = 0;
		had6 = dnsu_commit6(DNS_RCODE(h));
	}
	if (!pend && !had6)
		return;
	if (DNS_RCODE(h)) {
		stat_inc(NTS_STAT_PHL_DISCARD);
		phl_event(PHL_EV_DISCARD, &key, pend ? pend->ops[0].name : NULL,
			  0, 0, DNS_RCODE(h));
	} else {
		for (i = 0; i < PHL_OPS_MAX && pend; i++) {
			if (i >= pend->n)
				break;
			phl_apply(&pend->ops[i], &key, cfg, now);
		}
		stat_inc(NTS_STAT_PHL_COMMIT);
	}
	if (pend)
		bpf_map_delete_elem(&phl_pending, &key);
}

/*
 * XDP, IPv6: an answer from @server:@server_port to @inside:@port. As
 * dnsu_answer(); over IPv6 only AAAA operations wait.
 */
static __always_inline void dnsu_answer_ip6(const struct dnshdr *h,
					    const struct nts_in6 *inside,
					    __be16 port,
					    const struct nts_in6 *server,
					    __be16 server_port)
{
	struct dnsu_scratch *s;

	if (!DNS_QR(h) || DNS_OPCODE(h) != DNS_OPCODE_UPDATE)
		return;
	s = dnsu_scratch_get();
	if (!s)
		return;
	s->key6.inside = *inside;
	s->key6.server = *server;
	s->key6.port = port;
	s->key6.server_port = server_port;
	s->key6.id = h->id;
	s->key6.pad = 0;
	if (dnsu_commit6(DNS_RCODE(h)))
		stat_inc(DNS_RCODE(h) ? NTS_STAT_PHL_DISCARD :
					NTS_STAT_PHL_COMMIT);
}

#endif /* NTS_BPF_DNSUPDATE_H */
