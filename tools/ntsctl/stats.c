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
#include "ntsctl.h"
#include "prom.h"
#include "stats.h"

/* The interface: -i, or the pin directory's name (NTS_PIN_ROOT/IFACE). */
static const char *iface_of(const struct ctl *c)
{
	const char *slash = strrchr(c->pin_dir, '/');

	return c->ifname ? c->ifname : slash ? slash + 1 : c->pin_dir;
}

/*
 * For the textfile collector: written to a temporary file beside @path,
 * synced, and renamed over it, so that a scrape never reads half of it.
 */
static int prometheus_file(const struct ctl *c, const char *path)
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
	err = prom_router(f, &c->maps, iface_of(c));
	if (!err && (fflush(f) || fsync(fd)))
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

/* The counters that move in --delta seconds: by how much, and per second. */
static int delta(struct ctl *c)
{
	__u64 a[NTS_STAT_MAX], b[NTS_STAT_MAX];
	unsigned int sec = c->cfg.delta;
	int i, err, moved = 0;

	err = stats_read(c->maps.stats, a);
	if (!err) {
		sleep(sec);
		err = stats_read(c->maps.stats, b);
	}
	if (err) {
		pr_err("cannot read the stats map: %s", strerror(-err));
		return err;
	}
	if (c->cfg.json)
		printf("{\"seconds\": %u, \"moved\": {", sec);
	for (i = 0; i < NTS_STAT_MAX; i++) {
		unsigned long long d = b[i] - a[i];

		if (!d)
			continue;
		if (c->cfg.json)
			printf("%s\n \"%s\": %llu", moved ? "," : "",
			       nts_stat_name[i], d);
		else
			printf("%-20s %+12lld %10.1f/s  %s\n", nts_stat_name[i],
			       (long long)d, (double)d / sec, nts_stat_help[i]);
		moved++;
	}
	if (c->cfg.json)
		printf("%s}}\n", moved ? "\n" : "");
	else if (!moved)
		printf("nothing moved in %u s\n", sec);
	return 0;
}

int cmd_stats(struct ctl *c, int argc, char **argv)
{
	bool prom = c->cfg.prometheus;
	const char *file = prom && argc ? argv[0] : NULL;
	__u64 v[NTS_STAT_MAX];
	int i, err;

	if (argc > (prom ? 1 : 0))
		return usage_error("stats", argv[prom ? 1 : 0]);
	if (prom && c->cfg.delta) {
		pr_err("--delta and --prometheus: one or the other");
		return -EINVAL;
	}
	if (c->cfg.delta)
		return argc ? usage_error("stats", argv[0]) : delta(c);
	if (prom && file)
		return prometheus_file(c, file);
	if (prom)
		err = prom_router(stdout, &c->maps, iface_of(c));
	else
		err = stats_read(c->maps.stats, v);
	if (err) {
		pr_err("cannot read the stats map: %s", strerror(-err));
		return err;
	}
	if (prom)
		return 0;
	if (c->cfg.json)
		printf("{");
	for (i = 0; i < NTS_STAT_MAX; i++) {
		if (c->cfg.json)
			printf("%s\n \"%s\": %llu", i ? "," : "",
			       nts_stat_name[i], (unsigned long long)v[i]);
		else
			printf("%-20s %12llu  %s\n", nts_stat_name[i],
			       (unsigned long long)v[i], nts_stat_help[i]);
	}
	if (c->cfg.json)
		printf("\n}\n");
	return 0;
}
