/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's watchdog (WatchdogSec=, $WATCHDOG_USEC): WATCHDOG=1 from the
 * main loop, but only while every worker's loop still turns, so that one
 * wedged worker gets ntsdns restarted. Nothing without the watchdog.
 */
#ifndef NTSDNS_WATCHDOG_H
#define NTSDNS_WATCHDOG_H

struct event_base;
struct watchdog;

/*
 * @main: the loop that tells systemd; @bases: the workers' loops (@main
 * among them with one worker). NULL when the watchdog is off or on error
 * (said).
 */
struct watchdog *watchdog_start(struct event_base *main,
				struct event_base *const *bases,
				unsigned int n);
void watchdog_stop(struct watchdog *wd);

#endif /* NTSDNS_WATCHDOG_H */
