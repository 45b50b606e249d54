// SPDX-License-Identifier: GPL-2.0
/* Datagrams by the batch: recvmmsg() in, sendmmsg() out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "addr.h"
#include "dgram.h"

/* Either family's packet info, aligned as a cmsghdr. */
union dgram_ctl {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	struct cmsghdr align;
};

struct dgram_side {
	struct dgram d[DGRAM_BATCH];
	struct mmsghdr mh[DGRAM_BATCH];
	struct iovec iov[DGRAM_BATCH];
	union dgram_ctl ctl[DGRAM_BATCH];
	unsigned int n;
};

struct dgram_batch {
	struct dgram_side in, out;
	uint8_t *room; /* 2 * DGRAM_BATCH * DGRAM_MAX */
};

struct dgram_batch *dgram_batch_new(void)
{
	struct dgram_batch *b = calloc(1, sizeof(*b));
	unsigned int i;

	if (!b)
		return NULL;
	/* Mapped, not touched: a page costs only once a datagram is in it. */
	b->room = malloc(2 * DGRAM_BATCH * (size_t)DGRAM_MAX);
	if (!b->room) {
		free(b);
		return NULL;
	}
	for (i = 0; i < DGRAM_BATCH; i++) {
		b->in.d[i].buf = b->room + i * (size_t)DGRAM_MAX;
		b->out.d[i].buf =
			b->room + (DGRAM_BATCH + i) * (size_t)DGRAM_MAX;
	}
	return b;
}

void dgram_batch_free(struct dgram_batch *b)
{
	if (!b)
		return;
	free(b->room);
	free(b);
}

/* Where @mh's datagram was sent to, from its packet info. */
static void local_of(struct msghdr *mh, struct dgram *d)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *a = (void *)&d->local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			a->sin_family = AF_INET;
			a->sin_addr = pi.ipi_addr;
			d->ifindex = pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *a = (void *)&d->local;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			a->sin6_family = AF_INET6;
			a->sin6_addr = pi.ipi6_addr;
			d->ifindex = pi.ipi6_ifindex;
		}
	}
}

int dgram_recv(struct dgram_batch *b, int fd, bool pktinfo, struct dgram **d)
{
	struct dgram_side *s = &b->in;
	unsigned int i;
	int n;

	for (i = 0; i < DGRAM_BATCH; i++) {
		struct msghdr *mh = &s->mh[i].msg_hdr;

		s->iov[i].iov_base = s->d[i].buf;
		s->iov[i].iov_len = DGRAM_MAX;
		*mh = (struct msghdr){
			.msg_name = &s->d[i].peer,
			.msg_namelen = sizeof(s->d[i].peer),
			.msg_iov = &s->iov[i],
			.msg_iovlen = 1,
			.msg_control = pktinfo ? s->ctl[i].buf : NULL,
			.msg_controllen = pktinfo ? sizeof(s->ctl[i].buf) : 0,
		};
	}
	n = recvmmsg(fd, s->mh, DGRAM_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0)
		return -errno;
	for (i = 0; i < (unsigned int)n; i++) {
		s->d[i].len = s->mh[i].msg_len;
		memset(&s->d[i].local, 0, sizeof(s->d[i].local));
		s->d[i].ifindex = 0;
		if (pktinfo)
			local_of(&s->mh[i].msg_hdr, &s->d[i]);
	}
	*d = s->d;
	return n;
}

/* Answer from @d's local address: a wildcard socket must, or the client
 * drops the answer. */
static void set_source(struct msghdr *mh, union dgram_ctl *ctl,
		       const struct dgram *d)
{
	struct cmsghdr *c;

	memset(ctl, 0, sizeof(*ctl));
	if (d->local.ss_family == AF_INET) {
		struct in_pktinfo pi = {
			.ipi_spec_dst = ((const struct sockaddr_in *)&d->local)
						->sin_addr,
		};

		mh->msg_control = ctl->buf;
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
		c = CMSG_FIRSTHDR(mh);
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	} else if (d->local.ss_family == AF_INET6) {
		struct in6_pktinfo pi = {
			.ipi6_addr = ((const struct sockaddr_in6 *)&d->local)
					     ->sin6_addr,
			.ipi6_ifindex = d->ifindex,
		};

		mh->msg_control = ctl->buf;
		mh->msg_controllen = CMSG_SPACE(sizeof(pi));
		c = CMSG_FIRSTHDR(mh);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	}
}

bool dgram_queue(struct dgram_batch *b, const struct sockaddr_storage *peer,
		 const struct sockaddr_storage *local, int ifindex,
		 const uint8_t *buf, size_t len)
{
	struct dgram_side *s = &b->out;
	struct dgram *d = &s->d[s->n];
	struct msghdr *mh = &s->mh[s->n].msg_hdr;

	if (len > DGRAM_MAX)
		len = DGRAM_MAX; /* the kernel would refuse it anyway */
	memcpy(d->buf, buf, len);
	d->len = len;
	d->peer = *peer;
	d->local = *local;
	d->ifindex = ifindex;
	s->iov[s->n] = (struct iovec){ d->buf, len };
	*mh = (struct msghdr){
		.msg_name = &d->peer,
		.msg_namelen = addr_len(&d->peer),
		.msg_iov = &s->iov[s->n],
		.msg_iovlen = 1,
	};
	set_source(mh, &s->ctl[s->n], d);
	return ++s->n == DGRAM_BATCH;
}

bool dgram_pending(const struct dgram_batch *b)
{
	return b->out.n;
}

void dgram_flush(struct dgram_batch *b, int fd, dgram_fail_fn *fail, void *arg)
{
	struct dgram_side *s = &b->out;
	unsigned int i = 0;
	int n;

	while (i < s->n) {
		n = sendmmsg(fd, s->mh + i, s->n - i, MSG_DONTWAIT);
		if (n > 0) {
			i += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* The first of the rest was refused: drop it, send on. */
		if (fail)
			fail(&s->d[i].peer, n < 0 ? errno : EIO, arg);
		i++;
	}
	s->n = 0;
}
