/* SPDX-License-Identifier: GPL-2.0 */
/* ntsctl: what the commands share. */
#ifndef NTSCTL_H
#define NTSCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "pin.h"

struct ctl {
	const char *ifname;
	const char *pin_opt;
	char pin_dir[PATH_MAX];
	bool json;
	struct nts_maps maps;
};

int usage_error(const char *cmd, const char *arg);
/* "a.b.c.d:port" */
void addr_port(char *buf, size_t len, __be32 addr, __be16 port);

int cmd_nat(struct ctl *c, int argc, char **argv);
int cmd_phl(struct ctl *c, int argc, char **argv);
int cmd_rc(struct ctl *c, int argc, char **argv);
int cmd_policy(struct ctl *c, int argc, char **argv);
int cmd_stats(struct ctl *c, int argc, char **argv);
int cmd_status(struct ctl *c, int argc, char **argv);

#endif /* NTSCTL_H */
