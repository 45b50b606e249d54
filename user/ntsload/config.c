// SPDX-License-Identifier: GPL-2.0
/*
 * The settings as the datapath reads them: the config map (struct
 * nts_config, include/nts/config.h) and the zones of --zone; and the
 * line at start that says whom registrations are learnt from.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "log.h"
#include "ntsload.h"

int config_write(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	struct nts_config cfg = {
		.wan_addr = l->snat,
		.wan_ifindex = l->ifindex,
		.port_lo = l->range.lo,
		.port_hi = l->range.hi,
		.flags = NTS_CFG_ENABLED | (c->syn_pass ? NTS_CFG_SYN_PASS : 0) |
			 (c->hairpin ? NTS_CFG_HAIRPIN : 0) |
			 (ntsload_fastpath(c) ? NTS_CFG_FASTPATH : 0) |
			 l->qdisc_flags,
		.phl_min_ttl = c->phl_min_ttl,
		.nego_port = c->nego.port,
		.mapping = c->mapping,
		.filtering = c->filtering,
		.lan_ifindex = ntsload_lan_on(c) ? l->lan_ifindex : 0,
		.naddrs = l->addrs.n,
		.phl_quota = c->names_per_host,
		.nddns = c->nddns,
		.nnts = c->nnts,
	};
	__u32 k = 0;

	if (c->nzones)
		cfg.flags |= NTS_CFG_ZONES;
	memcpy(cfg.addrs, l->addrs.a, sizeof(cfg.addrs));
	memcpy(cfg.ddns, c->ddns, sizeof(cfg.ddns));
	memcpy(cfg.nts, c->nts, sizeof(cfg.nts));
	if (bpf_map_update_elem(l->maps.config, &k, &cfg, BPF_ANY)) {
		pr_err("cannot write the config map: %s", strerror(errno));
		return -errno;
	}
	/* The IPv6 addresses follow with the IPv4 ones. */
	return config6_write(l);
}

/* The zones of this run, and no other: pinned maps keep the last run's. */
int zones_write(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	struct phl_key k;
	__u32 one = 1;
	unsigned int i;

	while (!bpf_map_get_next_key(l->maps.phl_zones, NULL, &k))
		if (bpf_map_delete_elem(l->maps.phl_zones, &k))
			break;
	for (i = 0; i < c->nzones; i++) {
		memcpy(k.name, c->zones[i], sizeof(k.name));
		if (bpf_map_update_elem(l->maps.phl_zones, &k, &one, BPF_ANY)) {
			pr_err("cannot write the phl_zones map: %s",
			       strerror(errno));
			return -errno;
		}
	}
	return 0;
}

void say_registrations(const struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	char buf[NTS_DDNS_MAX * 56 + 256], a[INET6_ADDRSTRLEN];
	size_t off = 0;
	unsigned int i;

	if (!c->nddns && !c->nddns6) {
		pr_info("no --ddns-server: the router learns no registrations "
			"from DNS UPDATEs (static names only: ntsctl phl add)");
		return;
	}
	for (i = 0; i < c->nddns && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s:%u",
				i ? ", " : "",
				inet_ntop(AF_INET, &c->ddns[i].addr, a,
					  sizeof(a)),
				ntohs(c->ddns[i].port));
	for (i = 0; i < c->nddns6 && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s[%s]:%u",
				i || c->nddns ? ", " : "",
				inet_ntop(AF_INET6, &c->ddns6[i].addr, a,
					  sizeof(a)),
				ntohs(c->ddns6[i].port));
	for (i = 0; i < c->nzones && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
				i ? ", " : "; zones ", c->zones[i]);
	if (off < sizeof(buf))
		snprintf(buf + off, sizeof(buf) - off, "%s; %u names per host",
			 c->nzones ? "" : "; any zone", c->names_per_host);
	pr_info("registrations learnt from DNS UPDATEs that %s", buf);
}
