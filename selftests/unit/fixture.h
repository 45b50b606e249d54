/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The datapath under test: both programs loaded once, with private maps,
 * run with BPF_PROG_TEST_RUN; tables cleared before every test.
 */
#ifndef NTS_TEST_FIXTURE_H
#define NTS_TEST_FIXTURE_H

#include <linux/types.h>
#include <nts/stats.h>

#include "datapath.h"
#include "pin.h"
#include "pkt.h"
#include "testnet.h"

#define T_PHL_MIN_TTL 600
#define T_PHL_QUOTA   4
#define T_PORT_LO 1024
#define T_PORT_HI 32767

struct fixture {
	struct nts_datapath dp;
	struct nts_maps maps;
	int tx_ports;
	int wan_ifindex;
	int lan_ifindex;
};

extern struct fixture fx;

int fixture_setup(void);
void fixture_reset(void);
void fixture_teardown(void);

/* Set the NAT port range (and everything else to the defaults). */
void fixture_config(__u16 lo, __u16 hi);
/* Mark a port as used by one of the router's own sockets. */
void fixture_reserve(__u8 proto, __u16 port);
__u64 fixture_stat(enum nts_stat id);

/*
 * Run a frame through tc egress / XDP ingress. The frame is replaced by
 * what the program made of it; returns the program's verdict.
 */
int run_out(void *frame, size_t *len);
int run_in(void *frame, size_t *len);
/* tc ingress on lan0 (nts_lan_in); run_out_from: as if it came in @iif. */
int run_lan(void *frame, size_t *len);
/* run_lan for a GSO skb of @gso_size-byte segments. */
int run_lan_gso(void *frame, size_t *len, __u32 gso_size);
int run_out_from(void *frame, size_t *len, int iif);
/* Add @flags (enum nts_cfg_flags) to the config; lan0 is the LAN. */
void fixture_flags(__u32 flags);

/* Build @s, send it out, return the verdict; @info describes the result. */
int send_out(const struct pkt_spec *s, struct pkt_info *info);
int send_in(const struct pkt_spec *s, struct pkt_info *info);
int send_lan(const struct pkt_spec *s, struct pkt_info *info);

#endif /* NTS_TEST_FIXTURE_H */
