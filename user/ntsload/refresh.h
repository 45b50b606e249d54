/* SPDX-License-Identifier: GPL-2.0 */
/* Keeping the datapath's view of the router up to date. */
#ifndef NTSLOAD_REFRESH_H
#define NTSLOAD_REFRESH_H

#include <stdbool.h>
#include <linux/types.h>

#include "netdev.h"
#include "pin.h"

/* Ports of the router's own sockets into `ports_used`. 0 or -errno. */
int ports_refresh(const struct nts_maps *maps, const struct addr_set *addrs,
		  __u16 nego_port);

/*
 * The interfaces XDP may redirect to into `tx_ports`: every one in generic
 * mode, those that accept redirected frames in native mode.
 */
int tx_ports_refresh(int tx_ports_fd, int wan_ifindex, bool generic);

#endif /* NTSLOAD_REFRESH_H */
