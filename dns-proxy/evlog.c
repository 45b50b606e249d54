// SPDX-License-Identifier: GPL-2.0
/*
 * Log lines about events (queries, answers, negotiations, peers): any
 * client can make as many of them as it sends queries, so at most
 * --log-rate a second (log_limited(), as ntsload's lines), then one line
 * for those left out, printed by a timer when no later line prints it.
 * Start-up, counters and stop are not events: they go through
 * pr_err()/pr_info() as they are.
 */
#include <stdarg.h>
#include <stdio.h>
#include <event2/event.h>

#include "evlog.h"
#include "log.h"
#include "ntsdns.h"

static struct {
	struct log_limit lim;
	char hint[48];
	struct event *flush;	/* the summary, when no later line prints it */
	unsigned long long *counter;
} ev;

static void on_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	log_limit_flush(&ev.lim);
}

static void vev(const char *fmt, va_list ap)
{
	static const struct timeval one_s = { 1, 0 };
	unsigned long long before = ev.lim.dropped_total;

	vlog_limited(&ev.lim, fmt, ap);
	if (ev.lim.dropped_total == before)
		return;
	if (ev.counter)
		(*ev.counter)++;
	if (ev.lim.dropped == 1 && ev.flush)
		evtimer_add(ev.flush, &one_s);
}

void ev_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vev(fmt, ap);
	va_end(ap);
}

void ev_debug(const char *fmt, ...)
{
	va_list ap;

	if (!nts_verbose)
		return;
	va_start(ap, fmt);
	vev(fmt, ap);
	va_end(ap);
}

int evlog_init(struct proxy *px)
{
	snprintf(ev.hint, sizeof(ev.hint), "--log-rate %u a second",
		 px->cfg.log_rate);
	ev.lim = (struct log_limit){ .hint = ev.hint,
				     .per_sec = px->cfg.log_rate };
	ev.counter = &px->cnt.log_left_out;
	ev.flush = evtimer_new(px->base, on_flush, NULL);
	return ev.flush ? 0 : -1;
}

void evlog_fini(void)
{
	log_limit_flush(&ev.lim);
	if (ev.flush)
		event_free(ev.flush);
	ev.flush = NULL;
	ev.counter = NULL;
}
