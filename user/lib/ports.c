// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ports.h"

int local_port_range(struct port_range *r)
{
	unsigned int lo, hi;
	FILE *f;
	int n;

	f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (!f)
		return -errno;
	n = fscanf(f, "%u %u", &lo, &hi);
	fclose(f);
	if (n != 2 || lo > hi || hi > 65535)
		return -EINVAL;
	r->lo = lo;
	r->hi = hi;
	return 0;
}

struct port_range nat_port_range_default(const struct port_range *local)
{
	struct port_range below = { 1024, local->lo - 1 };
	struct port_range above = { local->hi + 1, 65535 };
	struct port_range none = { 1024, 1023 };
	unsigned int nbelow = local->lo > 1024 ? local->lo - 1024 : 0;
	unsigned int nabove = local->hi >= 1024 ? 65535 - local->hi :
						  65535 - 1024 + 1;

	if (local->hi < 1024)
		above.lo = 1024;
	/* Spelt out: local->lo - 1 or local->hi + 1 would wrap around. */
	if (!nbelow && !nabove)
		return none;
	return nbelow >= nabove ? below : above;
}

int port_range_parse(const char *s, struct port_range *r)
{
	unsigned long lo, hi;
	char *end;

	errno = 0;
	lo = strtoul(s, &end, 10);
	if (end == s || *end != '-')
		return -EINVAL;
	s = end + 1;
	hi = strtoul(s, &end, 10);
	if (end == s || *end || errno || lo < 1 || lo > hi || hi > 65535)
		return -EINVAL;
	r->lo = lo;
	r->hi = hi;
	return 0;
}

/* /proc/net/{tcp,udp}[6]: "sl local_address rem_address st ..." */
static int scan_file(const char *path, struct nts_ports *used,
		     const struct addr_set *addrs, int v6)
{
	char line[512], local[64];
	unsigned int port;
	char *colon;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*s %63s", local) != 1)
			continue;
		colon = strchr(local, ':');
		if (!colon || sscanf(colon + 1, "%x", &port) != 1)
			continue;
		*colon = '\0';
		if (v6) {
			/* :: or ::ffff:addr, as four host-order words */
			unsigned int a;

			if (!strcmp(local, "00000000000000000000000000000000"))
				a = 0;
			else if (!strncasecmp(local, "0000000000000000FFFF0000",
					      24))
				a = strtoul(local + 24, NULL, 16);
			else
				continue;
			if (a != 0 && !addr_set_has(addrs, a))
				continue;
		} else {
			unsigned int a = strtoul(local, NULL, 16);

			if (a != 0 && !addr_set_has(addrs, a))
				continue;
		}
		ports_set(used, port);
	}
	fclose(f);
	return 0;
}

int ports_scan(struct nts_ports used[NTS_PORTS_MAX],
	       const struct addr_set *addrs)
{
	static const struct {
		const char *path;
		int idx;
		int v6;
	} files[] = {
		{ "/proc/net/tcp", NTS_PORTS_TCP, 0 },
		{ "/proc/net/tcp6", NTS_PORTS_TCP, 1 },
		{ "/proc/net/udp", NTS_PORTS_UDP, 0 },
		{ "/proc/net/udp6", NTS_PORTS_UDP, 1 },
	};
	size_t i;
	int err;

	memset(used, 0, sizeof(used[0]) * NTS_PORTS_MAX);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		err = scan_file(files[i].path, &used[files[i].idx], addrs,
				files[i].v6);
		if (err)
			return err;
	}
	return 0;
}
