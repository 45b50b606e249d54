// SPDX-License-Identifier: GPL-2.0
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <event2/event.h>

#include "log.h"
#include "sdnotify.h"
#include "watchdog.h"

struct watchdog {
	struct event *tell;	/* main's: every half of the timeout */
	struct event **beat_ev; /* each worker's: twice as often */
	atomic_ulong *beats;	/* bumped by each worker's loop */
	unsigned long *seen;	/* the beats at the last WATCHDOG=1 */
	unsigned int n;
	unsigned int every;	/* ms */
};

static void on_beat(evutil_socket_t fd, short what, void *arg)
{
	atomic_ulong *beat = arg;

	(void)fd, (void)what;
	atomic_fetch_add_explicit(beat, 1, memory_order_relaxed);
}

static void on_tell(evutil_socket_t fd, short what, void *arg)
{
	struct watchdog *wd = arg;
	unsigned long b;
	unsigned int i;
	bool alive = true;

	(void)fd, (void)what;
	for (i = 0; i < wd->n; i++) {
		b = atomic_load_explicit(&wd->beats[i], memory_order_relaxed);
		if (b == wd->seen[i])
			alive = false;
		wd->seen[i] = b;
	}
	if (alive)
		sd_notify_state("WATCHDOG=1");
	else
		pr_err("a worker's loop has not turned for %u ms: not telling "
		       "the watchdog (systemd restarts ntsdns if it stays so)",
		       wd->every);
}

static struct timeval tv_ms(unsigned int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	return tv;
}

struct watchdog *watchdog_start(struct event_base *main,
				struct event_base *const *bases,
				unsigned int n)
{
	unsigned int every = sd_watchdog_every_ms(), i;
	struct watchdog *wd;
	struct timeval t, half;

	if (!every)
		return NULL;
	t = tv_ms(every);
	half = tv_ms(every / 2 ? every / 2 : 1);
	wd = calloc(1, sizeof(*wd));
	if (!wd)
		goto fail;
	wd->n = n;
	wd->every = every;
	wd->beat_ev = calloc(n, sizeof(*wd->beat_ev));
	wd->beats = calloc(n, sizeof(*wd->beats));
	wd->seen = calloc(n, sizeof(*wd->seen));
	wd->tell = event_new(main, -1, EV_PERSIST, on_tell, wd);
	if (!wd->beat_ev || !wd->beats || !wd->seen || !wd->tell ||
	    event_add(wd->tell, &t))
		goto fail;
	for (i = 0; i < n; i++) {
		wd->beat_ev[i] = event_new(bases[i], -1, EV_PERSIST, on_beat,
					   &wd->beats[i]);
		if (!wd->beat_ev[i] || event_add(wd->beat_ev[i], &half))
			goto fail;
	}
	return wd;
fail:
	pr_err("cannot set up the watchdog's timers (libevent): systemd "
	       "will think ntsdns hung");
	watchdog_stop(wd);
	return NULL;
}

void watchdog_stop(struct watchdog *wd)
{
	unsigned int i;

	if (!wd)
		return;
	for (i = 0; wd->beat_ev && i < wd->n; i++)
		if (wd->beat_ev[i])
			event_free(wd->beat_ev[i]);
	if (wd->tell)
		event_free(wd->tell);
	free(wd->beat_ev);
	free(wd->beats);
	free(wd->seen);
	free(wd);
}
