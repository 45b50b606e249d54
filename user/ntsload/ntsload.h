/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ntsload, the NTS router daemon: what its parts share. main.c runs them
 * in this order:
 *
 *   options.c  the command line, into struct ntsload_cfg (cfg.h)
 *   keyfiles.c the -k and --inner-key files, loaded; again on SIGHUP
 *   env.c      what the host must offer: capabilities, interfaces, a
 *              bpffs, ports outside ip_local_port_range
 *   addrs.c    the router's addresses: chosen at start, then followed
 *   pins.c     the pin directory: locked, checked, emptied
 *   config.c   the settings as the datapath reads them (config map)
 *   start.c    the datapath on (start) and off (stop, --detach)
 *   loop.c     the event loop: signals, NOTICEs, the tick
 */
#ifndef NTSLOAD_NTSLOAD_H
#define NTSLOAD_NTSLOAD_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

#include <nts/config.h>

#include "cfg.h"
#include "datapath.h"
#include "frags.h"
#include "housekeep.h"
#include "metrics.h"
#include "nego_server.h"
#include "netdev.h"
#include "phl_log.h"
#include "pin.h"
#include "ports.h"
#include "state.h"

/* The live state, made from cfg at start. */
struct ntsload {
	struct ntsload_cfg cfg; /* as parsed, not changed after */
	int ifindex;
	int lan_ifindex;
	struct addr_set addrs; /* the router's now, on IFACE */
	__be32 snat;	       /* source of outbound NAT: addrs.a[0] */
	struct port_range range;
	enum xdp_mode got_mode;
	char pin_dir[PATH_MAX];
	struct nego_server nego;
	struct frag_park frags;
	struct phl_log phl_log;
	struct housekeep hk;
	struct metrics metrics;
	struct state state;
	int lock_fd;
	__u32 qdisc_flags; /* NTS_CFG_OWN_QDISC_*: clsact qdiscs we made */
	int instance_fd;   /* our claim on IFACE (instance.c) */
	struct nts_datapath dp;
	struct nts_maps maps;
};

/* keyfiles.c */
int keyfiles_load(struct ntsload *l);
void keyfiles_reload(struct ntsload *l);

/* env.c */
int check_env(struct ntsload *l);
int choose_ports(struct ntsload *l);

/* addrs.c */
#define ADDRS_STRLEN (NTS_ADDRS_MAX * INET_ADDRSTRLEN)
const char *addrs_str(const struct addr_set *set, char *buf, size_t len);
int choose_addrs(struct ntsload *l);
/* IFACE's addresses now, unless --addr: the datapath told of a change. */
void addrs_follow(struct ntsload *l);

/* pins.c */
bool pins_exist(const char *dir);
int lock_pins(struct ntsload *l, bool create);
int check_pins(struct ntsload *l);
int unpin(struct ntsload *l);
/* A kept datapath's pinned config (all zero if there is none). */
struct nts_config kept_config(const char *pin_dir);

/* config.c */
int config_write(struct ntsload *l);
int zones_write(struct ntsload *l);
void say_registrations(const struct ntsload *l);

/* config6.c: the IPv6 firewall's config6 (include/nts/ip6.h) */
void config6_make(const struct ntsload *l, struct nts_config6 *c6);
int config6_write(const struct ntsload *l);
void say_fw6(const struct ntsload *l);

/* start.c */
int start(struct ntsload *l);
void stop(struct ntsload *l);
int do_detach(struct ntsload *l);

/* loop.c */
void signals(sigset_t *mask);
int run(struct ntsload *l);

#endif /* NTSLOAD_NTSLOAD_H */
