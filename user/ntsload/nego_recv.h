/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NOTICE path, stage 1: the NTS-Nego socket, read in batches
 * (recvmmsg). Each datagram comes with the address of ours it was sent
 * to (IP_PKTINFO), which its answer leaves from; ICMP errors about what
 * we sent (IP_RECVERR: an inside host that is no NTS router) come along.
 */
#ifndef NTSLOAD_NEGO_RECV_H
#define NTSLOAD_NEGO_RECV_H

#include <linux/types.h>

#include "netdev.h"
#include "nego_path.h"

struct nego_recv {
	int fd;			      /* on the port of every address */
	const struct addr_set *addrs; /* the router's, kept by ntsload */
};

/* Listen on @port of every address. 0 or -errno (printed). */
int nego_recv_open(struct nego_recv *r, __u16 port,
		   const struct addr_set *addrs);
void nego_recv_close(struct nego_recv *r);
/*
 * Fill @b with what has arrived: up to NEGO_BATCH datagrams, and the
 * destinations ICMP errors were about. Returns b->n, 0 when nothing
 * more is waiting (or -errno: the socket failed, printed).
 */
int nego_recv_batch(struct nego_recv *r, struct nego_batch *b);

#endif /* NTSLOAD_NEGO_RECV_H */
