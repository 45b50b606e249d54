/* SPDX-License-Identifier: GPL-2.0 */
/* Logging for the NTS tools: one line per event, on stderr. */
#ifndef NTS_LOG_H
#define NTS_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <linux/types.h>

extern int nts_verbose;		/* -v count */
extern const char *nts_prog;	/* prefix of every line */

void nts_log_init(const char *prog, int verbose);
__attribute__((format(printf, 1, 2))) void pr_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_debug(const char *fmt, ...);

/*
 * Lines about what peers do, at most @per_sec a second: a flood must not
 * fill the disk. What is left out is said in one line the next second
 * (or at log_limit_flush()).
 */
struct log_limit {
	const char *what;	/* prefix of every line, e.g. "nego"; or NULL */
	const char *hint;	/* added to the "left out" line; or NULL */
	unsigned int per_sec;	/* 0: no limit */
	__u64 sec;
	unsigned int lines;
	unsigned int dropped;	/* this second */
	unsigned long long dropped_total;
};

#define LOG_LIMIT_INIT(name, n) { .what = (name), .per_sec = (n) }

/* May a line go out now? Says what was left out when a second is over. */
bool log_limit_allow(struct log_limit *l);
/* Say now what was left out. */
void log_limit_flush(struct log_limit *l);
__attribute__((format(printf, 2, 3))) void
log_limited(struct log_limit *l, const char *fmt, ...);
void vlog_limited(struct log_limit *l, const char *fmt, va_list ap);

#endif /* NTS_LOG_H */
