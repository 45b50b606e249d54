/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lines about events, --log-rate a second (errors at start: pr_err()).
 * ev_debug() only with -v.
 */
#ifndef NTSDNS_EVLOG_H
#define NTSDNS_EVLOG_H

struct proxy;

int evlog_init(struct proxy *px);
void evlog_fini(void);
__attribute__((format(printf, 1, 2))) void ev_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void ev_debug(const char *fmt, ...);

#endif /* NTSDNS_EVLOG_H */
