/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --metrics ADDR:PORT: Prometheus' GET /metrics over HTTP (libevent's
 * evhttp), in a thread of its own so that a scrape, which walks the
 * tables, never holds a NOTICE up.
 */
#ifndef NTSLOAD_METRICS_H
#define NTSLOAD_METRICS_H

#include <pthread.h>
#include <stdbool.h>

#include "nego_server.h"
#include "pin.h"

struct event_base;
struct http_metrics;
struct event;

struct metrics {
	const struct nts_maps *maps;
	const char *iface;
	const struct notice_hist *notices;
	struct event_base *base;
	struct http_metrics *http;
	struct event *stop_ev;
	int stop_fd; /* eventfd: written to stop */
	pthread_t thread;
	bool running;
};

/*
 * Listen on @addr ("ADDR:PORT"; NULL: off) and serve from a thread.
 * 0 or -errno (said, naming the address).
 */
int metrics_start(struct metrics *m, const char *addr,
		  const struct nts_maps *maps, const char *iface,
		  const struct notice_hist *notices);
void metrics_stop(struct metrics *m);

#endif /* NTSLOAD_METRICS_H */
