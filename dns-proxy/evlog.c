// SPDX-License-Identifier: GPL-2.0
/*
 * Log lines about events (queries, answers, negotiations, peers): any
 * client can make as many of them as it sends queries, so at most
 * --log-rate a second (log_limited(), as ntsload's lines), then one line
 * for those left out, printed by a timer when no later line prints it.
 * Start-up, counters and stop are not events: they go through
 * pr_err()/pr_info() as they are. The limit is the whole server's: the
 * workers of --threads share it, under a lock (taken only for a line,
 * which is rare or about to be left out); each has its own timer and
 * counts what it left out in its own counters.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <event2/event.h>

#include "evlog.h"
#include "log.h"
#include "ntsdns.h"

static struct {
	pthread_mutex_t lock;
	struct log_limit lim;
	char hint[48];
} ev = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The worker's (or, with --threads 1, the one loop's). */
static __thread struct event *flush; /* the summary, when no later line */
static __thread unsigned long long *counter;

static void on_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	pthread_mutex_lock(&ev.lock);
	log_limit_flush(&ev.lim);
	pthread_mutex_unlock(&ev.lock);
}

static void vev(const char *fmt, va_list ap)
{
	static const struct timeval one_s = { 1, 0 };
	unsigned long long before;
	bool left_out, first;

	pthread_mutex_lock(&ev.lock);
	before = ev.lim.dropped_total;
	vlog_limited(&ev.lim, fmt, ap);
	left_out = ev.lim.dropped_total != before;
	first = ev.lim.dropped == 1;
	pthread_mutex_unlock(&ev.lock);
	if (!left_out)
		return;
	if (counter)
		(*counter)++;
	if (first && flush)
		evtimer_add(flush, &one_s);
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

int evlog_init(const struct config *c)
{
	snprintf(ev.hint, sizeof(ev.hint), "--log-rate %u a second",
		 c->log_rate);
	ev.lim = (struct log_limit){ .hint = ev.hint, .per_sec = c->log_rate };
	return 0;
}

struct event *evlog_timer(struct proxy *px)
{
	return evtimer_new(px->base, on_flush, NULL);
}

void evlog_thread(struct proxy *px, struct event *timer)
{
	counter = px ? &px->cnt.log_left_out : NULL;
	flush = timer;
}

void evlog_fini(void)
{
	pthread_mutex_lock(&ev.lock);
	log_limit_flush(&ev.lim);
	pthread_mutex_unlock(&ev.lock);
}
