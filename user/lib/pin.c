// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "log.h"
#include "pin.h"

const struct nts_table nts_tables[NTS_TABLES] = {
	{ "nat", offsetof(struct nts_maps, nat) },
	{ "nat_bind", offsetof(struct nts_maps, nat_bind) },
	{ "phl", offsetof(struct nts_maps, phl) },
	{ "rc", offsetof(struct nts_maps, rc) },
	{ "frags", offsetof(struct nts_maps, frags) },
};

int nts_pin_dir(char *buf, size_t len, const char *dir, const char *ifname)
{
	int n;

	if (dir)
		n = snprintf(buf, len, "%s", dir);
	else
		n = snprintf(buf, len, "%s/%s", NTS_PIN_ROOT, ifname);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int nts_bpffs_check(const char *dir)
{
	char path[PATH_MAX];
	struct statfs st;
	char *slash;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	/* The nearest ancestor that exists tells the file system. */
	while (statfs(path, &st)) {
		if (errno != ENOENT)
			return -errno;
		slash = strrchr(path, '/');
		if (!slash)
			return -ENOENT;
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	return st.f_type == BPF_FS_MAGIC ? 0 : -ENOTSUP;
}

int nts_pin_mkdir(const char *dir)
{
	char path[PATH_MAX];
	char *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* An entry of @dir that isn't ours (or is no file); 1 if found, 0, -errno. */
int nts_pin_foreign(const char *dir, bool (*ours)(const char *name),
		    char *name, size_t len)
{
	struct dirent *de;
	int found = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!found && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type == DT_REG && ours(de->d_name))
			continue;
		snprintf(name, len, "%s", de->d_name);
		found = 1;
	}
	closedir(d);
	return found;
}

int nts_pin_remove(const char *dir, bool (*ours)(const char *name))
{
	char path[PATH_MAX];
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		/* Pins on bpffs are DT_REG; a directory is nobody's we know. */
		if (de->d_type != DT_REG || !ours(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) && errno != ENOENT)
			err = -errno;
	}
	closedir(d);
	/* Others' pins keep the directory: it is theirs as much as ours. */
	if (rmdir(dir) && errno != ENOENT && errno != ENOTEMPTY &&
	    errno != EEXIST)
		err = -errno;
	return err;
}

static int map_open(const char *dir, const char *name, bool quiet)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0 && !quiet)
		pr_err("cannot open pinned map %s: %s", path, strerror(errno));
	return fd;
}

#define NTS_MAP_ENTRY(name) { &m->name, #name },
#define NTS_MAP_TABLE(m)                                                       \
	struct {                                                               \
		int *fd;                                                       \
		const char *name;                                              \
	} maps[] = { NTS_MAPS(NTS_MAP_ENTRY) }

static int maps_open(struct nts_maps *m, const char *dir, bool quiet)
{
	NTS_MAP_TABLE(m);
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
		*maps[i].fd = -1;
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		*maps[i].fd = map_open(dir, maps[i].name, quiet);
		if (*maps[i].fd < 0) {
			nts_maps_close(m);
			return -ENOENT;
		}
	}
	return 0;
}

int nts_maps_open(struct nts_maps *m, const char *dir)
{
	return maps_open(m, dir, false);
}

int nts_maps_open_quiet(struct nts_maps *m, const char *dir)
{
	return maps_open(m, dir, true);
}

void nts_maps_close(struct nts_maps *m)
{
	NTS_MAP_TABLE(m);
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		if (*maps[i].fd >= 0)
			close(*maps[i].fd);
		*maps[i].fd = -1;
	}
}
