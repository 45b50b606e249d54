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

const char *fmt_left(char *buf, size_t len, long long ms)
{
	if (ms > 0)
		snprintf(buf, len, "%lld.%llds", ms / 1000, ms % 1000 / 100);
	else
		snprintf(buf, len, "expired");
	return buf;
}

const char *fmt_escape(char *buf, size_t len, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (!len)
		return buf;
	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= len)
				break;
			buf[o++] = c;
		} else {
			if (o + 4 >= len)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}
