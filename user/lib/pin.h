/* SPDX-License-Identifier: GPL-2.0 */
/* Where the datapath's maps are pinned, and opening them. */
#ifndef NTS_PIN_H
#define NTS_PIN_H

#include <stdbool.h>
#include <stddef.h>

#define NTS_BPFFS	"/sys/fs/bpf"
#define NTS_PIN_ROOT	NTS_BPFFS "/nts"

/* Every map the datapath pins, by its pinned name. */
#define NTS_MAPS(X)                                                            \
	X(config) X(nat) X(nat_bind) X(ports_used) X(stats) X(phl) X(phl_pending)  \
	X(rc) X(frags) X(policy) X(phl_zones) X(phl_hosts) X(phl_events)     \
	X(config6) X(fw6) X(rc6) X(phl6) X(phl6_pending) X(phl6_hosts)   \
	X(rc_prefix) X(rc6_prefix)

#define NTS_MAP_FD(name) int name;
struct nts_maps {
	NTS_MAPS(NTS_MAP_FD)
};
#undef NTS_MAP_FD

/* The tables whose fill ntsctl status and the metrics show. */
struct nts_table {
	const char *name;
	size_t off; /* of its fd in struct nts_maps */
};
#define NTS_TABLES 5
extern const struct nts_table nts_tables[NTS_TABLES];

static inline int nts_table_fd(const struct nts_maps *m, size_t i)
{
	return *(const int *)((const char *)m + nts_tables[i].off);
}

/* DIR if given, else NTS_PIN_ROOT/IFNAME. Returns 0 or -ENAMETOOLONG. */
int nts_pin_dir(char *buf, size_t len, const char *dir, const char *ifname);

/* 0 if @dir is, or would be created, on a BPF file system; else -errno. */
int nts_bpffs_check(const char *dir);

/* mkdir -p on bpffs. */
int nts_pin_mkdir(const char *dir);

/*
 * Unpin the objects of @dir that @ours says are ours, and remove @dir if
 * nothing else is left in it. 0 or -errno.
 */
int nts_pin_remove(const char *dir, bool (*ours)(const char *name));

/*
 * Is there something in @dir that @ours does not know? 1 (its name in
 * @name), 0 (no, or no @dir), or -errno.
 */
int nts_pin_foreign(const char *dir, bool (*ours)(const char *name),
		    char *name, size_t len);

/* Open the pinned maps in @dir; prints what is missing. 0 or -errno. */
int nts_maps_open(struct nts_maps *m, const char *dir);
/* The same, silently. */
int nts_maps_open_quiet(struct nts_maps *m, const char *dir);
void nts_maps_close(struct nts_maps *m);

#endif /* NTS_PIN_H */
