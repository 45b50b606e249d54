// SPDX-License-Identifier: GPL-2.0
/* ntsctl status: the router at a glance. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <nts/config.h>
#include <nts/nat.h>
#include <nts/phl.h>

#include "log.h"
#include "mapwalk.h"
#include "ntsctl.h"
#include "stats.h"

static const char *const mapping_names[] = { "eim", "adm", "apdm" };
static const char *const filtering_names[] = { "apdf", "adf", "eif" };

/* Does program @fd use the map with ID @map_id? */
static bool prog_uses_map(int fd, __u32 map_id)
{
	struct bpf_prog_info p = {};
	__u32 len = sizeof(p), ids[64], i;

	p.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	p.map_ids = (__u64)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(fd, &p, &len) || p.type != BPF_PROG_TYPE_XDP)
		return false;
	for (i = 0; i < p.nr_map_ids && i < 64; i++)
		if (ids[i] == map_id)
			return true;
	return false;
}

static __u32 map_id(int map_fd)
{
	struct bpf_map_info m = {};
	__u32 len = sizeof(m);

	return bpf_obj_get_info_by_fd(map_fd, &m, &len) ? 0 : m.id;
}

/* The ID of a loaded XDP program that uses map @map_fd, or 0. */
static __u32 our_xdp_prog(int map_fd)
{
	__u32 id = 0, mid = map_id(map_fd);
	bool found = false;
	int fd;

	if (!mid)
		return 0;
	while (!found && !bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue;
		found = prog_uses_map(fd, mid);
		close(fd);
	}
	return found ? id : 0;
}

/*
 * "native, prog 12" when ntsload's XDP program (the one using @map_fd)
 * is on @ifindex here. The program exists but isn't there: ntsctl runs
 * in another network namespace than the router, where the ifindex means
 * another interface.
 */
static const char *xdp_state(int ifindex, int map_fd, char *buf, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 ours = our_xdp_prog(map_fd);
	const char *mode;
	int fd;

	if (!ours) {
		snprintf(buf, len, "NOT ATTACHED: is ntsload running?");
		return buf;
	}
	/*
	 * Ours is the one attached, if it uses the map: nts_wan_in6, the
	 * program nts_wan_in tail-calls, uses it too and is never attached.
	 */
	if (!bpf_xdp_query(ifindex, 0, &q) && q.prog_id) {
		fd = bpf_prog_get_fd_by_id(q.prog_id);
		if (fd >= 0) {
			if (prog_uses_map(fd, map_id(map_fd)))
				ours = q.prog_id;
			close(fd);
		}
	}
	if (q.prog_id != ours) {
		snprintf(buf, len, "prog %u, not found here: run ntsctl in "
			 "the router's network namespace", ours);
		return buf;
	}
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		mode = "native";
		break;
	case XDP_ATTACHED_SKB:
		mode = "generic";
		break;
	default:
		mode = "mode ?";
	}
	snprintf(buf, len, "%s, prog %u", mode, q.prog_id);
	return buf;
}

/* Whom registrations are learnt from: servers, then zones. */
static void print_ddns(const struct ctl *c, const struct nts_config *cfg)
{
	struct phl_key k, next;
	char a[INET_ADDRSTRLEN];
	const char *sep = "";
	__u32 i;
	int err;

	printf(c->cfg.json ? "\"ddns\": [" : "DDNS      ");
	for (i = 0; i < cfg->nddns && i < NTS_DDNS_MAX; i++)
		printf(c->cfg.json ? "%s\"%s:%u\"" : "%s %s:%u", i ? ", " : "",
		       inet_ntop(AF_INET, &cfg->ddns[i].addr, a, sizeof(a)),
		       ntohs(cfg->ddns[i].port));
	if (!c->cfg.json && !cfg->nddns)
		printf(" none: no names are learnt from DNS UPDATEs");
	printf(c->cfg.json ? "], \"zones\": [" : "; zones");
	for (err = bpf_map_get_next_key(c->maps.phl_zones, NULL, &next); !err;
	     err = bpf_map_get_next_key(c->maps.phl_zones, &k, &next)) {
		k = next;
		printf(c->cfg.json ? "%s\"%s\"" : "%s %s", sep, k.name);
		sep = c->cfg.json ? ", " : ",";
	}
	if (c->cfg.json)
		printf("], \"names_per_host\": %u, ", cfg->phl_quota);
	else
		printf("%s; %u names per host\n", *sep ? "" : " any",
		       cfg->phl_quota);
}

