/* SPDX-License-Identifier: GPL-2.0 */
/* ntsdns's counters in Prometheus' text exposition format (--metrics). */
#ifndef NTSDNS_METRICS_H
#define NTSDNS_METRICS_H

#include <stdio.h>

#include "ntsdns.h"

/*
 * nts_dns_NAME_total for each counter, the histogram
 * nts_dns_negotiation_seconds, the gauge nts_dns_workers.
 */
void counters_prometheus(FILE *f, const struct counters *c,
			 unsigned int workers);

#endif /* NTSDNS_METRICS_H */
