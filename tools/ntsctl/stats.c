// SPDX-License-Identifier: GPL-2.0
/*
 * ntsctl stats: the datapath counters, as a table, JSON, or Prometheus'
 * text exposition format (for node_exporter's textfile collector).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "log.h"
#include "mapwalk.h"
#include "stats.h"
#include "ntsctl.h"

/* The tables whose fill ntsctl status and the gauges show. */
const struct ctl_table ctl_tables[CTL_NTABLES] = {
	{ "nat", offsetof(struct nts_maps, nat) },
	{ "nat_bind", offsetof(struct nts_maps, nat_bind) },
	{ "phl", offsetof(struct nts_maps, phl) },
	{ "rc", offsetof(struct nts_maps, rc) },
	{ "frags", offsetof(struct nts_maps, frags) },
};

/* A label value as the exposition format wants it: \\, \" and \n escaped. */
static void label_value(FILE *f, const char *s)
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

/*
 * Names nts_router_NAME_total for the counters of the stats map (the
 * datapath's and ntsload's; the help text of ntsctl stats), nts_table_entries and nts_table_capacity for the
 * tables, each labelled with the interface (the pin directory's name).
 */
static void prometheus(FILE *f, const struct ctl *c, const __u64 *v)
{
	const char *slash = strrchr(c->pin_dir, '/');
	const char *iface = c->ifname ? c->ifname :
					slash ? slash + 1 : c->pin_dir;
	__u32 n[CTL_NTABLES], max[CTL_NTABLES];
	size_t i;

	for (i = 0; i < NTS_STAT_MAX; i++) {
		fprintf(f, "# HELP nts_router_%s_total %s\n", nts_stat_name[i],
			nts_stat_help[i]);
		fprintf(f, "# TYPE nts_router_%s_total counter\n",
			nts_stat_name[i]);
		fprintf(f, "nts_router_%s_total{iface=\"", nts_stat_name[i]);
		label_value(f, iface);
		fprintf(f, "\"} %llu\n", (unsigned long long)v[i]);
	}
	for (i = 0; i < CTL_NTABLES; i++)
		map_fill(*(const int *)((const char *)&c->maps + ctl_tables[i].off),
			 &n[i], &max[i]);
	fputs("# HELP nts_table_entries Entries in the router's table.\n"
	      "# TYPE nts_table_entries gauge\n", f);
	for (i = 0; i < CTL_NTABLES; i++) {
		fputs("nts_table_entries{iface=\"", f);
		label_value(f, iface);
		fprintf(f, "\",table=\"%s\"} %u\n", ctl_tables[i].name, n[i]);
	}
	fputs("# HELP nts_table_capacity Entries the router's table can "
	      "hold.\n# TYPE nts_table_capacity gauge\n", f);
	for (i = 0; i < CTL_NTABLES; i++) {
		fputs("nts_table_capacity{iface=\"", f);
		label_value(f, iface);
		fprintf(f, "\",table=\"%s\"} %u\n", ctl_tables[i].name, max[i]);
	}
}

/*
 * For the textfile collector: written to a temporary file beside @path,
 * synced, and renamed over it, so that a scrape never reads half of it.
 */
static int prometheus_file(const struct ctl *c, const __u64 *v,
			   const char *path)
{
	char tmp[4096];
	FILE *f;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		err = -errno;
		pr_err("cannot write %s: %s (is its directory there and "
		       "writable?)", tmp, strerror(-err));
		if (fd >= 0)
			close(fd);
		return err;
	}
	prometheus(f, c, v);
	if (fflush(f) || fsync(fd))
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		pr_err("cannot write %s: %s", path, strerror(-err));
		unlink(tmp);
	}
	return err;
}

int cmd_stats(struct ctl *c, int argc, char **argv)
{
	bool prom = c->cfg.prometheus;
	const char *file = prom && argc ? argv[0] : NULL;
	__u64 v[NTS_STAT_MAX];
	int i, err;

	if (argc > (prom ? 1 : 0))
		return usage_error("stats", argv[prom ? 1 : 0]);
	err = stats_read(c->maps.stats, v);
	if (err) {
		pr_err("cannot read the stats map: %s", strerror(-err));
		return err;
	}
	if (prom) {
		if (file)
			return prometheus_file(c, v, file);
		prometheus(stdout, c, v);
		return 0;
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
