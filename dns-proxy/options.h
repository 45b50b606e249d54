/* SPDX-License-Identifier: GPL-2.0 */
/* ntsdns's command line, into struct config (ntsdns.h). */
#ifndef NTSDNS_OPTIONS_H
#define NTSDNS_OPTIONS_H

#include "ntsdns.h"

/*
 * Fill @c from the command line and check it; the -z keys are not read
 * yet (config_zones). 0; 1 when --help was printed; -EINVAL on bad usage,
 * said on stderr.
 */
int config_parse(struct config *c, int argc, char **argv);
/* The zones of -z, with their keys, into c->zones. 0 or -errno (said). */
int config_zones(struct config *c);

#endif /* NTSDNS_OPTIONS_H */
