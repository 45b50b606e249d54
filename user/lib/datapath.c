// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <nts/nat.h>

#include "nts_wan_in.skel.h"
#include "nts_wan_out.skel.h"
#include "nts_lan_in.skel.h"

#include "datapath.h"
#include "log.h"

static void unpin_all(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		bpf_map__set_pin_path(map, NULL);
}

/* Make @obj use the maps of @from that have the same name. */
static int share_maps(struct bpf_object *obj, struct bpf_object *from)
{
	struct bpf_map *map, *src;
	int err;

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__is_internal(map))
			continue;
		src = bpf_object__find_map_by_name(from, bpf_map__name(map));
		if (!src)
			continue;
		err = bpf_map__reuse_fd(map, bpf_map__fd(src));
		if (err)
			return err;
	}
	return 0;
}

static void load_error(const char *what, int err, const char *pin_dir)
{
	if (err == -EINVAL && pin_dir)
		pr_err("cannot load %s: %s. If the maps pinned in %s come from "
		       "another version, remove them with 'ntsload --detach'",
		       what, strerror(-err), pin_dir);
	else
		pr_err("the kernel refused %s: %s; run with -v to see the "
		       "verifier log",
		       what, strerror(-err));
}

/* Size @obj's map @name, if given and if @obj has it. */
static int set_size(struct bpf_object *obj, const char *name, __u32 n)
{
	struct bpf_map *map;

	if (!n)
		return 0;
	map = bpf_object__find_map_by_name(obj, name);
	return map ? bpf_map__set_max_entries(map, n) : 0;
}

/* max_entries of the map pinned at @dir/@name; 0 if there is none. */
static __u32 pinned_size(const char *dir, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[4096];
	int fd;

	if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, name) >=
			    (int)sizeof(path))
		return 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.max_entries = 0;
	close(fd);
	return info.max_entries;
}

/*
 * nat_bind: two bindings a flow, but no more than the external ports
 * can hold (with one address and 1M flows, a fifth of the memory).
 */
static __u32 binds_size(const struct nts_dp_sizes *sz, const char *pin_dir)
{
	__u64 n = 2ULL * sz->flows;
	__u64 cap = (__u64)NAT_BINDS_PER_ADDR * (sz->addrs ? sz->addrs : 1);
	__u32 pinned = pinned_size(pin_dir, "nat_bind");

	if (pinned)
		return pinned;
	return n < cap ? n : cap;
}

/*
 * Every object declares every shared map: all three get the same sizes,
 * or the second and third could not reuse the first one's maps.
 */
static int set_sizes(struct bpf_object *obj, const struct nts_dp_sizes *sz,
		     __u32 binds)
{
	int err;

	err = set_size(obj, "nat", 2 * sz->flows);
	if (!err && sz->flows)
		err = set_size(obj, "nat_bind", binds);
	if (!err)
		err = set_size(obj, "phl", sz->names);
	/* A host has at least one name: as many hosts as names. */
	if (!err)
		err = set_size(obj, "phl_hosts", sz->names);
	if (!err)
		err = set_size(obj, "phl6", sz->names);
	if (!err)
		err = set_size(obj, "phl6_hosts", sz->names);
	if (!err)
		err = set_size(obj, "rc", sz->rc);
	return err;
}

int nts_dp_load(struct nts_datapath *dp, const char *pin_dir)
{
	return nts_dp_load_sized(dp, pin_dir, NULL);
}