int cmd_status(struct ctl *c, int argc, char **argv)
{
	char ifname[32] = "?", xdp[128], a[INET_ADDRSTRLEN];
	struct nts_config cfg = {};
	__u64 v[NTS_STAT_MAX];
	__u32 k = 0, n, max;
	size_t i;

	if (argc)
		return usage_error("status", argv[0]);
	if (bpf_map_lookup_elem(c->maps.config, &k, &cfg) ||
	    stats_read(c->maps.stats, v)) {
		pr_err("cannot read the config and stats maps: %s",
		       strerror(errno));
		return -errno;
	}
	xdp_state(cfg.wan_ifindex, c->maps.config, xdp, sizeof(xdp));
	if (strstr(xdp, "not found") ||
	    !if_indextoname(cfg.wan_ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "ifindex %u", cfg.wan_ifindex);

	if (c->cfg.json) {
		printf("{\"wan\": \"%s\", \"xdp\": \"%s\", \"addresses\": [",
		       ifname, xdp);
		for (i = 0; i < cfg.naddrs && i < NTS_ADDRS_MAX; i++)
			printf("%s\"%s\"", i ? ", " : "",
			       inet_ntop(AF_INET, &cfg.addrs[i], a, sizeof(a)));
		printf("], \"snat\": \"%s\", \"mapping\": \"%s\", "
		       "\"filtering\": \"%s\", \"ports\": \"%u-%u\", "
		       "\"hairpin\": %s, \"fastpath\": %s, ",
		       inet_ntop(AF_INET, &cfg.wan_addr, a, sizeof(a)),
		       mapping_names[cfg.mapping % 3],
		       filtering_names[cfg.filtering % 3], cfg.port_lo,
		       cfg.port_hi,
		       cfg.flags & NTS_CFG_HAIRPIN ? "true" : "false",
		       cfg.flags & NTS_CFG_FASTPATH ? "true" : "false");
		print_ddns(c, &cfg);
		printf("\"maps\": {");
	} else {
		printf("WAN        %s (XDP %s)\n", ifname, xdp);
		printf("addresses ");
		for (i = 0; i < cfg.naddrs && i < NTS_ADDRS_MAX; i++)
			printf(" %s", inet_ntop(AF_INET, &cfg.addrs[i], a,
						sizeof(a)));
		printf("  (outbound NAT from %s)\n",
		       inet_ntop(AF_INET, &cfg.wan_addr, a, sizeof(a)));
		printf("NAT        %s+%s, ports %u-%u%s%s\n",
		       mapping_names[cfg.mapping % 3],
		       filtering_names[cfg.filtering % 3], cfg.port_lo,
		       cfg.port_hi,
		       cfg.flags & NTS_CFG_HAIRPIN ? ", hairpin" : "",
		       cfg.flags & NTS_CFG_FASTPATH ? ", fast path" : "");
		print_ddns(c, &cfg);
		printf("tables    ");
	}
	for (i = 0; i < NTS_TABLES; i++) {
		int fd = nts_table_fd(&c->maps, i);

		map_fill(fd, &n, &max);
		if (c->cfg.json)
			printf("%s\"%s\": {\"entries\": %u, \"max\": %u}",
			       i ? ", " : "", nts_tables[i].name, n, max);
		else
			printf(" %s %u/%u (%u%%)", nts_tables[i].name, n, max,
			       max ? n * 100 / max : 0);
	}
	if (c->cfg.json) {
		printf("}, \"counters\": {\"in_pkts\": %llu, \"out_pkts\": %llu, "
		       "\"flows_opened\": %llu, \"rc_open\": %llu, "
		       "\"nego_accept\": %llu, \"phl_add\": %llu}}\n",
		       (unsigned long long)v[NTS_STAT_IN_PKTS],
		       (unsigned long long)v[NTS_STAT_OUT_PKTS],
		       (unsigned long long)v[NTS_STAT_OUT_NEW],
		       (unsigned long long)v[NTS_STAT_RC_OPEN],
		       (unsigned long long)v[NTS_STAT_NEGO_ACCEPT],
		       (unsigned long long)v[NTS_STAT_PHL_ADD]);
		return 0;
	}
	printf("\npackets    %llu in, %llu out; %llu redirected by XDP, %llu "
	       "via the stack\n",
	       (unsigned long long)v[NTS_STAT_IN_PKTS],
	       (unsigned long long)v[NTS_STAT_OUT_PKTS],
	       (unsigned long long)v[NTS_STAT_IN_REDIRECT],
	       (unsigned long long)v[NTS_STAT_IN_PASS_STACK]);
	printf("flows      %llu opened from inside, %llu from the request "
	       "cache\n",
	       (unsigned long long)v[NTS_STAT_OUT_NEW],
	       (unsigned long long)v[NTS_STAT_RC_OPEN]);
	printf("NTS        %llu names registered, %llu NOTICEs accepted, %llu "
	       "rejected, %llu refused\n",
	       (unsigned long long)v[NTS_STAT_PHL_ADD],
	       (unsigned long long)v[NTS_STAT_NEGO_ACCEPT],
	       (unsigned long long)v[NTS_STAT_NEGO_REJECT],
	       (unsigned long long)(v[NTS_STAT_NEGO_BAD] +
				    v[NTS_STAT_NEGO_STALE] +
				    v[NTS_STAT_NEGO_RATE] +
				    v[NTS_STAT_NEGO_FULL]));
	printf("drops      %llu no port, %llu table full, %llu malformed, %llu "
	       "unsolicited SYNs\n",
	       (unsigned long long)v[NTS_STAT_OUT_NO_PORT],
	       (unsigned long long)(v[NTS_STAT_OUT_NO_SPACE] +
				    v[NTS_STAT_RC_NO_SPACE]),
	       (unsigned long long)(v[NTS_STAT_IN_MALFORMED] +
				    v[NTS_STAT_OUT_MALFORMED]),
	       (unsigned long long)v[NTS_STAT_IN_SYN_DROP]);
	return 0;
}
