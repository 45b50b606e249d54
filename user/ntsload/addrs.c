// SPDX-License-Identifier: GPL-2.0
/*
 * The router's global addresses: --addr, checked against IFACE once at
 * start, or IFACE's own, followed as they change. The source of
 * outbound NAT goes first (the datapath's config takes addrs[0]).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ntsload.h"

const char *addrs_str(const struct addr_set *set, char *buf, size_t len)
{
	char a[INET_ADDRSTRLEN];
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < set->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				inet_ntop(AF_INET, &set->a[i], a, sizeof(a)));
	return buf;
}

/* @snat first in @set, or @set's first if @snat is not one of them. */
static void snat_first(struct addr_set *set, __be32 *snat)
{
	int i;

	if (!*snat || !addr_set_has(set, *snat))
		*snat = set->a[0];
	for (i = 1; i < set->n; i++) {
		if (set->a[i] == *snat) {
			set->a[i] = set->a[0];
			set->a[0] = *snat;
		}
	}
}

/*
 * An --addr the interface doesn't have: the router would NAT from an
 * address whose replies never reach it, and answer NOTICEs for it.
 */
static int addrs_on_iface(const struct ntsload *l)
{
	const char *ifname = l->cfg.ifname;
	char buf[ADDRS_STRLEN];
	struct addr_set has;
	int i;

	for (i = 0; i < l->addrs.n; i++) {
		if (netdev_has_ipv4(ifname, l->addrs.a[i]))
			continue;
		if (netdev_ipv4_addrs(ifname, &has))
			snprintf(buf, sizeof(buf), "none");
		else
			addrs_str(&has, buf, sizeof(buf));
		pr_err("--addr %s is not an address of %s (it has: %s); add "
		       "it first (ip addr add ADDR/LEN dev %s) or leave it "
		       "out",
		       inet_ntoa(*(struct in_addr *)&l->addrs.a[i]), ifname,
		       buf, ifname);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

int choose_addrs(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	char buf[ADDRS_STRLEN];
	int err;

	if (c->addrs.n) {
		l->addrs = c->addrs;
		err = addrs_on_iface(l);
		if (err)
			return err;
	} else {
		err = netdev_ipv4_addrs(c->ifname, &l->addrs);
		if (err == -EADDRNOTAVAIL)
			pr_err("%s has no IPv4 address; give one with --addr",
			       c->ifname);
		else if (err)
			pr_err("cannot read the addresses of %s: %s",
			       c->ifname, strerror(-err));
		if (err)
			return err;
	}
	if (c->snat && !addr_set_has(&l->addrs, c->snat)) {
		pr_err("--snat-addr %s is not one of the router's addresses "
		       "(%s)",
		       inet_ntoa(*(struct in_addr *)&c->snat),
		       addrs_str(&l->addrs, buf, sizeof(buf)));
		return -EINVAL;
	}
	l->snat = c->snat;
	snat_first(&l->addrs, &l->snat);
	return 0;
}

void addrs_follow(struct ntsload *l)
{
	char a[ADDRS_STRLEN], b[ADDRS_STRLEN];
	struct addr_set now;
	__be32 snat = l->snat;

	if (l->cfg.addrs.n || netdev_ipv4_addrs(l->cfg.ifname, &now))
		return;
	snat_first(&now, &snat);
	if (addr_set_eq(&now, &l->addrs))
		return;
	pr_info("%s changed addresses from %s to %s", l->cfg.ifname,
		addrs_str(&l->addrs, a, sizeof(a)),
		addrs_str(&now, b, sizeof(b)));
	l->addrs = now;
	l->snat = snat;
	config_write(l);
	housekeep_addrs(&l->hk, &l->addrs);
}
