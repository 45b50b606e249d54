// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "addr.h"

static int port_parse(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || !v || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

int addr_parse(const char *s, uint16_t port, struct sockaddr_storage *out)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
	char host[INET6_ADDRSTRLEN];
	const char *colon = strrchr(s, ':'), *p = NULL;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || (close[1] && close[1] != ':'))
			return -EINVAL;
		n = close - s - 1;
		p = close[1] ? close + 2 : NULL;
		s++;
	} else if (colon && strchr(s, ':') == colon) {
		n = colon - s; /* one colon: v4:port */
		p = colon + 1;
	} else {
		n = strlen(s); /* v4, or v6 without a port */
	}
	if (n >= sizeof(host) || (p && port_parse(p, &port)))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

const char *addr_host(const struct sockaddr_storage *a, char *buf, size_t len)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;

	if (a->ss_family == AF_INET)
		inet_ntop(AF_INET, &a4->sin_addr, buf, len);
	else if (a->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &a6->sin6_addr, buf, len);
	else
		snprintf(buf, len, "?");
	return buf;
}

const char *addr_str(const struct sockaddr_storage *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	uint16_t port = a->ss_family == AF_INET6
				? ntohs(((struct sockaddr_in6 *)a)->sin6_port)
				: ntohs(((struct sockaddr_in *)a)->sin_port);

	addr_host(a, host, sizeof(host));
	snprintf(buf, len, a->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host,
		 port);
	return buf;
}

socklen_t addr_len(const struct sockaddr_storage *a)
{
	return a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					: sizeof(struct sockaddr_in);
}

bool addr_eq(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const struct sockaddr_in *a4 = (const void *)a, *b4 = (const void *)b;
	const struct sockaddr_in6 *a6 = (const void *)a, *b6 = (const void *)b;

	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return a4->sin_port == b4->sin_port &&
		       a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return a6->sin6_port == b6->sin6_port &&
	       !memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr));
}

bool addr_is_any(const struct sockaddr_storage *a)
{
	const struct sockaddr_in *a4 = (const void *)a;
	const struct sockaddr_in6 *a6 = (const void *)a;

	if (a->ss_family == AF_INET)
		return a4->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&a6->sin6_addr);
}

bool cidr4_has(const struct nts_cidr4 *c, const struct sockaddr_storage *a)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;

	return a->ss_family == AF_INET && cidr4_contains(c, a4->sin_addr.s_addr);
}
