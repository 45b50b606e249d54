// SPDX-License-Identifier: GPL-2.0
/*
 * ntsload: the NTS router daemon. Loads the NAT datapath onto the WAN
 * interface, keeps its tables, and runs in the foreground until SIGINT or
 * SIGTERM; SIGHUP reloads the key files. Its flags are in options.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <linux/capability.h>
#include <bpf/bpf.h>

#include "attach.h"
#include "cfg.h"
#include "datapath.h"
#include "fmt.h"
#include "frags.h"
#include "housekeep.h"
#include "instance.h"
#include "log.h"
#include "nego_server.h"
#include "netdev.h"
#include "phl_log.h"
#include "pin.h"
#include "ports.h"
#include "refresh.h"

#define ADDRS_STRLEN (NTS_ADDRS_MAX * INET_ADDRSTRLEN)

/* The live state, made from cfg at start. */
struct ntsload {
	struct ntsload_cfg cfg; /* as parsed, not changed after */
	int ifindex;
	int lan_ifindex;
	struct addr_set addrs; /* the router's now, on IFACE */
	__be32 snat;	       /* source of outbound NAT: addrs.a[0] */
	struct port_range range;
	enum xdp_mode got_mode;
	char pin_dir[PATH_MAX];
	struct nego_server nego;
	struct frag_park frags;
	struct phl_log phl_log;
	struct housekeep hk;
	int lock_fd;
	__u32 qdisc_flags; /* NTS_CFG_OWN_QDISC_*: clsact qdiscs we made */
	int instance_fd;   /* our claim on IFACE (instance.c) */
	struct nts_datapath dp;
	struct nts_maps maps;
};

/*
 * Every key of @files into @kr. 0 or -errno, said as "PREFIXOPT: why"
 * (@prefix "" at start, "SIGHUP: cannot reload " on a reload).
 */
static int load(const char *const *files, unsigned int n, const char *opt,
		const char *prefix, struct nts_keyring *kr)
{
	char why[512];
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = keys_load(kr, files[i], why, sizeof(why));
		if (err) {
			pr_err("%s%s: %s", prefix, opt, why);
			return err;
		}
	}
	return 0;
}

static int keyfiles_load(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	int err;

	err = load(c->key_files, c->nkey_files, "--key", "", &l->nego.keys);
	if (!err)
		err = load(c->inner_files, c->ninner_files, "--inner-key", "",
			   &l->nego.inner_keys);
	return err;
}

/*
 * SIGHUP: read the key files again, so that keys can be rotated without
 * a restart. All or nothing: on any error the keys loaded before stay.
 */
static void keyfiles_reload(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	struct nts_keyring keys = {}, inner = {};
	const char *again = "SIGHUP: cannot reload ";
	size_t n;

	if (load(c->key_files, c->nkey_files, "--key", again, &keys) ||
	    load(c->inner_files, c->ninner_files, "--inner-key", again,
		 &inner)) {
		keys_free(&keys);
		keys_free(&inner);
		pr_err("SIGHUP: keeping the %zu key%s loaded before",
		       l->nego.keys.n, l->nego.keys.n == 1 ? "" : "s");
		return;
	}
	n = keys.n;
	nego_server_set_keys(&l->nego, &keys, &inner);
	pr_info("SIGHUP: reloaded %zu key%s from %u file%s%s", n,
		n == 1 ? "" : "s", c->nkey_files, c->nkey_files == 1 ? "" : "s",
		c->ninner_files ? " and the inner keys" : "");
}

/* CAP_NET_ADMIN for attaching, CAP_BPF or CAP_SYS_ADMIN for loading. */
static bool have_caps(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};
	__u64 eff;

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
	eff = d[0].effective | (__u64)d[1].effective << 32;
	return (eff & (1ULL << CAP_NET_ADMIN)) &&
	       (eff & ((1ULL << CAP_BPF) | (1ULL << CAP_SYS_ADMIN)));
}

