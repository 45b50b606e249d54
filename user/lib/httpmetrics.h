/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GET /metrics over HTTP on an event loop (libevent's evhttp): the text a
 * callback writes, as Prometheus' text exposition format. Both daemons'
 * --metrics.
 */
#ifndef NTS_HTTPMETRICS_H
#define NTS_HTTPMETRICS_H

#include <stdio.h>

struct event_base;
struct http_metrics;

/* Write the exposition to @f; 0, or -errno for a 500 answer. */
typedef int (*metrics_write_fn)(FILE *f, void *ctx);

/*
 * Listen on @addr ("ADDR:PORT") in @base. NULL on error, said with
 * @opt (e.g. "--metrics") and the address.
 */
struct http_metrics *http_metrics_start(struct event_base *base,
					const char *opt, const char *addr,
					metrics_write_fn write, void *ctx);
void http_metrics_stop(struct http_metrics *hm);

#endif /* NTS_HTTPMETRICS_H */
