/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The router's side of NTS-Nego: NOTICEs in, ACCEPT/REJECT/REFUSED out,
 * request cache entries made (DESIGN sections 1 and 3). This file runs
 * the stages of nego_path.h in their order; they do the work.
 */
#ifndef NTSLOAD_NEGO_SERVER_H
#define NTSLOAD_NEGO_SERVER_H

#include <stdbool.h>
#include <linux/types.h>

#include "keys.h"
#include "log.h"
#include "nego_answer.h"
#include "nego_auth.h"
#include "nego_decide.h"
#include "nego_path.h"
#include "nego_pool.h"
#include "nego_recv.h"
#include "netdev.h"
#include "pin.h"
#include "stats.h"

/*
 * How long a batch of NOTICEs takes, from recvmmsg() to the answers sent
 * (each NOTICE of it counted): for --metrics, read by its thread.
 */
#define NOTICE_HIST_BOUNDS_US { 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000 }
#define NOTICE_HIST_N 11
struct notice_hist {
	_Atomic unsigned long long le[NOTICE_HIST_N]; /* the last: +Inf */
	_Atomic unsigned long long sum_us;
};

struct nego_server {
	struct nts_keyring keys;       /* -k */
	struct nts_keyring inner_keys; /* --inner-key */
	const struct nts_maps *maps;
	struct nego_pool *pool; /* NULL: one thread */
	struct nego_recv recv;
	struct nego_auth_stage auth;
	struct nego_decide decide;
	struct nego_answer answer;
	struct nego_batch *batch; /* what recv hands on to auth, decide */
	struct nego_outbox out;	  /* what decide hands on to answer */
	struct nego_unsent unsent[NEGO_RELAY_MAX]; /* answer to decide */
	/* log lines this second, and those left out */
	struct log_limit log;
	struct stats_batch counts; /* nego_* counters, flushed per batch */
	struct notice_hist hist;
};

struct nego_config {
	__u16 port;
	bool insecure;
	unsigned int rc_ttl;
	unsigned int rc_prefix_ttl;  /* a network's entry (issue 20) */
	unsigned int rc_min_prefix;  /* the shortest network accepted */
	unsigned int rc_min_prefix6; /* ... IPv6 network */
	unsigned int unbound_window; /* 0.0.0.0/0's entry; 0: refused */
	unsigned int rate_gn;	  /* NOTICEs per second per GN */
	unsigned int rate_name;	  /* per FQDN */
	unsigned int rate_server; /* per NTS server's address */
	bool expose_none;	  /* hosts without a policy expose nothing */
	unsigned int relay_timeout_ms; /* an inner router's answer */
	unsigned int replay_max;       /* nonces remembered at once */
	unsigned int threads; /* for MACs, ours included; 0: a CPU each */
	__u64 started;	      /* Unix time: NOTICEs signed before, refused */
};

/* Keys must be loaded into s->keys first. 0 or -errno (printed). */
int nego_server_init(struct nego_server *s, const struct nego_config *c,
		     const struct nts_maps *maps, const struct addr_set *addrs);
void nego_server_fini(struct nego_server *s);
/* The socket to poll for input; -1 before init. */
int nego_server_fd(const struct nego_server *s);
/* Threads that check MACs, the caller's included. */
unsigned int nego_server_threads(const struct nego_server *s);
/* Read and answer what has arrived. */
void nego_server_input(struct nego_server *s);
/* Answer the held NOTICEs that can be answered now. */
void nego_server_tick(struct nego_server *s);
/*
 * Replace the keys (-k) and inner keys (--inner-key) with @keys and
 * @inner, which the server takes over (they are left empty). NOTICEs
 * waiting are re-signed with the new keys of the same names.
 */
void nego_server_set_keys(struct nego_server *s, struct nts_keyring *keys,
			  struct nts_keyring *inner);
/* How soon nego_server_tick() wants to run again: -1 for no hurry. */
int nego_server_timeout_ms(const struct nego_server *s);

#endif /* NTSLOAD_NEGO_SERVER_H */
