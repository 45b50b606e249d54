// SPDX-License-Identifier: GPL-2.0
/* ntsctl status: the router at a glance. */
#include <arpa/inet.h>
#include <errno.h>
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

#include "log.h"
#include "ntsctl.h"
#include "stats.h"

static const char *const mapping_names[] = { "eim", "adm", "apdm" };
static const char *const filtering_names[] = { "apdf", "adf", "eif" };

/* How full map @fd is: entries and capacity. */
static void fill(int fd, __u32 *n, __u32 *max)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char key[512], next[512];	/* the largest key of any map */
	int err;

	*n = 0;
	*max = bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
	for (err = bpf_map_get_next_key(fd, NULL, next); !err;
	     err = bpf_map_get_next_key(fd, key, next)) {
		memcpy(key, next, sizeof(key));
		(*n)++;
	}
}

/* "XDP native (prog 12)" of @ifindex, as seen from this namespace. */
static const char *xdp_state(int ifindex, char *buf, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!ifindex || bpf_xdp_query(ifindex, 0, &q))
		return snprintf(buf, len, "unknown here (run ntsctl in the "
			       "router's network namespace)"), buf;
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		snprintf(buf, len, "native, prog %u", q.drv_prog_id);
		break;
	case XDP_ATTACHED_SKB:
		snprintf(buf, len, "generic, prog %u", q.skb_prog_id);
		break;
	case XDP_ATTACHED_NONE:
		snprintf(buf, len, "NOT ATTACHED");
		break;
	default:
		snprintf(buf, len, "mode %u", q.attach_mode);
	}
	return buf;
}

int cmd_status(struct ctl *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		size_t off;
	} maps[] = {
		{ "nat", offsetof(struct nts_maps, nat) },
		{ "nat_bind", offsetof(struct nts_maps, nat_bind) },
		{ "phl", offsetof(struct nts_maps, phl) },
		{ "rc", offsetof(struct nts_maps, rc) },
		{ "frags", offsetof(struct nts_maps, frags) },
	};
	char ifname[IF_NAMESIZE] = "?", xdp[128], a[INET_ADDRSTRLEN];
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
	if_indextoname(cfg.wan_ifindex, ifname);
	xdp_state(if_nametoindex(ifname) == cfg.wan_ifindex ? cfg.wan_ifindex :
							       0,
		  xdp, sizeof(xdp));

	if (c->json) {
		printf("{\"wan\": \"%s\", \"xdp\": \"%s\", \"addresses\": [",
		       ifname, xdp);
		for (i = 0; i < cfg.naddrs && i < NTS_ADDRS_MAX; i++)
			printf("%s\"%s\"", i ? ", " : "",
			       inet_ntop(AF_INET, &cfg.addrs[i], a, sizeof(a)));
		printf("], \"snat\": \"%s\", \"mapping\": \"%s\", "
		       "\"filtering\": \"%s\", \"ports\": \"%u-%u\", "
		       "\"hairpin\": %s, \"maps\": {",
		       inet_ntop(AF_INET, &cfg.wan_addr, a, sizeof(a)),
		       mapping_names[cfg.mapping % 3],
		       filtering_names[cfg.filtering % 3], cfg.port_lo,
		       cfg.port_hi, cfg.flags & NTS_CFG_HAIRPIN ? "true" : "false");
	} else {
		printf("WAN        %s (XDP %s)\n", ifname, xdp);
		printf("addresses ");
		for (i = 0; i < cfg.naddrs && i < NTS_ADDRS_MAX; i++)
			printf(" %s", inet_ntop(AF_INET, &cfg.addrs[i], a,
						sizeof(a)));
		printf("  (outbound NAT from %s)\n",
		       inet_ntop(AF_INET, &cfg.wan_addr, a, sizeof(a)));
		printf("NAT        %s+%s, ports %u-%u%s\n",
		       mapping_names[cfg.mapping % 3],
		       filtering_names[cfg.filtering % 3], cfg.port_lo,
		       cfg.port_hi,
		       cfg.flags & NTS_CFG_HAIRPIN ? ", hairpin" : "");
		printf("tables    ");
	}
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		int fd = *(int *)((char *)&c->maps + maps[i].off);

		fill(fd, &n, &max);
		if (c->json)
			printf("%s\"%s\": {\"entries\": %u, \"max\": %u}",
			       i ? ", " : "", maps[i].name, n, max);
		else
			printf(" %s %u/%u (%u%%)", maps[i].name, n, max,
			       max ? n * 100 / max : 0);
	}
	if (c->json) {
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
