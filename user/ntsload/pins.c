// SPDX-License-Identifier: GPL-2.0
/*
 * The pin directory: one ntsload holds it (a lock on the directory), it
 * holds nothing but ntsload's maps, and only those are ever removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <bpf/bpf.h>

#include "fmt.h"
#include "log.h"
#include "ntsload.h"

/* Pins from an earlier run hold live flows: never remove those on error. */
bool pins_exist(const char *dir)
{
	char path[PATH_MAX + sizeof("/nat")];

	snprintf(path, sizeof(path), "%s/nat", dir);
	return !access(path, F_OK);
}

/* One ntsload per pin directory: hold a lock on the directory itself. */
int lock_pins(struct ntsload *l, bool create)
{
	int err;

	if (create) {
		err = nts_pin_mkdir(l->pin_dir);
		if (err) {
			pr_err("cannot create %s: %s", l->pin_dir,
			       strerror(-err));
			return err;
		}
	}
	l->lock_fd = open(l->pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->lock_fd < 0)
		return -errno;
	if (flock(l->lock_fd, LOCK_EX | LOCK_NB)) {
		pr_err("another ntsload is running on %s (maps in %s); stop "
		       "it first",
		       l->cfg.ifname, l->pin_dir);
		close(l->lock_fd);
		l->lock_fd = -1;
		return -EBUSY;
	}
	return 0;
}

/*
 * Remove our pins and, if nothing else is there, the directory. Others'
 * pins in a shared --pin-path are theirs: left, and said so.
 */
int unpin(struct ntsload *l)
{
	/* Names somebody else chose: escaped for the log. */
	char other[256], name[4 * sizeof(other)];
	int err;

	err = nts_pin_remove(l->pin_dir, nts_dp_pins);
	if (err) {
		pr_err("cannot remove the maps pinned in %s: %s", l->pin_dir,
		       strerror(-err));
		return err;
	}
	if (nts_pin_foreign(l->pin_dir, nts_dp_pins, other, sizeof(other)) > 0)
		pr_info("left %s in place: it holds %s, which is not one of "
			"ntsload's maps",
			l->pin_dir, fmt_escape(name, sizeof(name), other,
					       sizeof(other)));
	return 0;
}

/* A pin directory ntsload shares with somebody else's pins: not ours. */
int check_pins(struct ntsload *l)
{
	char other[256], name[4 * sizeof(other)];
	int err;

	err = nts_pin_foreign(l->pin_dir, nts_dp_pins, other, sizeof(other));
	if (err < 0) {
		pr_err("cannot read %s: %s", l->pin_dir, strerror(-err));
		return err;
	}
	if (err > 0) {
		pr_err("%s holds %s, which is not one of ntsload's maps; give "
		       "ntsload a directory of its own (--pin-path DIR)",
		       l->pin_dir,
		       fmt_escape(name, sizeof(name), other, sizeof(other)));
		return -EEXIST;
	}
	return 0;
}

struct nts_config kept_config(const char *pin_dir)
{
	struct nts_maps m;
	struct nts_config cfg = {};
	__u32 k = 0;

	if (nts_maps_open_quiet(&m, pin_dir))
		return cfg;
	bpf_map_lookup_elem(m.config, &k, &cfg);
	nts_maps_close(&m);
	return cfg;
}
