// SPDX-License-Identifier: GPL-2.0
/*
 * What the host must offer before ntsload loads anything: the
 * capabilities, the interfaces, a BPF file system for the pins, and
 * ports that the router's own sockets do not use.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include "log.h"
#include "ntsload.h"

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

int check_env(struct ntsload *l)
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

int choose_ports(struct ntsload *l)
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
