// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "log.h"

int nts_verbose;
const char *nts_prog = "nts";

static void vlog(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", nts_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!nts_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

void log_limit_flush(struct log_limit *l)
{
	if (!l->dropped)
		return;
	pr_info("%s%s%u more messages left out%s%s%s", l->what ? l->what : "",
		l->what ? ": " : "", l->dropped, l->hint ? " (" : "",
		l->hint ? l->hint : "", l->hint ? ")" : "");
	l->dropped = 0;
}

bool log_limit_allow(struct log_limit *l)
{
	struct timespec ts;

	if (!l->per_sec)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((__u64)ts.tv_sec != l->sec) {
		log_limit_flush(l);
		l->sec = ts.tv_sec;
		l->lines = 0;
	}
	if (++l->lines <= l->per_sec)
		return true;
	l->dropped++;
	l->dropped_total++;
	return false;
}

void vlog_limited(struct log_limit *l, const char *fmt, va_list ap)
{
	char line[4096];

	if (!log_limit_allow(l))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	pr_info("%s%s%s", l->what ? l->what : "", l->what ? ": " : "", line);
}

void log_limited(struct log_limit *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_limited(l, fmt, ap);
	va_end(ap);
}

/* libbpf speaks only when asked to: -v warnings, -vv everything. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (nts_verbose < 1 || (level == LIBBPF_DEBUG && nts_verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void nts_log_init(const char *prog, int verbose)
{
	nts_prog = prog;
	nts_verbose = verbose;
	libbpf_set_print(libbpf_print);
}
