/* SPDX-License-Identifier: GPL-2.0 */
/* ntsctl: what the commands share. */
#ifndef NTSCTL_H
#define NTSCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "pin.h"

/* What the command line says (ntsctl.c's option table). */
struct ctl_cfg {
	const char *ifname;   /* -i */
	const char *pin_path; /* -P */
	bool json;
	bool prometheus;
	unsigned int delta; /* --delta SEC: what moved in SEC seconds */
};

struct ctl {
	struct ctl_cfg cfg;
	const char *ifname; /* -i, or the only one there is */
	char pin_dir[PATH_MAX];
	struct nts_maps maps;
};

int usage_error(const char *cmd, const char *arg);
/* "a.b.c.d:port" */
void addr_port(char *buf, size_t len, __be32 addr, __be16 port);

/* nat6.c: the IPv6 flows; the number printed, or -errno */
int nat6_print(struct ctl *c, bool json, bool first);
/* rc6.c, phl6.c: the IPv6 entries, as nat6_print() */
int rc6_print(struct ctl *c, bool json, bool first);
/* ntsctl rc's USED column: "no", "yes", or "yes, of a /24" (RC_F_PREFIX). */
void rc_used(char *buf, size_t len, __u32 flags, __u64 first_use,
	     bool network);
int phl6_print(struct ctl *c, bool json, bool first);
int cmd_nat(struct ctl *c, int argc, char **argv);
int cmd_phl(struct ctl *c, int argc, char **argv);
int cmd_rc(struct ctl *c, int argc, char **argv);
int cmd_policy(struct ctl *c, int argc, char **argv);
int cmd_stats(struct ctl *c, int argc, char **argv);
int cmd_status(struct ctl *c, int argc, char **argv);

#endif /* NTSCTL_H */
