// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <linux/types.h>

#include "mapwalk.h"
#include "prom.h"
#include "stats.h"

void prom_label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void sample(FILE *f, const char *name, const char *iface,
		   const char *table, unsigned long long v)
{
	fprintf(f, "%s{iface=\"", name);
	prom_label(f, iface);
	if (table)
		fprintf(f, "\",table=\"%s", table);
	fprintf(f, "\"} %llu\n", v);
}

int prom_router(FILE *f, const struct nts_maps *m, const char *iface)
{
	__u32 n[NTS_TABLES], max[NTS_TABLES];
	__u64 v[NTS_STAT_MAX];
	char name[64];
	size_t i;
	int err;

	err = stats_read(m->stats, v);
	if (err)
		return err;
	for (i = 0; i < NTS_STAT_MAX; i++) {
		snprintf(name, sizeof(name), "nts_router_%s_total",
			 nts_stat_name[i]);
		fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name,
			nts_stat_help[i], name);
		sample(f, name, iface, NULL, v[i]);
	}
	for (i = 0; i < NTS_TABLES; i++)
		map_fill(nts_table_fd(m, i), &n[i], &max[i]);
	fputs("# HELP nts_table_entries Entries in the router's table.\n"
	      "# TYPE nts_table_entries gauge\n", f);
	for (i = 0; i < NTS_TABLES; i++)
		sample(f, "nts_table_entries", iface, nts_tables[i].name, n[i]);
	fputs("# HELP nts_table_capacity Entries the router's table can "
	      "hold.\n# TYPE nts_table_capacity gauge\n", f);
	for (i = 0; i < NTS_TABLES; i++)
		sample(f, "nts_table_capacity", iface, nts_tables[i].name,
		       max[i]);
	return 0;
}
