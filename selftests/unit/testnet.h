/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network the unit tests and the datapath bench run the programs in:
 * a private network namespace with a WAN and a LAN device, routes, and a
 * permanent neighbours for alice and remote, so that bpf_fib_lookup() can succeed.
 */
#ifndef NTS_TESTNET_H
#define NTS_TESTNET_H

#include "pkt.h"

/* The test network: WAN 198.51.100.2/24 on wan0, 10.0.0.1/24 on lan0. */
#define T_WAN	  IP4(198, 51, 100, 2)
#define T_REMOTE  IP4(198, 51, 100, 10)
#define T_REMOTE2 IP4(198, 51, 100, 20)
#define T_DDNS	  IP4(198, 51, 100, 54)
#define T_ALICE	  IP4(10, 0, 0, 10)
#define T_BOB	  IP4(10, 0, 0, 11)
/* alice's MAC on lan0, a permanent neighbour */
#define T_ALICE_MAC "\x02\x00\x00\x00\x00\x0a"
/* remote's MAC on wan0, a permanent neighbour too */
#define T_REMOTE_MAC "\x02\x00\x00\x00\x00\x64"

struct testnet {
	int wan_ifindex;
	int lan_ifindex;
};

/* Enter a new network namespace and build it there. 0 or -1 (printed). */
int testnet_setup(struct testnet *tn);

#endif /* NTS_TESTNET_H */
