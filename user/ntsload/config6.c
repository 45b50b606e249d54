// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 firewall's settings (include/nts/ip6.h): the inside prefixes,
 * --lan-prefix or the global ones of --lan, and the router's own IPv6
 * addresses on IFACE, written to config6 with every config write so that
 * they follow the interfaces as the IPv4 addresses do. No prefix: the
 * firewall is off and IPv6 passes as it always did.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "log.h"
#include "ntsload.h"

/* Global unicast, as a prefix or an own address may be. */
static bool global6(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_LOOPBACK(a) &&
	       !IN6_IS_ADDR_MULTICAST(a) && !IN6_IS_ADDR_V4MAPPED(a) &&
	       !IN6_IS_ADDR_UNSPECIFIED(a);
}

static unsigned int mask_len(const struct in6_addr *m)
{
	unsigned int n = 0, i;

	for (i = 0; i < 16; i++)
		n += __builtin_popcount(m->s6_addr[i]);
	return n;
}

static bool cidr6_dup(const struct nts_config6 *c6, const struct nts_cidr6 *p)
{
	__u32 i;

	for (i = 0; i < c6->nprefix; i++)
		if (c6->prefix[i].len == p->len &&
		    !memcmp(&c6->prefix[i].net, &p->net, 16))
			return true;
	return false;
}

/* IFACE's global IPv6 addresses (@addrs) or prefixes (else) into @c6. */
static void learn(struct nts_config6 *c6, const char *ifname, bool addrs)
{
	struct ifaddrs *ifa, *i;

	if (!ifname || getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in6 *sa = (void *)i->ifa_addr;
		const struct sockaddr_in6 *nm = (void *)i->ifa_netmask;
		struct nts_cidr6 p = {};

		if (!sa || sa->sin6_family != AF_INET6 ||
		    strcmp(i->ifa_name, ifname) || !global6(&sa->sin6_addr))
			continue;
		if (addrs) {
			if (c6->naddrs < NTS_ADDRS_MAX)
				memcpy(&c6->addrs[c6->naddrs++],
				       &sa->sin6_addr, 16);
			continue;
		}
		memcpy(&p.net, &sa->sin6_addr, 16);
		p.len = nm ? mask_len(&nm->sin6_addr) : 64;
		cidr6_clear_host(&p);
		if (c6->nprefix < NTS_PREFIX6_MAX && !cidr6_dup(c6, &p))
			c6->prefix[c6->nprefix++] = p;
	}
	freeifaddrs(ifa);
}

void config6_make(const struct ntsload *l, struct nts_config6 *c6)
{
	const struct ntsload_cfg *c = &l->cfg;
	unsigned int i;

	memset(c6, 0, sizeof(*c6));
	for (i = 0; i < c->nprefix6 && i < NTS_PREFIX6_MAX; i++)
		c6->prefix[c6->nprefix++] = c->prefix6[i];
	if (!c->nprefix6)
		learn(c6, c->lan, false);
	learn(c6, c->ifname, true);
	for (i = 0; i < c->nddns6 && i < NTS_DDNS_MAX; i++)
		c6->ddns[c6->nddns++] = c->ddns6[i];
}

int config6_write(const struct ntsload *l)
{
	struct nts_config6 c6;
	__u32 k = 0;

	config6_make(l, &c6);
	if (bpf_map_update_elem(l->maps.config6, &k, &c6, BPF_ANY)) {
		pr_err("cannot write the config6 map: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

void say_fw6(const struct ntsload *l)
{
	char buf[NTS_PREFIX6_MAX * (INET6_ADDRSTRLEN + 5) + 64];
	char a[INET6_ADDRSTRLEN];
	struct nts_config6 c6;
	size_t off = 0;
	__u32 i;

	config6_make(l, &c6);
	if (!c6.nprefix) {
		pr_info("IPv6 firewall off: no inside prefix (--lan-prefix, or "
			"global IPv6 on --lan); IPv6 passes untouched");
		return;
	}
	for (i = 0; i < c6.nprefix && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s/%u",
				i ? ", " : "",
				inet_ntop(AF_INET6, &c6.prefix[i].net, a,
					  sizeof(a)),
				c6.prefix[i].len);
	pr_info("IPv6 firewall on for %s (%s); %u own IPv6 address%s on %s",
		buf, l->cfg.nprefix6 ? "--lan-prefix" : "learnt from --lan",
		c6.naddrs, c6.naddrs == 1 ? "" : "es", l->cfg.ifname);
}
