// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <event2/event.h>

#include "httpmetrics.h"
#include "log.h"
#include "metrics.h"
#include "prom.h"

/* ntsload's own, beside what the maps hold: how long NOTICEs take. */
static void write_notices(FILE *f, const struct metrics *m)
{
	static const unsigned int bound[] = NOTICE_HIST_BOUNDS_US;
	const struct notice_hist *h = m->notices;
	unsigned long long cum = 0;
	unsigned int i;

	fputs("# HELP nts_router_notice_seconds From a NOTICE read to its "
	      "answer sent (a batch's time, for each NOTICE of it).\n"
	      "# TYPE nts_router_notice_seconds histogram\n", f);
	for (i = 0; i < NOTICE_HIST_N; i++) {
		cum += atomic_load_explicit(&h->le[i], memory_order_relaxed);
		fputs("nts_router_notice_seconds_bucket{iface=\"", f);
		prom_label(f, m->iface);
		if (i < NOTICE_HIST_N - 1)
			fprintf(f, "\",le=\"%g\"} %llu\n", bound[i] / 1e6, cum);
		else
			fprintf(f, "\",le=\"+Inf\"} %llu\n", cum);
	}
	fputs("nts_router_notice_seconds_sum{iface=\"", f);
	prom_label(f, m->iface);
	fprintf(f, "\"} %g\nnts_router_notice_seconds_count{iface=\"",
		atomic_load_explicit(&h->sum_us, memory_order_relaxed) / 1e6);
	prom_label(f, m->iface);
	fprintf(f, "\"} %llu\n", cum);
}

static int write_metrics(FILE *f, void *arg)
{
	struct metrics *m = arg;
	int err;

	err = prom_router(f, m->maps, m->iface);
	if (!err)
		write_notices(f, m);
	return err;
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	event_base_loopbreak(arg);
}

static void *run(void *arg)
{
	struct metrics *m = arg;

	event_base_dispatch(m->base);
	return NULL;
}

int metrics_start(struct metrics *m, const char *addr,
		  const struct nts_maps *maps, const char *iface,
		  const struct notice_hist *notices)
{
	int err;

	memset(m, 0, sizeof(*m));
	m->stop_fd = -1;
	if (!addr)
		return 0;
	m->maps = maps;
	m->iface = iface;
	m->notices = notices;
	m->base = event_base_new();
	m->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m->stop_ev = m->stop_fd < 0 || !m->base ? NULL :
			event_new(m->base, m->stop_fd, EV_READ, on_stop,
				  m->base);
	if (!m->stop_ev || event_add(m->stop_ev, NULL)) {
		pr_err("--metrics: cannot set up its event loop (libevent)");
		err = -ENOMEM;
		goto fail;
	}
	m->http = http_metrics_start(m->base, "--metrics", addr,
				     write_metrics, m);
	if (!m->http) {
		err = -EINVAL;
		goto fail;
	}
	err = -pthread_create(&m->thread, NULL, run, m);
	if (err) {
		pr_err("--metrics: cannot start its thread: %s",
		       strerror(-err));
		goto fail;
	}
	m->running = true;
	return 0;
fail:
	metrics_stop(m);
	return err;
}

void metrics_stop(struct metrics *m)
{
	uint64_t one = 1;

	if (m->running) {
		if (write(m->stop_fd, &one, sizeof(one)) != sizeof(one))
			pr_err("--metrics: cannot stop its thread");
		pthread_join(m->thread, NULL);
		m->running = false;
	}
	http_metrics_stop(m->http);
	if (m->stop_ev)
		event_free(m->stop_ev);
	if (m->base)
		event_base_free(m->base);
	if (m->stop_fd >= 0)
		close(m->stop_fd);
	memset(m, 0, sizeof(*m));
	m->stop_fd = -1;
}
