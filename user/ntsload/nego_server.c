// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "nego_server.h"

#define LOG_LINES_PER_SEC 20
#define DEFER_POLL_MS	  50
/* Batches read before the event loop looks at its other work again. */
#define BATCHES_PER_INPUT 16

/* After each batch of work: the counters to the map, one syscall pair each. */
static void counts_flush(struct nego_server *s)
{
	int err = stats_batch_flush(&s->counts, s->maps->stats);

	if (err)
		log_limited(&s->log, "cannot update the stats map: %s",
			    strerror(-err));
}

int nego_server_init(struct nego_server *s, const struct nego_config *c,
		     const struct nts_maps *maps, const struct addr_set *addrs)
{
	struct nego_decide_config dc = {
		.rc_ttl = c->rc_ttl,
		.rc_prefix_ttl = c->rc_prefix_ttl,
		.rc_min_prefix = c->rc_min_prefix,
		.rc_min_prefix6 = c->rc_min_prefix6,
		.unbound_window = c->unbound_window,
		.rate_gn = c->rate_gn,
		.rate_name = c->rate_name,
		.rate_server = c->rate_server,
		.expose_none = c->expose_none,
		.relay_timeout_ms = c->relay_timeout_ms,
		.port = c->port,
	};
	unsigned int threads = c->threads ? c->threads : pool_cpus();
	int err;

	s->log = (struct log_limit)LOG_LIMIT_INIT("nego", LOG_LINES_PER_SEC);
	s->maps = maps;
	s->recv.fd = -1;
	if (threads > 1) {
		s->pool = pool_new(threads);
		if (!s->pool)
			return -errno;
	}
	s->batch = calloc(1, sizeof(*s->batch));
	s->out.max = NEGO_OUT_MAX;
	s->out.o = calloc(s->out.max, sizeof(*s->out.o));
	if (!s->batch || !s->out.o || stats_batch_init(&s->counts)) {
		err = -ENOMEM;
		goto fail;
	}
	err = nego_auth_init(&s->auth, &s->keys, &s->inner_keys, c->insecure,
			     c->replay_max, c->started, s->pool);
	if (err)
		goto fail;
	err = nego_decide_init(&s->decide, &dc, maps, addrs, &s->inner_keys,
			       &s->log, &s->counts);
	if (err)
		goto fail_auth;
	err = nego_recv_open(&s->recv, c->port, addrs);
	if (err)
		goto fail_decide;
	s->answer.fd = s->recv.fd;
	s->answer.pool = s->pool;
	s->answer.log = &s->log;
	if (!s->keys.n && !c->insecure)
		pr_info("nego: no --key given: every NOTICE will be refused "
			"(give -k FILE, or --insecure)");
	return 0;

fail_decide:
	nego_decide_fini(&s->decide);
fail_auth:
	nego_auth_fini(&s->auth);
fail:
	if (err == -ENOMEM)
		pr_err("cannot set up the NTS-Nego server: %s", strerror(-err));
	stats_batch_fini(&s->counts);
	free(s->batch);
	free(s->out.o);
	s->batch = NULL;
	s->out.o = NULL;
	pool_free(s->pool);
	s->pool = NULL;
	return err;
}

void nego_server_fini(struct nego_server *s)
{
	nego_recv_close(&s->recv);
	if (s->counts.percpu)
		counts_flush(s);
	stats_batch_fini(&s->counts);
	nego_decide_fini(&s->decide);
	nego_auth_fini(&s->auth);
	pool_free(s->pool);
	s->pool = NULL;
	nego_thread_done();
	free(s->batch);
	free(s->out.o);
	s->batch = NULL;
	s->out.o = NULL;
}

int nego_server_fd(const struct nego_server *s)
{
	return s->recv.fd;
}

unsigned int nego_server_threads(const struct nego_server *s)
{
	return pool_threads(s->pool);
}

/* Send what decide said; relays that could not be sent, decided again. */
static void answer(struct nego_server *s)
{
	int n, round;

	for (round = 0; round < 2; round++) {
		n = nego_answer_send(&s->answer, &s->out, s->unsent,
				     NEGO_RELAY_MAX);
		if (!n)
			break;
		nego_decide_unsent(&s->decide, s->unsent, n, &s->out);
	}
	if (s->out.dropped) {
		log_limited(&s->log, "%u answers not sent: no room for them",
			    s->out.dropped);
		s->out.dropped = 0;
	}
	s->out.n = 0;
}

/* @n NOTICEs of a batch, answered @us after they were read. */
static void hist_observe(struct notice_hist *h, unsigned int n, __u64 us)
{
	static const unsigned int bound[] = NOTICE_HIST_BOUNDS_US;
	unsigned int i;

	_Static_assert(sizeof(bound) / sizeof(bound[0]) == NOTICE_HIST_N - 1,
		       "NOTICE_HIST_N: the bounds and +Inf");
	for (i = 0; i < NOTICE_HIST_N - 1 && us > bound[i]; i++)
		;
	atomic_fetch_add_explicit(&h->le[i], n, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, n * us, memory_order_relaxed);
}

void nego_server_input(struct nego_server *s)
{
	__u64 t0;
	int i, n;

	for (i = 0; i < BATCHES_PER_INPUT; i++) {
		n = nego_recv_batch(&s->recv, s->batch);
		if (n < 0 || (!n && !s->batch->nunreach))
			break;
		t0 = mono_ns();
		nego_auth_batch(&s->auth, s->batch);
		nego_decide_batch(&s->decide, s->batch, &s->out);
		/* Counted before answered: who has the answer sees the count. */
		counts_flush(s);
		answer(s);
		if (n)
			hist_observe(&s->hist, n, (mono_ns() - t0) / 1000);
		if (n < NEGO_BATCH)
			break;
	}
	counts_flush(s);
}

void nego_server_tick(struct nego_server *s)
{
	if (!nego_decide_waiting(&s->decide))
		return;
	nego_decide_tick(&s->decide, &s->out);
	counts_flush(s);
	answer(s);
	counts_flush(s);
}

void nego_server_set_keys(struct nego_server *s, struct nts_keyring *keys,
			  struct nts_keyring *inner)
{
	nego_decide_rekey(&s->decide, keys);
	keys_free(&s->keys);
	keys_free(&s->inner_keys);
	s->keys = *keys;
	s->inner_keys = *inner;
	/* The rings are ours now. */
	memset(keys, 0, sizeof(*keys));
	memset(inner, 0, sizeof(*inner));
}

int nego_server_timeout_ms(const struct nego_server *s)
{
	return nego_decide_waiting(&s->decide) ? DEFER_POLL_MS : -1;
}
