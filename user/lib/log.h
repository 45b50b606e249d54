/* SPDX-License-Identifier: GPL-2.0 */
/* Logging for the NTS tools: one line per event, on stderr. */
#ifndef NTS_LOG_H
#define NTS_LOG_H

#include <stdarg.h>

extern int nts_verbose;		/* -v count */
extern const char *nts_prog;	/* prefix of every line */

void nts_log_init(const char *prog, int verbose);
__attribute__((format(printf, 1, 2))) void pr_err(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void pr_debug(const char *fmt, ...);

#endif /* NTS_LOG_H */
