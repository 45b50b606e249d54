/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntsload's settings, as its command line gives them (options.c): plain
 * values, nothing opened or loaded. start() makes the live state of
 * struct ntsload (ntsload.h) from them.
 */
#ifndef NTSLOAD_CFG_H
#define NTSLOAD_CFG_H

#include <stdbool.h>
#include <linux/types.h>

#include <nts/config.h>
#include <nts/ip6.h>
#include <nts/phl.h>

#include "attach.h"
#include "datapath.h"
#include "flow.h"
#include "nego_server.h"
#include "netdev.h"
#include "ports.h"

#define KEY_FILES_MAX 32

struct ntsload_cfg {
	const char *ifname;
	struct addr_set addrs; /* --addr; none: IFACE's, followed */
	__be32 snat;	       /* --snat-addr; 0: the first address */
	enum xdp_mode mode;
	struct port_range range; /* lo 0: none given, see choose_ports() */
	const char *pin_path;	 /* NULL: NTS_PIN_ROOT/IFACE */
	bool keep;
	bool detach;
	struct nat_timeouts to;
	unsigned int phl_min_ttl;
	unsigned int gc_interval;
	struct nts_dp_sizes sizes;
	__u8 mapping;	/* enum nat_mapping */
	__u8 filtering; /* enum nat_filtering */
	bool syn_pass;
	bool hairpin;
	bool no_fastpath;
	const char *lan;
	const char *metrics; /* --metrics ADDR:PORT, or NULL */
	const char *state_dir; /* --state-dir DIR, or NULL */
	/* -k and --inner-key files: loaded at start, again on SIGHUP */
	const char *key_files[KEY_FILES_MAX];
	unsigned int nkey_files;
	const char *inner_files[KEY_FILES_MAX];
	unsigned int ninner_files;
	struct nego_config nego;
	/* whom registrations are learnt from (include/nts/phl.h) */
	struct nts_ddns_server ddns[NTS_DDNS_MAX];
	unsigned int nddns;
	struct nts_ddns6_server ddns6[NTS_DDNS_MAX]; /* --ddns-server6 */
	unsigned int nddns6;
	char zones[PHL_ZONES_MAX][PHL_NAME_MAX];
	unsigned int nzones;
	unsigned int names_per_host;
	struct nts_cidr4 nts[NTS_SERVERS_MAX]; /* --nts-server */
	unsigned int nnts;
	/* --lan-prefix: the IPv6 firewall's inside prefixes; none: --lan's */
	struct nts_cidr6 prefix6[NTS_PREFIX6_MAX];
	unsigned int nprefix6;
	int verbose;
};

/* Zero the host bits of @c, as config6 holds prefixes. */
static inline void cidr6_clear_host(struct nts_cidr6 *c)
{
	__u8 *b = (__u8 *)c->net.a;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		int keep = (int)c->len - 8 * (int)i;

		if (keep <= 0)
			b[i] = 0;
		else if (keep < 8)
			b[i] &= (__u8)(0xff << (8 - keep));
	}
}

/* RFC 4787's names, in the order of enum nat_mapping / nat_filtering. */
extern const char *const ntsload_mappings[];
extern const char *const ntsload_filterings[];

/* nts_lan_in goes on --lan: for hairpinning, the fast path, or both. */
static inline bool ntsload_lan_on(const struct ntsload_cfg *c)
{
	return c->lan && (c->hairpin || !c->no_fastpath);
}

static inline bool ntsload_fastpath(const struct ntsload_cfg *c)
{
	return c->lan && !c->no_fastpath;
}

/*
 * Fill @c from the command line. 0; 1 when --help was printed; -EINVAL
 * on bad usage (said on stderr).
 */
int ntsload_parse(struct ntsload_cfg *c, int argc, char **argv);

#endif /* NTSLOAD_CFG_H */
