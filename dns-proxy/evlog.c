// SPDX-License-Identifier: GPL-2.0
/*
 * Log lines about events (queries, answers, negotiations, peers): any
 * client can make as many of them as it sends queries, so at most
 * --log-rate a second, then one line for those left out, as ntsload's
 * nego_log() does. Start-up, counters and stop are not events: they go
 * through pr_err()/pr_info() as they are.
 */
#include <stdarg.h>
#include <stdio.h>

#include "log.h"
#include "ntsdns.h"

static struct {
	struct event *flush; /* the summary, when no later line prints it */
	unsigned int rate;
	unsigned int lines; /* in second @sec */
	unsigned int left_out;
	uint64_t sec;
	unsigned long long *counter;
} lim;

static void summary(void)
{
	if (!lim.left_out)
		return;
	pr_info("%u more messages left out (--log-rate %u a second)",
		lim.left_out, lim.rate);
	lim.left_out = 0;
	if (lim.flush)
		evtimer_del(lim.flush);
}

static void on_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	summary();
}

static bool allowed(void)
{
	static const struct timeval one_s = { 1, 0 };
	uint64_t sec = now_ms() / 1000;

	if (!lim.rate)
		return true;
	if (sec != lim.sec) {
		summary();
		lim.sec = sec;
		lim.lines = 0;
	}
	if (++lim.lines <= lim.rate)
		return true;
	if (!lim.left_out++ && lim.flush)
		evtimer_add(lim.flush, &one_s);
	if (lim.counter)
		(*lim.counter)++;
	return false;
}

static void vev(const char *fmt, va_list ap)
{
	char line[1024];

	if (!allowed())
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	pr_info("%s", line);
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
	lim.rate = px->cfg.log_rate;
	lim.counter = &px->cnt.log_left_out;
	lim.flush = evtimer_new(px->base, on_flush, NULL);
	return lim.flush ? 0 : -1;
}

void evlog_fini(void)
{
	summary();
	if (lim.flush)
		event_free(lim.flush);
	lim.flush = NULL;
	lim.counter = NULL;
}