static int check_env(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	int err;

	if (!have_caps()) {
		pr_err("must run as root (loading BPF programs needs CAP_BPF "
		       "and CAP_NET_ADMIN)");
		return -EPERM;
	}
	l->ifindex = if_nametoindex(c->ifname);
	if (!l->ifindex) {
		pr_err("no interface '%s' in this network namespace (see: ip "
		       "link)",
		       c->ifname);
		return -ENODEV;
	}
	if (c->lan) {
		l->lan_ifindex = if_nametoindex(c->lan);
		if (!l->lan_ifindex || l->lan_ifindex == l->ifindex) {
			pr_err("--lan: '%s' is not an inside interface of this "
			       "network namespace",
			       c->lan);
			return -ENODEV;
		}
	}
	if (nts_pin_dir(l->pin_dir, sizeof(l->pin_dir), c->pin_path,
			c->ifname)) {
		pr_err("pin path too long");
		return -ENAMETOOLONG;
	}
	err = nts_bpffs_check(l->pin_dir);
	if (err == -ENOTSUP) {
		if (c->pin_path)
			pr_err("%s is not on a BPF file system; mount one "
			       "there (mount -t bpf bpf DIR) or choose another "
			       "--pin-path",
			       l->pin_dir);
		else
			pr_err("%s is not a BPF file system; mount it: mount "
			       "-t bpf bpf %s",
			       NTS_BPFFS, NTS_BPFFS);
		return err;
	} else if (err) {
		pr_err("cannot check %s: %s", l->pin_dir, strerror(-err));
		return err;
	}
	return 0;
}

/*
 * What ip_local_port_range leaves of 1024-65535. Too little makes a NAT
 * that drops most flows: refuse it rather than start as if all were well.
 * An explicit --port-range, however small, is the operator's choice.
 */
static int default_ports(struct ntsload *l, const struct port_range *local)
{
	unsigned int n;
	char what[64];

	l->range = nat_port_range_default(local);
	n = port_range_size(&l->range);
	if (n >= NAT_PORTS_MIN)
		return 0;
	if (n)
		snprintf(what, sizeof(what), "only %u ports (%u-%u)", n,
			 l->range.lo, l->range.hi);
	else
		snprintf(what, sizeof(what), "no port");
	pr_err("net.ipv4.ip_local_port_range %u %u leaves %s of 1024-65535 "
	       "for NAT, fewer than %u: narrow it (sysctl -w "
	       "net.ipv4.ip_local_port_range=\"32768 60999\") or give "
	       "--port-range LO-HI outside it",
	       local->lo, local->hi, what, NAT_PORTS_MIN);
	return -ERANGE;
}

static int choose_ports(struct ntsload *l)
{
	struct port_range local;
	int err;

	err = local_port_range(&local);
	if (err) {
		pr_err("cannot read net.ipv4.ip_local_port_range: %s",
		       strerror(-err));
		return err;
	}
	if (!l->cfg.range.lo)
		return default_ports(l, &local);
	l->range = l->cfg.range;
	if (port_range_overlap(&l->range, &local)) {
		pr_err("--port-range %u-%u overlaps the router's own ephemeral "
		       "ports (net.ipv4.ip_local_port_range %u-%u); choose "
		       "ports outside it",
		       l->range.lo, l->range.hi, local.lo, local.hi);
		return -EINVAL;
	}
	return 0;
}

