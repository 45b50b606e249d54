/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers and strings for people. */
#ifndef NTS_FMT_H
#define NTS_FMT_H

#include <stddef.h>
#include <linux/types.h>

/* "42s", "5m", "3h", "2d": the largest unit that fits, rounded down. */
const char *fmt_duration(char *buf, size_t len, __u64 sec);
/* Time left to a deadline, @ms from now: "1.9s", or "expired". */
const char *fmt_left(char *buf, size_t len, long long ms);

/*
 * A string from a peer, fit for a log line: at most @n bytes of @s (up to
 * a NUL), with control bytes, bytes >= 0x7f and '\\' written as \xNN, so
 * that no peer can start a line or forge one. Cut to fit @len.
 */
const char *fmt_escape(char *buf, size_t len, const char *s, size_t n);

/* Room for fmt_escape() of a name of up to 255 bytes. */
#define FMT_ESCAPED_MAX (4 * 255 + 1)

#endif /* NTS_FMT_H */
