/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers for people. */
#ifndef NTS_FMT_H
#define NTS_FMT_H

#include <stddef.h>
#include <linux/types.h>

/* "42s", "5m", "3h", "2d": the largest unit that fits, rounded down. */
const char *fmt_duration(char *buf, size_t len, __u64 sec);

#endif /* NTS_FMT_H */