static int config_write(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	struct nts_config cfg = {
		.wan_addr = l->snat,
		.wan_ifindex = l->ifindex,
		.port_lo = l->range.lo,
		.port_hi = l->range.hi,
		.flags = NTS_CFG_ENABLED | (c->syn_pass ? NTS_CFG_SYN_PASS : 0) |
			 (c->hairpin ? NTS_CFG_HAIRPIN : 0) | l->qdisc_flags,
		.phl_min_ttl = c->phl_min_ttl,
		.nego_port = c->nego.port,
		.mapping = c->mapping,
		.filtering = c->filtering,
		.lan_ifindex = c->hairpin ? l->lan_ifindex : 0,
		.naddrs = l->addrs.n,
		.phl_quota = c->names_per_host,
		.nddns = c->nddns,
		.nnts = c->nnts,
	};
	__u32 k = 0;

	if (c->nzones)
		cfg.flags |= NTS_CFG_ZONES;
	memcpy(cfg.addrs, l->addrs.a, sizeof(cfg.addrs));
	memcpy(cfg.ddns, c->ddns, sizeof(cfg.ddns));
	memcpy(cfg.nts, c->nts, sizeof(cfg.nts));
	if (bpf_map_update_elem(l->maps.config, &k, &cfg, BPF_ANY)) {
		pr_err("cannot write the config map: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* The zones of this run, and no other: pinned maps keep the last run's. */
static int zones_write(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	struct phl_key k;
	__u32 one = 1;
	unsigned int i;

	while (!bpf_map_get_next_key(l->maps.phl_zones, NULL, &k))
		if (bpf_map_delete_elem(l->maps.phl_zones, &k))
			break;
	for (i = 0; i < c->nzones; i++) {
		memcpy(k.name, c->zones[i], sizeof(k.name));
		if (bpf_map_update_elem(l->maps.phl_zones, &k, &one, BPF_ANY)) {
			pr_err("cannot write the phl_zones map: %s",
			       strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static void say_registrations(const struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	char buf[NTS_DDNS_MAX * 24 + 256], a[INET_ADDRSTRLEN];
	size_t off = 0;
	unsigned int i;

	if (!c->nddns) {
		pr_info("no --ddns-server: the router learns no registrations "
			"from DNS UPDATEs (static names only: ntsctl phl add)");
		return;
	}
	for (i = 0; i < c->nddns && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s:%u",
				i ? ", " : "",
				inet_ntop(AF_INET, &c->ddns[i].addr, a,
					  sizeof(a)),
				ntohs(c->ddns[i].port));
	for (i = 0; i < c->nzones && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
				i ? ", " : "; zones ", c->zones[i]);
	if (off < sizeof(buf))
		snprintf(buf + off, sizeof(buf) - off, "%s; %u names per host",
			 c->nzones ? "" : "; any zone", c->names_per_host);
	pr_info("registrations learnt from DNS UPDATEs that %s", buf);
}

static const char *addrs_str(const struct addr_set *set, char *buf,
			     size_t len)
{
	char a[INET_ADDRSTRLEN];
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < set->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				inet_ntop(AF_INET, &set->a[i], a, sizeof(a)));
	return buf;
}

/* @snat first in @set, or @set's first if @snat is not one of them. */
static void snat_first(struct addr_set *set, __be32 *snat)
{
	int i;

	if (!*snat || !addr_set_has(set, *snat))
		*snat = set->a[0];
	for (i = 1; i < set->n; i++) {
		if (set->a[i] == *snat) {
			set->a[i] = set->a[0];
			set->a[0] = *snat;
		}
	}
}

/*
 * An --addr the interface doesn't have: the router would NAT from an
 * address whose replies never reach it, and answer NOTICEs for it.
 */
static int addrs_on_iface(const struct ntsload *l)
{
	const char *ifname = l->cfg.ifname;
	char buf[ADDRS_STRLEN];
	struct addr_set has;
	int i;

	for (i = 0; i < l->addrs.n; i++) {
		if (netdev_has_ipv4(ifname, l->addrs.a[i]))
			continue;
		if (netdev_ipv4_addrs(ifname, &has))
			snprintf(buf, sizeof(buf), "none");
		else
			addrs_str(&has, buf, sizeof(buf));
		pr_err("--addr %s is not an address of %s (it has: %s); add "
		       "it first (ip addr add ADDR/LEN dev %s) or leave it "
		       "out",
		       inet_ntoa(*(struct in_addr *)&l->addrs.a[i]), ifname,
		       buf, ifname);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static int choose_addrs(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	char buf[ADDRS_STRLEN];
	int err;

	if (c->addrs.n) {
		l->addrs = c->addrs;
		err = addrs_on_iface(l);
		if (err)
			return err;
	} else {
		err = netdev_ipv4_addrs(c->ifname, &l->addrs);
		if (err == -EADDRNOTAVAIL)
			pr_err("%s has no IPv4 address; give one with --addr",
			       c->ifname);
		else if (err)
			pr_err("cannot read the addresses of %s: %s",
			       c->ifname, strerror(-err));
		if (err)
			return err;
	}
	if (c->snat && !addr_set_has(&l->addrs, c->snat)) {
		pr_err("--snat-addr %s is not one of the router's addresses "
		       "(%s)",
		       inet_ntoa(*(struct in_addr *)&c->snat),
		       addrs_str(&l->addrs, buf, sizeof(buf)));
		return -EINVAL;
	}
	l->snat = c->snat;
	snat_first(&l->addrs, &l->snat);
	return 0;
}

static void addrs_follow(struct ntsload *l)
{
	char a[ADDRS_STRLEN], b[ADDRS_STRLEN];
	struct addr_set now;
	__be32 snat = l->snat;

	if (l->cfg.addrs.n || netdev_ipv4_addrs(l->cfg.ifname, &now))
		return;
	snat_first(&now, &snat);
	if (addr_set_eq(&now, &l->addrs))
		return;
	pr_info("%s changed addresses from %s to %s", l->cfg.ifname,
		addrs_str(&l->addrs, a, sizeof(a)),
		addrs_str(&now, b, sizeof(b)));
	l->addrs = now;
	l->snat = snat;
	config_write(l);
	housekeep_addrs(&l->hk, &l->addrs);
}

/* Pins from an earlier run hold live flows: never remove those on error. */
static bool pins_exist(const char *dir)
{
	char path[PATH_MAX + sizeof("/nat")];

	snprintf(path, sizeof(path), "%s/nat", dir);
	return !access(path, F_OK);
}

/* One ntsload per pin directory: hold a lock on the directory itself. */
static int lock_pins(struct ntsload *l, bool create)
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
static int unpin(struct ntsload *l)
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
static int check_pins(struct ntsload *l)
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

static struct nts_config kept_config(const char *pin_dir)
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

/*
 * The signals the event loop reads (signalfd), blocked from the start:
 * one that comes while ntsload is still attaching waits for the loop,
 * instead of killing it halfway with the datapath half set up.
 */
static void signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
	sigprocmask(SIG_BLOCK, mask, NULL);
}

/* Once a second: follow the router's addresses and links. */
static void tick(struct ntsload *l)
{
	addrs_follow(l);
	tx_ports_refresh(nts_dp_tx_ports_fd(&l->dp), l->ifindex,
			 l->got_mode == XDP_MODE_GENERIC);
	frag_park_tick(&l->frags);
}

static int run(struct ntsload *l)
{
	struct itimerspec its = {
		.it_interval.tv_sec = 1,
		.it_value.tv_sec = 1,
	};
	struct pollfd pfd[6] = {};
	sigset_t mask;
	__u64 ticks;
	size_t i;

	signals(&mask);
	pfd[0].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	pfd[1].fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (pfd[0].fd < 0 || pfd[1].fd < 0 ||
	    timerfd_settime(pfd[1].fd, 0, &its, NULL)) {
		pr_err("cannot set up the event loop: %s", strerror(errno));
		return -errno;
	}
	pfd[2].fd = nego_server_fd(&l->nego);
	pfd[3].fd = frag_park_fd(&l->frags);
	pfd[4].fd = phl_log_fd(&l->phl_log);
	pfd[5].fd = l->instance_fd;
	for (i = 0; i < sizeof(pfd) / sizeof(pfd[0]); i++)
		pfd[i].events = POLLIN;

	for (;;) {
		if (poll(pfd, sizeof(pfd) / sizeof(pfd[0]),
			 nego_server_timeout_ms(&l->nego)) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;

			if (read(pfd[0].fd, &si, sizeof(si)) != sizeof(si))
				break;
			if (si.ssi_signo == SIGHUP) {
				keyfiles_reload(l);
				continue;
			}
			pr_info("%s, stopping", strsignal(si.ssi_signo));
			break;
		}
		if (pfd[1].revents &&
		    read(pfd[1].fd, &ticks, sizeof(ticks)) == sizeof(ticks))
			tick(l);
		if (pfd[2].revents)
			nego_server_input(&l->nego);
		if (pfd[3].revents)
			frag_park_input(&l->frags);
		if (pfd[4].revents)
			phl_log_input(&l->phl_log);
		if (pfd[5].revents)
			instance_serve(l->instance_fd, l->pin_dir);
		nego_server_tick(&l->nego);
	}
	close(pfd[0].fd);
	close(pfd[1].fd);
	return 0;
}

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
	if (!err && c->hairpin)
		err = tc_check(l->lan_ifindex, c->lan, TC_LAN_INGRESS);
	return err;
}

static void started(const struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	char addr[ADDRS_STRLEN];
	unsigned int threads = nego_server_threads(&l->nego);

	pr_info("%s %s: XDP %s and tc egress attached%s%s; NAT %s+%s, ports "
		"%u-%u; NTS-Nego on port %u (%zu key%s%s, %u thread%s); "
		"maps in %s",
		c->ifname, addrs_str(&l->addrs, addr, sizeof(addr)),
		xdp_mode_name(l->got_mode), c->hairpin ? ", hairpin on " : "",
		c->hairpin ? c->lan : "", ntsload_mappings[c->mapping],
		ntsload_filterings[c->filtering], l->range.lo, l->range.hi,
		c->nego.port, l->nego.keys.n, l->nego.keys.n == 1 ? "" : "s",
		c->nego.insecure ? ", insecure" : "", threads,
		threads == 1 ? "" : "s", l->pin_dir);
	say_registrations(l);
}

static int start(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;
	bool fresh, created = false;
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
	err = nts_dp_load_sized(&l->dp, l->pin_dir, &c->sizes);
	if (err)
		goto fail_pins;
	nts_dp_maps(&l->dp, &l->maps);
	/* A kept datapath's qdiscs: made by the ntsload before us. */
	if (!fresh)
		l->qdisc_flags = kept_config(l->pin_dir).flags &
				 (NTS_CFG_OWN_QDISC_WAN | NTS_CFG_OWN_QDISC_LAN);

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
	if (c->hairpin) {
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
			      c->gc_interval, c->nego.port);
	if (err)
		goto fail_phl_log;
	started(l);
	return 0;

fail_phl_log:
	phl_log_fini(&l->phl_log);
fail_frags:
	frag_park_fini(&l->frags);
fail_nego:
	nego_server_fini(&l->nego);
fail_tc:
	if (c->hairpin)
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

static void stop(struct ntsload *l)
{
	const struct ntsload_cfg *c = &l->cfg;

	housekeep_stop(&l->hk);
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
		if (c->hairpin)
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

static int do_detach(struct ntsload *l)
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

int main(int argc, char **argv)
{
	/* Large (the NOTICE path's tables): not on the stack. */
	static struct ntsload l = {
		.nego.recv.fd = -1,
		.frags.raw = -1,
		.lock_fd = -1,
		.instance_fd = -1,
	};
	sigset_t mask;
	int err;

	nts_log_init("ntsload", 0);
	/* NOTICEs signed before this are refused: they may be replays. */
	l.cfg.nego.started = time(NULL);
	err = ntsload_parse(&l.cfg, argc, argv);
	if (err > 0)
		return 0;
	if (err)
		return 1;
	nts_log_init("ntsload", l.cfg.verbose);
	err = keyfiles_load(&l);
	if (!err)
		err = check_env(&l);
	if (err)
		return 1;
	if (l.cfg.detach)
		return do_detach(&l) ? 1 : 0;

	signals(&mask);
	err = start(&l);
	if (err)
		return 1;
	run(&l);
	stop(&l);
	return 0;
}
