// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "fmt.h"

const char *fmt_duration(char *buf, size_t len, __u64 sec)
{
	if (sec < 120)
		snprintf(buf, len, "%llus", (unsigned long long)sec);
	else if (sec < 2 * 3600)
		snprintf(buf, len, "%llum", (unsigned long long)sec / 60);
	else if (sec < 2 * 86400)
		snprintf(buf, len, "%lluh", (unsigned long long)sec / 3600);
	else
		snprintf(buf, len, "%llud", (unsigned long long)sec / 86400);
	return buf;
}
