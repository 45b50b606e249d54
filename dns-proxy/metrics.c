// SPDX-License-Identifier: GPL-2.0
#include "metrics.h"

void counters_prometheus(FILE *f, const struct counters *c,
			 unsigned int workers)
{
	static const unsigned int bound[] = NEGO_HIST_BOUNDS;
	unsigned long long cum = 0;
	unsigned int i;

#define PROM_ONE(name, help)                                                  \
	fprintf(f, "# HELP nts_dns_" #name "_total " help ".\n"               \
		   "# TYPE nts_dns_" #name "_total counter\n"                  \
		   "nts_dns_" #name "_total %llu\n", c->name);
	NTSDNS_COUNTERS(PROM_ONE)
#undef PROM_ONE
	fputs("# HELP nts_dns_negotiation_seconds From a NOTICE sent to the "
	      "router's verdict (or the timeout), per router.\n"
	      "# TYPE nts_dns_negotiation_seconds histogram\n", f);
	for (i = 0; i < NEGO_HIST_N; i++) {
		cum += c->nego_hist[i];
		if (i < NEGO_HIST_N - 1)
			fprintf(f, "nts_dns_negotiation_seconds_bucket"
				   "{le=\"%g\"} %llu\n", bound[i] / 1000.0, cum);
		else
			fprintf(f, "nts_dns_negotiation_seconds_bucket"
				   "{le=\"+Inf\"} %llu\n", cum);
	}
	fprintf(f, "nts_dns_negotiation_seconds_sum %g\n"
		   "nts_dns_negotiation_seconds_count %llu\n",
		c->nego_ms_sum / 1000.0, cum);
	fprintf(f, "# HELP nts_dns_workers Worker threads (--threads).\n"
		   "# TYPE nts_dns_workers gauge\nnts_dns_workers %u\n",
		workers);
}
