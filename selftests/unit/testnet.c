// SPDX-License-Identifier: GPL-2.0
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "testnet.h"

int testnet_setup(struct testnet *tn)
{
	static const char *const cmd =
		"ip link set lo up && "
		"ip link add wan0 type veth peer name wan1 && "
		"ip link set wan1 up && ip link set wan0 up && "
		"ip addr add 198.51.100.2/24 dev wan0 && "
		"ip link add lan0 type veth peer name lan1 && "
		"ip link set lan1 up && ip link set lan0 up && "
		"ip addr add 10.0.0.1/24 dev lan0 && "
		"ip neigh add 10.0.0.10 lladdr 02:00:00:00:00:0a dev lan0 "
		"nud permanent && "
		"ip neigh add 198.51.100.10 lladdr 02:00:00:00:00:64 dev wan0 "
		"nud permanent && sysctl -qw net.ipv4.ip_forward=1";
	int rc;

	if (unshare(CLONE_NEWNET)) {
		perror("unshare(CLONE_NEWNET) (run as root)");
		return -1;
	}
	rc = system(cmd);
	if (rc) {
		fprintf(stderr, "testnet: '%s' failed (%d)\n", cmd, rc);
		return -1;
	}
	tn->wan_ifindex = if_nametoindex("wan0");
	tn->lan_ifindex = if_nametoindex("lan0");
	return 0;
}
