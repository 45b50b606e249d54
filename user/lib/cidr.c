// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cidr.h"

int cidr4_parse(const char *s, struct nts_cidr4 *out)
{
	char host[INET_ADDRSTRLEN], *end;
	const char *slash = strchr(s, '/');
	unsigned long len = 32;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	struct in_addr a;

	if (n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = 0;
	if (inet_pton(AF_INET, host, &a) != 1)
		return -EINVAL;
	if (slash) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || errno || len > 32)
			return -EINVAL;
	}
	out->mask = len ? htonl(~0u << (32 - len)) : 0;
	out->net = a.s_addr & out->mask;
	return 0;
}
