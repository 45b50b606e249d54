/* SPDX-License-Identifier: GPL-2.0 */
/* Opening and loading the two datapath programs with shared maps. */
#ifndef NTS_DATAPATH_H
#define NTS_DATAPATH_H

#include <stdbool.h>

#include "pin.h"

struct nts_wan_in;
struct nts_wan_out;
struct nts_lan_in;

struct nts_datapath {
	struct nts_wan_in *in;		/* XDP, WAN ingress */
	struct nts_wan_out *out;	/* tc, WAN egress */
	struct nts_lan_in *lan;		/* tc, LAN ingress: hairpin */
};

/*
 * Open and load the three objects. With @pin_dir their maps are pinned there,
 * and maps already pinned there are reused; with NULL the maps are private
 * to this process (unit tests). Returns 0 or -errno; messages are printed.
 */
int nts_dp_load(struct nts_datapath *dp, const char *pin_dir);

/* Table sizes; 0 keeps the default (include/nts/nat.h, phl.h, rc.h). */
struct nts_dp_sizes {
	unsigned int flows;	/* NAT flows: nat gets 2 entries each */
	unsigned int addrs;	/* global addresses: with flows, nat_bind's
				 * size (2 a flow, at most
				 * NAT_BINDS_PER_ADDR an address); 0: 1 */
	unsigned int names;	/* PHL entries */
	unsigned int rc;	/* request cache entries */
};

/*
 * nts_dp_load with tables of @sz (NULL: the defaults). A nat_bind pinned
 * already keeps its size (it depends on the addresses, which may have
 * changed since); any other pinned map of another size is refused.
 */
int nts_dp_load_sized(struct nts_datapath *dp, const char *pin_dir,
		      const struct nts_dp_sizes *sz);
void nts_dp_destroy(struct nts_datapath *dp);

int nts_dp_in_fd(const struct nts_datapath *dp);
int nts_dp_out_fd(const struct nts_datapath *dp);
int nts_dp_lan_fd(const struct nts_datapath *dp);
int nts_dp_tx_ports_fd(const struct nts_datapath *dp);
int nts_dp_frag_events_fd(const struct nts_datapath *dp);

/* The map fds of a loaded datapath (owned by it, not to be closed). */
void nts_dp_maps(const struct nts_datapath *dp, struct nts_maps *m);

/*
 * Is @name one of the maps the datapath pins? What ntsload may remove
 * from a pin directory, and all it expects to find there.
 */
bool nts_dp_pins(const char *name);

#endif /* NTS_DATAPATH_H */
