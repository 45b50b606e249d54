// SPDX-License-Identifier: GPL-2.0
/*
 * The datapath on and off: start() makes the live state from the
 * settings (addresses, ports, the claim on IFACE, pins, programs, the
 * NOTICE path, the threads), stop() and --detach take it down again.
 */
#include <errno.h>
#include <net/if.h>
#include <unistd.h>

#include "attach.h"
#include "instance.h"
#include "log.h"
#include "ntsload.h"
#include "refresh.h"

/*
 * Before anything is pinned or attached: IFACE is ours alone, and no
 * program of somebody else's sits where ours go.
 */
static int claim(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	int err;

	err = instance_claim(l->ifindex, c->ifname, &l->instance_fd);
	if (!err)
		err = xdp_check(l->ifindex, c->ifname, l->pin_dir, false);
	if (!err)
		err = tc_check(l->ifindex, c->ifname, TC_WAN_EGRESS);
	if (!err && ntsload_lan_on(c))
		err = tc_check(l->lan_ifindex, c->lan, TC_LAN_INGRESS);
	return err;
}

static void started(const struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	char addr[ADDRS_STRLEN];
	unsigned int threads = nego_server_threads(&l->nego);

	pr_info("%s %s: XDP %s and tc egress attached%s%s%s%s; NAT %s+%s, "
		"ports %u-%u; NTS-Nego on port %u (%zu key%s%s, %u thread%s); "
		"maps in %s",
		c->ifname, addrs_str(&l->addrs, addr, sizeof(addr)),
		xdp_mode_name(l->got_mode),
		ntsload_lan_on(c) ? ", tc ingress on " : "",
		ntsload_lan_on(c) ? c->lan : "", c->hairpin ? ", hairpin" : "",
		ntsload_fastpath(c) ? ", fast path" : "",
		ntsload_mappings[c->mapping], ntsload_filterings[c->filtering],
		l->range.lo, l->range.hi, c->nego.port, l->nego.keys.n,
		l->nego.keys.n == 1 ? "" : "s",
		c->nego.insecure ? ", insecure" : "", threads,
		threads == 1 ? "" : "s", l->pin_dir);
	say_registrations(l);
	say_fw6(l);
}

int start(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	bool fresh, created = false;
	struct nts_dp_sizes sizes;
	int err;

	err = choose_addrs(l);
	if (!err)
		err = choose_ports(l);
	if (!err)
		err = claim(l);
	if (!err)
		err = check_pins(l);
	if (!err)
		err = lock_pins(l, true);
	if (err) {
		close(l->instance_fd);
		return err;
	}
	fresh = !pins_exist(l->pin_dir);
	sizes = c->sizes;
	sizes.addrs = l->addrs.n;
	err = nts_dp_load_sized(&l->dp, l->pin_dir, &sizes);
	if (err)
		goto fail_pins;
	nts_dp_maps(&l->dp, &l->maps);
	/* A kept datapath's qdiscs: made by the ntsload before us. */
	if (!fresh)
		l->qdisc_flags = kept_config(l->pin_dir).flags &
				 (NTS_CFG_OWN_QDISC_WAN | NTS_CFG_OWN_QDISC_LAN);

	/* A reboot emptied bpffs: what the router had learnt, back. */
	err = state_init(&l->state, c->state_dir, &l->maps);
	if (!err && fresh)
		state_restore(&l->state);
	else if (!err && c->state_dir)
		pr_info("--state-dir: the kept pins win over %s (a restart)",
			l->state.path);
	if (!err)
		err = zones_write(l);
	if (!err)
		err = config_write(l);
	if (!err)
		err = ports_refresh(&l->maps, &l->addrs, c->nego.port);
	if (err)
		goto fail_dp;
	err = xdp_attach(l->ifindex, c->ifname, nts_dp_in_fd(&l->dp), c->mode,
			 &l->got_mode);
	if (err)
		goto fail_dp;
	tx_ports_refresh(nts_dp_tx_ports_fd(&l->dp), l->ifindex,
			 l->got_mode == XDP_MODE_GENERIC);
	err = tc_attach(l->ifindex, c->ifname, nts_dp_out_fd(&l->dp),
			TC_WAN_EGRESS, &created);
	if (created)
		l->qdisc_flags |= NTS_CFG_OWN_QDISC_WAN;
	if (err)
		goto fail_tc;
	if (ntsload_lan_on(c)) {
		err = tc_attach(l->lan_ifindex, c->lan, nts_dp_lan_fd(&l->dp),
				TC_LAN_INGRESS, &created);
		if (created)
			l->qdisc_flags |= NTS_CFG_OWN_QDISC_LAN;
		if (err)
			goto fail_tc;
	}
	/* Remembered in the pins, for whoever takes the datapath off. */
	err = config_write(l);
	if (err)
		goto fail_tc;
	err = nego_server_init(&l->nego, &c->nego, &l->maps, &l->addrs);
	if (err)
		goto fail_tc;
	err = frag_park_init(&l->frags, nts_dp_frag_events_fd(&l->dp));
	if (err)
		goto fail_nego;
	err = phl_log_init(&l->phl_log, l->maps.phl_events);
	if (err)
		goto fail_frags;
	err = housekeep_start(&l->hk, &l->maps, &l->addrs, &c->to,
			      c->gc_interval, c->nego.port, &l->state);
	if (err)
		goto fail_phl_log;
	err = metrics_start(&l->metrics, c->metrics, &l->maps, c->ifname,
			    &l->nego.hist);
	if (err)
		goto fail_hk;
	started(l);
	return 0;

fail_hk:
	housekeep_stop(&l->hk);
fail_phl_log:
	phl_log_fini(&l->phl_log);
fail_frags:
	frag_park_fini(&l->frags);
fail_nego:
	nego_server_fini(&l->nego);
fail_tc:
	if (ntsload_lan_on(c))
		tc_detach(l->lan_ifindex, c->lan, TC_LAN_INGRESS,
			  l->qdisc_flags & NTS_CFG_OWN_QDISC_LAN);
	tc_detach(l->ifindex, c->ifname, TC_WAN_EGRESS,
		  l->qdisc_flags & NTS_CFG_OWN_QDISC_WAN);
	xdp_detach(l->ifindex, c->ifname);
fail_dp:
	nts_dp_destroy(&l->dp);
fail_pins:
	if (fresh)
		unpin(l);
	close(l->lock_fd);
	close(l->instance_fd);
	return err;
}

