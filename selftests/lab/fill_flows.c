// SPDX-License-Identifier: GPL-2.0
/*
 * fill_flows: put N idle UDP flows into the NAT table pinned in DIR, as
 * the datapath would have made them (an OUT and an IN entry each), so
 * that a lab test can see ntsload's expiry pass work through a large
 * table. The flows are one inside host's, to 64 remotes, last used
 * IDLE seconds ago. Prints how many flows went in.
 *
 *   fill_flows DIR N IDLE
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include <nts/config.h>
#include <nts/nat.h>

#include "pin.h"

#define BATCH 65536

int main(int argc, char **argv)
{
	struct nat_key *keys = calloc(BATCH, sizeof(*keys));
	struct nat_entry *vals = calloc(BATCH, sizeof(*vals));
	struct nts_config cfg;
	struct timespec ts;
	unsigned long n, idle, done = 0;
	struct nts_maps m;
	__u32 k = 0, cnt;
	__u64 last;

	if (argc != 4 || !keys || !vals) {
		fprintf(stderr, "usage: fill_flows DIR N IDLE\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 10);
	idle = strtoul(argv[3], NULL, 10);
	if (nts_maps_open(&m, argv[1]) ||
	    bpf_map_lookup_elem(m.config, &k, &cfg))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	last = (ts.tv_sec - idle) * 1000000000ULL;

	while (done < n) {
		for (cnt = 0; cnt + 2 <= BATCH && done < n; done++) {
			__be32 inside = htonl(0x0a000064);	/* 10.0.0.100 */
			__be32 remote = htonl(0xc6336400 | (done % 64 + 128));
			__be16 port = htons(1024 + done / 64);

			keys[cnt] = (struct nat_key){
				.saddr = inside, .daddr = remote,
				.sport = port, .dport = htons(9),
				.proto = IPPROTO_UDP, .dir = NAT_DIR_OUT,
			};
			vals[cnt++] = (struct nat_entry){
				.addr = cfg.wan_addr, .port = port,
				.seen = NAT_SEEN_PKT, .origin = NAT_ORIGIN_OUT,
				.created_ns = last, .last_ns = last,
			};
			keys[cnt] = (struct nat_key){
				.saddr = remote, .daddr = cfg.wan_addr,
				.sport = htons(9), .dport = port,
				.proto = IPPROTO_UDP, .dir = NAT_DIR_IN,
			};
			vals[cnt++] = (struct nat_entry){
				.addr = inside, .port = port,
				.seen = NAT_SEEN_PKT, .origin = NAT_ORIGIN_OUT,
				.created_ns = last, .last_ns = last,
			};
		}
		if (bpf_map_update_batch(m.nat, keys, vals, &cnt, NULL)) {
			fprintf(stderr, "fill_flows: nat: %s\n", strerror(errno));
			return 1;
		}
	}
	printf("%lu\n", done);
	nts_maps_close(&m);
	free(keys);
	free(vals);
	return 0;
}
