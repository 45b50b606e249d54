// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of each hook for make bench: parse Ethernet, IPv4 and L4 as
 * the datapath does, then pass. What the datapath costs beyond this is
 * what NAT and NTS cost.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#include "lib/parse.h"

SEC("xdp")
int floor_xdp(struct xdp_md *ctx)
{
	struct pkt p;

	pkt_parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &p);
	return XDP_PASS;
}

SEC("tc")
int floor_tc(struct __sk_buff *skb)
{
	struct pkt p;

	pkt_parse((void *)(long)skb->data, (void *)(long)skb->data_end, &p);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