int nts_dp_load_sized(struct nts_datapath *dp, const char *pin_dir,
		      const struct nts_dp_sizes *sz)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_dir);
	int err;

	memset(dp, 0, sizeof(*dp));
	dp->in = nts_wan_in__open_opts(&opts);
	dp->out = nts_wan_out__open_opts(&opts);
	dp->lan = nts_lan_in__open_opts(&opts);
	if (!dp->in || !dp->out || !dp->lan) {
		err = -errno;
		pr_err("cannot open the BPF objects: %s", strerror(-err));
		goto fail;
	}
	if (!pin_dir) {
		unpin_all(dp->in->obj);
		unpin_all(dp->out->obj);
		unpin_all(dp->lan->obj);
	}
	if (sz) {
		__u32 binds = binds_size(sz, pin_dir);

		err = set_sizes(dp->in->obj, sz, binds);
		if (!err)
			err = set_sizes(dp->out->obj, sz, binds);
		if (!err)
			err = set_sizes(dp->lan->obj, sz, binds);
		if (err) {
			pr_err("cannot size the maps: %s", strerror(-err));
			goto fail;
		}
	}

	err = nts_wan_in__load(dp->in);
	if (err) {
		load_error("the XDP program nts_wan_in", err, pin_dir);
		goto fail;
	}
	/* With pins, the other objects find the first one's maps there. */
	if (!pin_dir) {
		err = share_maps(dp->out->obj, dp->in->obj);
		if (!err)
			err = share_maps(dp->lan->obj, dp->in->obj);
		if (err) {
			pr_err("cannot share maps: %s", strerror(-err));
			goto fail;
		}
	}
	err = nts_wan_out__load(dp->out);
	if (err) {
		load_error("the tc program nts_wan_out", err, pin_dir);
		goto fail;
	}
	err = nts_lan_in__load(dp->lan);
	if (err) {
		load_error("the tc program nts_lan_in", err, pin_dir);
		goto fail;
	}
	return 0;

fail:
	nts_dp_destroy(dp);
	return err;
}

void nts_dp_destroy(struct nts_datapath *dp)
{
	nts_lan_in__destroy(dp->lan);
	nts_wan_out__destroy(dp->out);
	nts_wan_in__destroy(dp->in);
	dp->in = NULL;
	dp->out = NULL;
	dp->lan = NULL;
}

int nts_dp_in_fd(const struct nts_datapath *dp)
{
	return bpf_program__fd(dp->in->progs.nts_wan_in);
}

int nts_dp_out_fd(const struct nts_datapath *dp)
{
	return bpf_program__fd(dp->out->progs.nts_wan_out);
}

int nts_dp_lan_fd(const struct nts_datapath *dp)
{
	return bpf_program__fd(dp->lan->progs.nts_lan_in);
}

int nts_dp_tx_ports_fd(const struct nts_datapath *dp)
{
	return bpf_map__fd(dp->in->maps.tx_ports);
}

int nts_dp_frag_events_fd(const struct nts_datapath *dp)
{
	return bpf_map__fd(dp->in->maps.frag_events);
}

#define NTS_MAP_FROM_SKEL(name) m->name = bpf_map__fd(dp->in->maps.name);
void nts_dp_maps(const struct nts_datapath *dp, struct nts_maps *m)
{
	NTS_MAPS(NTS_MAP_FROM_SKEL)
}

#define NTS_PIN_NAMES_MAX 32
static char pin_names[NTS_PIN_NAMES_MAX][BPF_OBJ_NAME_LEN];
static int npin_names = -1;

static void pin_name_add(const char *name)
{
	int i;

	for (i = 0; i < npin_names; i++)
		if (!strcmp(pin_names[i], name))
			return;
	if (npin_names < NTS_PIN_NAMES_MAX)
		snprintf(pin_names[npin_names++], BPF_OBJ_NAME_LEN, "%s", name);
}

/* The maps of @obj that libbpf pins by name (LIBBPF_PIN_BY_NAME). */
static void pin_names_of(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (bpf_map__pin_path(map))
			pin_name_add(bpf_map__name(map));
}

#define NTS_PIN_NAME_ADD(name) pin_name_add(#name);
/*
 * From the objects themselves, so that a map added to bpf/ is known here
 * without a list to keep in step; NTS_MAPS as well, should opening fail.
 */
static void pin_names_init(void)
{
	struct nts_wan_in *in = nts_wan_in__open();
	struct nts_wan_out *out = nts_wan_out__open();
	struct nts_lan_in *lan = nts_lan_in__open();

	npin_names = 0;
	NTS_MAPS(NTS_PIN_NAME_ADD)
	if (in)
		pin_names_of(in->obj);
	if (out)
		pin_names_of(out->obj);
	if (lan)
		pin_names_of(lan->obj);
	nts_lan_in__destroy(lan);
	nts_wan_out__destroy(out);
	nts_wan_in__destroy(in);
}

bool nts_dp_pins(const char *name)
{
	int i;

	if (npin_names < 0)
		pin_names_init();
	for (i = 0; i < npin_names; i++)
		if (!strcmp(pin_names[i], name))
			return true;
	return false;
}
