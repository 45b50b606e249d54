// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/errqueue.h>

#include "log.h"
#include "nego_recv.h"

/* A burst of NOTICEs waits here while a batch is worked on (and answers). */
#define RCVBUF (4 << 20)

int nego_recv_open(struct nego_recv *r, __u16 port,
		   const struct addr_set *addrs)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int fd, on = 1, size = RCVBUF;

	r->fd = -1;
	r->addrs = addrs;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		pr_err("cannot open the NTS-Nego socket: %s", strerror(errno));
		return -errno;
	}
	/* Past net.core.[rw]mem_max where we may (CAP_NET_ADMIN). */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* IP_RECVERR: an inside host that is no router says so by ICMP. */
	if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on)) ||
	    setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		int err = -errno;

		pr_err("cannot listen for NTS-Nego on port %u: %s", port,
		       strerror(-err));
		close(fd);
		return err;
	}
	r->fd = fd;
	return 0;
}

void nego_recv_close(struct nego_recv *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* ICMP errors about what we sent: their destinations, into @b. */
static void errqueue(struct nego_recv *r, struct nego_batch *b)
{
	/* IP_PKTINFO comes along, before IP_RECVERR: room for both. */
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
		  CMSG_SPACE(sizeof(struct sock_extended_err) +
			     sizeof(struct sockaddr_in))];
	struct sockaddr_in dst;
	__u8 buf[64];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &dst,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = cbuf,
	};
	struct cmsghdr *cm;

	/* What does not fit waits for the next batch. */
	while (b->nunreach < NEGO_BATCH) {
		mh.msg_namelen = sizeof(dst);
		mh.msg_controllen = sizeof(cbuf);
		if (recvmsg(r->fd, &mh, MSG_ERRQUEUE) < 0)
			return;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			struct sock_extended_err *ee = (void *)CMSG_DATA(cm);

			if (cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR &&
			    ee->ee_origin == SO_EE_ORIGIN_ICMP &&
			    b->nunreach < NEGO_BATCH)
				b->unreach[b->nunreach++] = dst.sin_addr.s_addr;
		}
	}
}

/* The address GN was told; else the one NAT leaves with. */
static __be32 sent_to(const struct nego_recv *r, struct msghdr *mh)
{
	struct cmsghdr *cm;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo *pi = (void *)CMSG_DATA(cm);

			if (addr_set_has(r->addrs, pi->ipi_addr.s_addr))
				return pi->ipi_addr.s_addr;
		}
	return r->addrs->a[0];
}

int nego_recv_batch(struct nego_recv *r, struct nego_batch *b)
{
	char cbuf[NEGO_BATCH][CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct mmsghdr mm[NEGO_BATCH];
	struct iovec iov[NEGO_BATCH];
	int i, n, tries;

	b->n = b->nunreach = 0;
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < NEGO_BATCH; i++) {
		iov[i].iov_base = b->in[i].buf;
		iov[i].iov_len = sizeof(b->in[i].buf);
		mm[i].msg_hdr.msg_name = &b->in[i].peer.from;
		mm[i].msg_hdr.msg_namelen = sizeof(b->in[i].peer.from);
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_control = cbuf[i];
		mm[i].msg_hdr.msg_controllen = sizeof(cbuf[i]);
	}
	/*
	 * A pending ICMP error fails the next read once (ECONNREFUSED and
	 * the like): read the error queue, then try again.
	 */
	for (tries = 0; tries < 4; tries++) {
		errqueue(r, b);
		n = recvmmsg(r->fd, mm, NEGO_BATCH, MSG_DONTWAIT, NULL);
		if (n >= 0)
			break;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno == EINTR || errno == ECONNREFUSED ||
		    errno == EHOSTUNREACH || errno == ENETUNREACH ||
		    errno == EHOSTDOWN || errno == ENOPROTOOPT ||
		    errno == EPROTO)
			continue;
		pr_err("cannot read the NTS-Nego socket: %s", strerror(errno));
		return -errno;
	}
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct nego_in *in = &b->in[i];

		in->len = mm[i].msg_len;
		in->peer.to = sent_to(r, &mm[i].msg_hdr);
	}
	b->n = n;
	return n;
}
