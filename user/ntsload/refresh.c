// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <bpf/bpf.h>

#include "log.h"
#include "netdev.h"
#include "ports.h"
#include "refresh.h"

int ports_refresh(const struct nts_maps *maps, const struct addr_set *addrs,
		  __u16 nego_port)
{
	struct nts_ports *used;
	__u32 k;
	int err;

	used = calloc(NTS_PORTS_MAX, sizeof(*used));
	if (!used)
		return -ENOMEM;
	err = ports_scan(used, addrs);
	if (!err) {
		/* Ours even before the NTS-Nego socket is bound. */
		ports_set(&used[NTS_PORTS_UDP], nego_port);
		for (k = 0; k < NTS_PORTS_MAX && !err; k++)
			if (bpf_map_update_elem(maps->ports_used, &k, &used[k],
						BPF_ANY))
				err = -errno;
	}
	free(used);
	return err;
}

static bool redirect_ok(int ifindex, bool generic)
{
	bool capable = false;

	/* Generic XDP hands the skb to the device's ordinary xmit. */
	if (generic)
		return true;
	return !netdev_xdp_ndo_xmit(ifindex, &capable) && capable;
}

int tx_ports_refresh(int fd, int wan_ifindex, bool generic)
{
	struct if_nameindex *ifs, *i;
	__u32 key, val, idx;
	bool want, have;
	int err = 0;

	ifs = if_nameindex();
	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++) {
		idx = i->if_index;
		if ((int)idx == wan_ifindex || !strcmp(i->if_name, "lo"))
			continue;
		want = redirect_ok(idx, generic);
		have = !bpf_map_lookup_elem(fd, &idx, &val);
		if (want == have)
			continue;
		if (want && bpf_map_update_elem(fd, &idx, &idx,
						BPF_ANY))
			err = -errno;
		else if (!want)
			bpf_map_delete_elem(fd, &idx);
		pr_info("XDP redirect to %s: %s", i->if_name,
			want ? "on" : "off (the stack forwards)");
	}

	/* Forget interfaces that are gone. */
	if (!bpf_map_get_next_key(fd, NULL, &key)) {
		do {
			char name[IF_NAMESIZE];

			if (!if_indextoname(key, name))
				bpf_map_delete_elem(fd, &key);
		} while (!bpf_map_get_next_key(fd, &key, &key));
	}
	if_freenameindex(ifs);
	return err;
}
