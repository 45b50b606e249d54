/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lines about events, --log-rate a second (errors at start: pr_err()).
 * ev_debug() only with -v.
 */
#ifndef NTSDNS_EVLOG_H
#define NTSDNS_EVLOG_H

struct config;
struct proxy;

/* The limit, once, before the workers start. */
int evlog_init(const struct config *c);
struct event;

/* A worker's timer for the summary, on its loop (before it runs). */
struct event *evlog_timer(struct proxy *px);
/* In each worker's thread: its timer and its counter (NULL: none). */
void evlog_thread(struct proxy *px, struct event *timer);
/* The summary of what was left out, now. */
void evlog_fini(void);
__attribute__((format(printf, 1, 2))) void ev_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void ev_debug(const char *fmt, ...);

#endif /* NTSDNS_EVLOG_H */
