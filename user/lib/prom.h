/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The router's counters and tables in Prometheus' text exposition format,
 * for ntsctl stats --prometheus and ntsload --metrics alike.
 */
#ifndef NTS_PROM_H
#define NTS_PROM_H

#include <stdio.h>

#include "pin.h"

/*
 * Counters nts_router_NAME_total (the stats map: the datapath's and
 * ntsload's, # HELP from ntsctl stats), gauges nts_table_entries and
 * nts_table_capacity (label table), all labelled iface=@iface. Counting
 * a table's entries walks it. 0 or -errno (the stats map unreadable).
 */
int prom_router(FILE *f, const struct nts_maps *m, const char *iface);

/* A label's value as the format wants it: \\, \" and \n escaped. */
void prom_label(FILE *f, const char *s);

#endif /* NTS_PROM_H */
