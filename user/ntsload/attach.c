// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "log.h"
#include "netdev.h"

#define XDP_PROG_NAME "nts_wan_in"

static const struct {
	enum bpf_tc_attach_point point;
	const char *name;	/* the program's, and the hook's for humans */
	const char *dir;
} tc_hooks[] = {
	[TC_WAN_EGRESS] = { BPF_TC_EGRESS, "nts_wan_out", "egress" },
	[TC_LAN_INGRESS] = { BPF_TC_INGRESS, "nts_lan_in", "ingress" },
};

int xdp_mode_parse(const char *s, enum xdp_mode *mode)
{
	if (!strcmp(s, "auto"))
		*mode = XDP_MODE_AUTO;
	else if (!strcmp(s, "native"))
		*mode = XDP_MODE_NATIVE;
	else if (!strcmp(s, "generic"))
		*mode = XDP_MODE_GENERIC;
	else
		return -EINVAL;
	return 0;
}

const char *xdp_mode_name(enum xdp_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_GENERIC:
		return "generic";
	default:
		return "auto";
	}
}

/* Is program @id one of ours? */
static int prog_is(__u32 id, const char *name)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd, ret;

	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return 0;
	ret = !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	      !strncmp(info.name, name, sizeof(info.name));
	close(fd);
	return ret;
}

static __u32 mode_flags(enum xdp_mode mode)
{
	return mode == XDP_MODE_GENERIC ? XDP_FLAGS_SKB_MODE :
					  XDP_FLAGS_DRV_MODE;
}

/*
 * What XDP program @ifindex has: 0 none, 1 ours (its id in @id), -EBUSY
 * somebody else's (printed unless @quiet), or -errno.
 */
static int xdp_ours(int ifindex, const char *ifname,
		    struct bpf_xdp_query_opts *q, __u32 *id, bool quiet)
{
	int err;

	err = bpf_xdp_query(ifindex, 0, q);
	if (err) {
		pr_err("cannot query XDP on %s: %s", ifname, strerror(-err));
		return err;
	}
	*id = q->drv_prog_id ? q->drv_prog_id : q->skb_prog_id;
	if (q->attach_mode == XDP_ATTACHED_NONE)
		return 0;
	if (q->attach_mode == XDP_ATTACHED_MULTI || q->hw_prog_id ||
	    !prog_is(*id, XDP_PROG_NAME)) {
		if (!quiet)
			pr_err("%s already has another XDP program (id %u); "
			       "remove it first: ip link set dev %s xdp off",
			       ifname, *id ? *id : q->hw_prog_id, ifname);
		return -EBUSY;
	}
	return 1;
}

/* The id of the map pinned at @dir/@name; 0 if there is none. */
static __u32 pinned_map_id(const char *dir, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

/* Does program @prog_id use map @map_id? */
static bool prog_uses_map(__u32 prog_id, __u32 map_id)
{
	__u32 ids[64], len, i;
	struct bpf_prog_info info;
	bool found = false;
	int fd;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return false;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	info.map_ids = (__u64)(unsigned long)ids;
	len = sizeof(info);
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		for (i = 0; i < info.nr_map_ids && i < 64; i++)
			found |= ids[i] == map_id;
	close(fd);
	return found;
}

int xdp_check(int ifindex, const char *ifname, const char *pin_dir,
	      bool detaching)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	__u32 id, map;
	int err;

	/* --detach leaves somebody else's program alone: no error then. */
	err = xdp_ours(ifindex, ifname, &q, &id, detaching);
	if (err == -EBUSY && detaching)
		return 0;
	if (err <= 0)
		return err;
	/* Ours, but whose maps? Only a datapath kept in @pin_dir is ours. */
	map = pinned_map_id(pin_dir, "config");
	if (map && prog_uses_map(id, map))
		return 0;
	pr_err("%s has an NTS datapath (XDP program id %u) whose maps are not "
	       "in %s: an ntsload with another --pin-path kept it (--keep, or "
	       "it crashed). Remove it first: ntsload --detach --pin-path "
	       "THAT_DIR %s, or ip link set dev %s xdp off",
	       ifname, id, pin_dir, ifname, ifname);
	return -EBUSY;
}

