// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "dnsname.h"

int dns_name_normalize(const char *in, char *out, size_t len)
{
	size_t n = strlen(in), i, label = 0;

	if (n && in[n - 1] == '.')
		n--;
	if (!n || n > 253 || len < 256)
		return -EINVAL;
	memset(out, 0, len);
	for (i = 0; i < n; i++) {
		unsigned char c = tolower((unsigned char)in[i]);

		if (c == '.') {
			if (!label)
				return -EINVAL;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
		out[i] = c;
	}
	return label ? 0 : -EINVAL;
}
