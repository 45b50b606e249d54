// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <ifaddrs.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netdev.h"

int netdev_ipv4_addrs(const char *ifname, struct addr_set *s)
{
	struct ifaddrs *ifa, *i;

	if (getifaddrs(&ifa))
		return -errno;
	s->n = 0;
	for (i = ifa; i && s->n < NTS_ADDRS_MAX; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, ifname))
			continue;
		s->a[s->n++] =
			((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
	}
	freeifaddrs(ifa);
	return s->n ? 0 : -EADDRNOTAVAIL;
}

bool netdev_has_ipv4(const char *ifname, __be32 addr)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa))
		return false;
	for (i = ifa; i && !found; i = i->ifa_next)
		found = i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
			!strcmp(i->ifa_name, ifname) &&
			((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr ==
				addr;
	freeifaddrs(ifa);
	return found;
}

/* Ask for a dump of the filters under @parent on @ifindex. */
static int tc_dump_request(int fd, int ifindex, __u32 parent)
{
	struct {
		struct nlmsghdr n;
		struct tcmsg t;
	} req = {
		.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		.n.nlmsg_type = RTM_GETTFILTER,
		.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		.t.tcm_family = AF_UNSPEC,
		.t.tcm_ifindex = ifindex,
		.t.tcm_parent = parent,
	};

	return send(fd, &req, req.n.nlmsg_len, 0) < 0 ? -errno : 0;
}

int netdev_tc_filters(int ifindex, __u32 parent)
{
	char buf[16384];
	struct nlmsghdr *n;
	int fd, err, count = 0;
	bool done = false;
	ssize_t len;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	err = tc_dump_request(fd, ifindex, parent);
	while (!err && !done) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			err = -errno;
			break;
		}
		for (n = (void *)buf; NLMSG_OK(n, (size_t)len);
		     n = NLMSG_NEXT(n, len)) {
			if (n->nlmsg_type == NLMSG_DONE) {
				done = true;
			} else if (n->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(n);

				err = e->error;
				done = true;
			} else if (n->nlmsg_type == RTM_NEWTFILTER) {
				count++;
			}
		}
	}
	close(fd);
	/* No qdisc there: no filter either. */
	if (err == -EINVAL || err == -ENOENT)
		return 0;
	return err ? err : count;
}

/* From linux/netdev.h, which 6.1's UAPI headers don't have yet. */
#define NETDEV_FAMILY_NAME	  "netdev"
#define NETDEV_CMD_DEV_GET	  1
#define NETDEV_A_DEV_IFINDEX	  1
#define NETDEV_A_DEV_XDP_FEATURES 3
#define NETDEV_XDP_ACT_NDO_XMIT	  4

struct genl_msg {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[256];
};

static void put_attr(struct genl_msg *m, __u16 type, const void *data,
		     __u16 len)
{
	struct nlattr *a = (void *)((char *)m + NLMSG_ALIGN(m->n.nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	m->n.nlmsg_len = NLMSG_ALIGN(m->n.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Send @m and find attribute @type in the answer; its payload to @out. */
static int genl_ask(int fd, struct genl_msg *m, __u16 type, void *out,
		    size_t len)
{
	char buf[4096];
	struct nlmsghdr *n = (void *)buf;
	struct nlattr *a;
	int rem;
	ssize_t r;

	if (send(fd, m, m->n.nlmsg_len, 0) < 0)
		return -errno;
	r = recv(fd, buf, sizeof(buf), 0);
	if (r < 0)
		return -errno;
	if (!NLMSG_OK(n, (size_t)r))
		return -EBADMSG;
	if (n->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(n);

		return e->error ? e->error : -ENOENT;
	}
	a = (void *)((char *)NLMSG_DATA(n) + GENL_HDRLEN);
	rem = n->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem) {
		if ((a->nla_type & NLA_TYPE_MASK) == type) {
			if ((size_t)(a->nla_len - NLA_HDRLEN) < len)
				return -EBADMSG;
			memcpy(out, (char *)a + NLA_HDRLEN, len);
			return 0;
		}
		rem -= NLA_ALIGN(a->nla_len);
		a = (void *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return -ENOENT;
}

static void genl_init(struct genl_msg *m, __u16 family, __u8 cmd)
{
	memset(m, 0, sizeof(*m));
	m->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->n.nlmsg_type = family;
	m->n.nlmsg_flags = NLM_F_REQUEST;
	m->g.cmd = cmd;
	m->g.version = 1;
}

int netdev_xdp_ndo_xmit(int ifindex, bool *capable)
{
	struct genl_msg m;
	__u16 family;
	__u64 feat;
	__u32 idx = ifindex;
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;

	genl_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, NETDEV_FAMILY_NAME,
		 sizeof(NETDEV_FAMILY_NAME));
	err = genl_ask(fd, &m, CTRL_ATTR_FAMILY_ID, &family, sizeof(family));
	if (err) {
		err = -EOPNOTSUPP;
		goto out;
	}

	genl_init(&m, family, NETDEV_CMD_DEV_GET);
	put_attr(&m, NETDEV_A_DEV_IFINDEX, &idx, sizeof(idx));
	err = genl_ask(fd, &m, NETDEV_A_DEV_XDP_FEATURES, &feat, sizeof(feat));
	if (!err)
		*capable = feat & NETDEV_XDP_ACT_NDO_XMIT;
out:
	close(fd);
	return err;
}