void stop(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;

	metrics_stop(&l->metrics);
	housekeep_stop(&l->hk);
	state_save(&l->state, true);
	phl_log_input(&l->phl_log); /* the last words */
	phl_log_fini(&l->phl_log);
	frag_park_fini(&l->frags);
	nego_server_fini(&l->nego);
	keys_free(&l->nego.keys);
	keys_free(&l->nego.inner_keys);
	if (c->keep) {
		pr_info("--keep: the datapath stays on %s, the maps in %s",
			c->ifname, l->pin_dir);
	} else {
		xdp_detach(l->ifindex, c->ifname);
		tc_detach(l->ifindex, c->ifname, TC_WAN_EGRESS,
			  l->qdisc_flags & NTS_CFG_OWN_QDISC_WAN);
		if (ntsload_lan_on(c))
			tc_detach(l->lan_ifindex, c->lan, TC_LAN_INGRESS,
				  l->qdisc_flags & NTS_CFG_OWN_QDISC_LAN);
		unpin(l);
		pr_info("detached from %s", c->ifname);
	}
	nts_dp_destroy(&l->dp);
	close(l->lock_fd);
	/* Last: no second ntsload may start while we take ours off. */
	close(l->instance_fd);
}

int do_detach(struct ntsload *l)
{
	const char *ifname = l->cfg.ifname;
	struct nts_config cfg;
	char lan[IF_NAMESIZE];
	int err = 0, e, lan_ifindex;

	l->lock_fd = -1;
	err = instance_claim(l->ifindex, ifname, &l->instance_fd);
	if (!err)
		err = xdp_check(l->ifindex, ifname, l->pin_dir, true);
	if (err)
		return err;
	e = lock_pins(l, false);
	if (e == -EBUSY)
		return e;
	cfg = kept_config(l->pin_dir);
	err = xdp_detach(l->ifindex, ifname);
	e = tc_detach(l->ifindex, ifname, TC_WAN_EGRESS,
		      cfg.flags & NTS_CFG_OWN_QDISC_WAN);
	err = err ? err : e;
	lan_ifindex = cfg.lan_ifindex;
	if (lan_ifindex && if_indextoname(lan_ifindex, lan)) {
		e = tc_detach(lan_ifindex, lan, TC_LAN_INGRESS,
			      cfg.flags & NTS_CFG_OWN_QDISC_LAN);
		err = err ? err : e;
	}
	e = unpin(l);
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	close(l->instance_fd);
	return err ? err : e;
}
