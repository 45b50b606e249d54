// SPDX-License-Identifier: GPL-2.0
/* ntsctl stats: the datapath counters. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "log.h"
#include "stats.h"
#include "ntsctl.h"

int cmd_stats(struct ctl *c, int argc, char **argv)
{
	__u64 v[NTS_STAT_MAX];
	int i, err;

	if (argc)
		return usage_error("stats", argv[0]);
	err = stats_read(c->maps.stats, v);
	if (err) {
		pr_err("cannot read the stats map: %s", strerror(-err));
		return err;
	}
	if (c->cfg.json)
		printf("{");
	for (i = 0; i < NTS_STAT_MAX; i++) {
		if (c->cfg.json)
			printf("%s\n \"%s\": %llu", i ? "," : "",
			       nts_stat_name[i], (unsigned long long)v[i]);
		else
			printf("%-16s %12llu  %s\n", nts_stat_name[i],
			       (unsigned long long)v[i], nts_stat_help[i]);
	}
	if (c->cfg.json)
		printf("\n}\n");
	return 0;
}
