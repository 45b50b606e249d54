/* SPDX-License-Identifier: GPL-2.0 */
/* Logging for the NTS tools: one line per event, on stderr. */
#ifndef NTS_LOG_H
#define NTS_LOG_H

#include <stdarg.h>
#include <linux/types.h>

extern int nts_verbose;		/* -v count */
extern const char *nts_prog;	/* prefix of every line */

void nts_log_init(const char *prog, int verbose);
__attribute__((format(printf, 1, 2))) void pr_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_debug(const char *fmt, ...);

/*
 * Lines about what peers do, at most @per_sec a second: a flood must not
 * fill the disk. What is left out is said in one line the next second.
 */
struct log_limit {
	const char *what;	/* prefix of every line, e.g. "nego" */
	unsigned int per_sec;
	__u64 sec;
	unsigned int lines;
	unsigned int dropped;
};

#define LOG_LIMIT_INIT(name, n) { .what = (name), .per_sec = (n) }

__attribute__((format(printf, 2, 3))) void
log_limited(struct log_limit *l, const char *fmt, ...);
void vlog_limited(struct log_limit *l, const char *fmt, va_list ap);

#endif /* NTS_LOG_H */