int xdp_attach(int ifindex, const char *ifname, int prog_fd,
	       enum xdp_mode mode, enum xdp_mode *got)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	enum xdp_mode cur = XDP_MODE_AUTO;
	enum xdp_mode try[2];
	int i, n = 0, err;
	__u32 id;

	err = xdp_ours(ifindex, ifname, &q, &id, false);
	if (err < 0)
		return err;
	if (err)
		cur = q.drv_prog_id ? XDP_MODE_NATIVE : XDP_MODE_GENERIC;

	if (mode == XDP_MODE_AUTO) {
		/* Keep the mode of a running datapath, else prefer native. */
		try[n++] = cur == XDP_MODE_GENERIC ? XDP_MODE_GENERIC :
						     XDP_MODE_NATIVE;
		try[n++] = try[0] == XDP_MODE_NATIVE ? XDP_MODE_GENERIC :
						       XDP_MODE_NATIVE;
	} else {
		try[n++] = mode;
	}

	for (i = 0; i < n; i++) {
		/* The kernel won't run both modes on one device. */
		if (cur != XDP_MODE_AUTO && cur != try[i]) {
			bpf_xdp_detach(ifindex, mode_flags(cur), NULL);
			cur = XDP_MODE_AUTO;
		}
		err = bpf_xdp_attach(ifindex, prog_fd, mode_flags(try[i]), NULL);
		if (!err) {
			*got = try[i];
			return 0;
		}
		pr_debug("XDP %s mode on %s: %s", xdp_mode_name(try[i]), ifname,
			 strerror(-err));
	}
	pr_err("cannot attach XDP (%s mode) to %s: %s", xdp_mode_name(mode),
	       ifname, strerror(-err));
	return err;
}

int xdp_detach(int ifindex, const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err;

	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return err;
	if (q.drv_prog_id && prog_is(q.drv_prog_id, XDP_PROG_NAME))
		err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	else if (q.skb_prog_id && prog_is(q.skb_prog_id, XDP_PROG_NAME))
		err = bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
	if (err)
		pr_err("cannot detach XDP from %s: %s", ifname, strerror(-err));
	return err;
}

int tc_check(int ifindex, const char *ifname, enum tc_hook h)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = tc_hooks[h].point);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = NTS_TC_HANDLE,
		    .priority = NTS_TC_PRIO);

	/* No qdisc or no filter at our place: the query fails, all is well. */
	if (bpf_tc_query(&hook, &q) || prog_is(q.prog_id, tc_hooks[h].name))
		return 0;
	pr_err("%s %s already has a filter at handle 0x%x prio %d (program id "
	       "%u); remove it: tc filter del dev %s %s prio %d",
	       ifname, tc_hooks[h].dir, NTS_TC_HANDLE, NTS_TC_PRIO, q.prog_id,
	       ifname, tc_hooks[h].dir, NTS_TC_PRIO);
	return -EBUSY;
}

int tc_attach(int ifindex, const char *ifname, int prog_fd, enum tc_hook h,
	      bool *created)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = tc_hooks[h].point);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = NTS_TC_HANDLE,
		    .priority = NTS_TC_PRIO, .prog_fd = prog_fd,
		    .flags = BPF_TC_F_REPLACE);
	int err;

	*created = false;
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		pr_err("cannot add a clsact qdisc to %s: %s", ifname,
		       strerror(-err));
		return err;
	}
	/* Then it is ours to remove, once nobody's filters are left on it. */
	*created = !err;
	err = tc_check(ifindex, ifname, h);
	if (err)
		return err;
	err = bpf_tc_attach(&hook, &o);
	if (err)
		pr_err("cannot attach %s to %s %s: %s", tc_hooks[h].name, ifname,
		       tc_hooks[h].dir, strerror(-err));
	return err;
}

/*
 * The clsact qdisc ntsload added, once no filter at all (anybody's, BPF
 * or not, in either direction) is left on it. Left alone otherwise.
 */
static void qdisc_remove(int ifindex, const char *ifname)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);
	int in, out, err;

	in = netdev_tc_filters(ifindex,
			       TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
	out = netdev_tc_filters(ifindex,
				TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));
	if (in < 0 || out < 0) {
		pr_err("cannot list the tc filters of %s (%s): the clsact "
		       "qdisc stays; remove it if unused: tc qdisc del dev %s "
		       "clsact",
		       ifname, strerror(in < 0 ? -in : -out), ifname);
		return;
	}
	if (in || out) {
		pr_debug("%s: the clsact qdisc stays, for %d other filter%s",
			 ifname, in + out, in + out == 1 ? "" : "s");
		return;
	}
	err = bpf_tc_hook_destroy(&hook);
	if (err && err != -ENOENT && err != -EINVAL)
		pr_err("cannot remove the clsact qdisc of %s: %s; tc qdisc del "
		       "dev %s clsact",
		       ifname, strerror(-err), ifname);
}

int tc_detach(int ifindex, const char *ifname, enum tc_hook h, bool own_qdisc)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = tc_hooks[h].point);
	LIBBPF_OPTS(bpf_tc_opts, q, .handle = NTS_TC_HANDLE,
		    .priority = NTS_TC_PRIO);
	LIBBPF_OPTS(bpf_tc_opts, o, .handle = NTS_TC_HANDLE,
		    .priority = NTS_TC_PRIO);
	int err = 0;

	if (!bpf_tc_query(&hook, &q) && prog_is(q.prog_id, tc_hooks[h].name)) {
		err = bpf_tc_detach(&hook, &o);
		if (err)
			pr_err("cannot detach %s from %s: %s", tc_hooks[h].name,
			       ifname, strerror(-err));
	}
	if (!err && own_qdisc)
		qdisc_remove(ifindex, ifname);
	return err;
}
