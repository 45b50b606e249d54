// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "gc.h"
#include "housekeep.h"
#include "log.h"
#include "refresh.h"

static struct addr_set addrs_now(struct housekeep *h)
{
	struct addr_set a;

	pthread_mutex_lock(&h->lock);
	a = h->addrs;
	pthread_mutex_unlock(&h->lock);
	return a;
}

static void expire(struct housekeep *h, const struct addr_set *addrs)
{
	struct gc_result res;
	__u64 t0 = mono_ns();
	int err;

	err = gc_run(&h->gc, addrs, &h->to, &res);
	if (err) {
		pr_err("expiry pass failed: %s", strerror(-err));
		return;
	}
	if (res.flows_expired || res.binds_expired || res.names_expired)
		pr_debug("expired %u flows (%u left for the next pass), %u "
			 "mappings, %u names in %llu ms; live: %u flows, %u "
			 "mappings, %u names",
			 res.flows_expired, res.flows_left, res.binds_expired,
			 res.names_expired,
			 (unsigned long long)(mono_ns() - t0) / 1000000,
			 res.flows, res.binds, res.names);
	h->counts.n[NTS_STAT_GC_PASSES]++;
	h->counts.n[NTS_STAT_GC_FLOWS_EXPIRED] += res.flows_expired;
	h->counts.n[NTS_STAT_GC_FW6_EXPIRED] += res.fw6_expired;
	err = stats_batch_flush(&h->counts, h->maps->stats);
	if (err)
		pr_err("cannot update the stats map: %s", strerror(-err));
}

static void *housekeep_main(void *arg)
{
	struct housekeep *h = arg;
	struct pollfd pfd = { .fd = h->stop_fd, .events = POLLIN };
	struct addr_set addrs;
	unsigned int sec = 0, save_sec = 0;
	int err;

	/* A second between rounds; a pass longer than that delays the next. */
	for (;;) {
		int n = poll(&pfd, 1, 1000);

		if (n < 0 && errno == EINTR)
			continue;
		if (n)
			break;	/* told to stop (or poll failed) */
		addrs = addrs_now(h);
		err = ports_refresh(h->maps, &addrs, h->nego_port);
		if (err)
			pr_err("cannot refresh the router's own ports: %s",
			       strerror(-err));
		if (++sec >= h->gc_interval) {
			sec = 0;
			expire(h, &addrs);
		}
		if (++save_sec >= STATE_SAVE_EVERY) {
			save_sec = 0;
			state_save(h->state, false);
		}
	}
	return NULL;
}

int housekeep_start(struct housekeep *h, const struct nts_maps *maps,
		    const struct addr_set *addrs, const struct nat_timeouts *to,
		    unsigned int gc_interval, __u16 nego_port,
		    struct state *state)
{
	sigset_t all, old;
	int err;

	h->maps = maps;
	h->to = *to;
	h->gc_interval = gc_interval;
	h->nego_port = nego_port;
	h->state = state;
	h->addrs = *addrs;
	err = stats_batch_init(&h->counts);
	if (err) {
		pr_err("cannot start the expiry thread: %s", strerror(-err));
		return err;
	}
	err = gc_open(&h->gc, maps);
	if (err) {
		stats_batch_fini(&h->counts);
		return err;
	}
	h->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (h->stop_fd < 0) {
		err = -errno;
		pr_err("cannot start the expiry thread: eventfd: %s",
		       strerror(-err));
		gc_close(&h->gc);
		stats_batch_fini(&h->counts);
		return err;
	}
	pthread_mutex_init(&h->lock, NULL);
	/* Signals are for the main thread's signalfd, not for this one. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	err = pthread_create(&h->thread, NULL, housekeep_main, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pr_err("cannot start the expiry thread: %s", strerror(err));
		close(h->stop_fd);
		pthread_mutex_destroy(&h->lock);
		gc_close(&h->gc);
		stats_batch_fini(&h->counts);
		return -err;
	}
	h->running = true;
	return 0;
}

void housekeep_addrs(struct housekeep *h, const struct addr_set *addrs)
{
	pthread_mutex_lock(&h->lock);
	h->addrs = *addrs;
	pthread_mutex_unlock(&h->lock);
}

void housekeep_stop(struct housekeep *h)
{
	__u64 one = 1;

	if (!h->running)
		return;
	if (write(h->stop_fd, &one, sizeof(one)) != sizeof(one))
		pr_err("cannot stop the expiry thread: %s", strerror(errno));
	pthread_join(h->thread, NULL);
	close(h->stop_fd);
	pthread_mutex_destroy(&h->lock);
	gc_close(&h->gc);
	stats_batch_fini(&h->counts);
	h->running = false;
}
