/* SPDX-License-Identifier: GPL-2.0 */
/* Attaching the datapath to the WAN interface, and taking it off. */
#ifndef NTSLOAD_ATTACH_H
#define NTSLOAD_ATTACH_H

#include <stdbool.h>

enum xdp_mode {
	XDP_MODE_AUTO,
	XDP_MODE_NATIVE,
	XDP_MODE_GENERIC,
};

/* Our tc filter: first on egress, so nothing untranslated leaves. */
#define NTS_TC_HANDLE 0x4e54
#define NTS_TC_PRIO   1

int xdp_mode_parse(const char *s, enum xdp_mode *mode);
const char *xdp_mode_name(enum xdp_mode mode);

/*
 * Before anything is loaded or pinned: refuse (-EBUSY, printed) when
 * @ifindex has an XDP program that is not ours (unless @detaching: it is
 * left alone then), or an NTS datapath whose maps are not those pinned in
 * @pin_dir (another ntsload's, kept).
 */
int xdp_check(int ifindex, const char *ifname, const char *pin_dir,
	      bool detaching);

/*
 * Attach (or atomically replace our earlier) XDP program. Refuses to
 * replace somebody else's. @got is the mode that worked. 0 or -errno.
 */
int xdp_attach(int ifindex, const char *ifname, int prog_fd,
	       enum xdp_mode mode, enum xdp_mode *got);
/* Where our tc programs go. */
enum tc_hook {
	TC_WAN_EGRESS,	/* nts_wan_out */
	TC_LAN_INGRESS,	/* nts_lan_in */
};

/* Refuse (-EBUSY, printed) a foreign filter where ours goes. */
int tc_check(int ifindex, const char *ifname, enum tc_hook h);
/* *@created: the clsact qdisc was made for it (see tc_detach()). */
int tc_attach(int ifindex, const char *ifname, int prog_fd, enum tc_hook h,
	      bool *created);

/* Remove our programs; others' are left alone. 0 or -errno. */
int xdp_detach(int ifindex, const char *ifname);
/*
 * With @own_qdisc (ntsload created the clsact qdisc) the qdisc goes too,
 * once no other filter is left on it in either direction.
 */
int tc_detach(int ifindex, const char *ifname, enum tc_hook h,
	      bool own_qdisc);

#endif /* NTSLOAD_ATTACH_H */
