// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <poll.h>
#include <time.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "nego_answer.h"

/* A full send buffer: wait this long for room, this many times. */
#define SNDBUF_WAIT_MS 10
#define SNDBUF_TRIES   3

struct encode_job {
	__u64 now;
	struct nego_outbox *ob;
};

/* On any thread: item @i's message into its buffer. */
static void encode_one(void *arg, size_t i)
{
	const struct encode_job *job = arg;
	struct nego_out *o = &job->ob->o[i];

	o->len = nego_encode(&o->m, o->key, job->now, o->buf, sizeof(o->buf));
}

/* One getrandom() for the nonces of all; 0 (none drawn) is drawn again. */
static void nonces(struct nego_outbox *ob)
{
	__u64 r[NEGO_BATCH];
	int i, j = NEGO_BATCH;

	for (i = 0; i < ob->n; i++, j++) {
		if (j == NEGO_BATCH) {
			if (getrandom(r, sizeof(r), 0) != sizeof(r))
				memset(r, 0, sizeof(r));
			j = 0;
		}
		ob->o[i].m.nonce = r[j];
	}
}

struct send_slot {
	char cbuf[CMSG_SPACE(sizeof(struct in_pktinfo))];
	struct iovec iov;
};

/* Up to NEGO_BATCH of @o, ready ones, into @mm: how many. */
static int prepare(struct nego_out *o, int n, struct mmsghdr *mm,
		   struct send_slot *slot)
{
	int i;

	for (i = 0; i < n; i++) {
		struct msghdr *mh = &mm[i].msg_hdr;

		memset(mh, 0, sizeof(*mh));
		slot[i].iov.iov_base = o[i].buf;
		slot[i].iov.iov_len = o[i].len;
		mh->msg_name = &o[i].to;
		mh->msg_namelen = sizeof(o[i].to);
		mh->msg_iov = &slot[i].iov;
		mh->msg_iovlen = 1;
		if (o[i].from) {
			struct cmsghdr *cm;
			struct in_pktinfo *pi;

			memset(slot[i].cbuf, 0, sizeof(slot[i].cbuf));
			mh->msg_control = slot[i].cbuf;
			mh->msg_controllen = sizeof(slot[i].cbuf);
			cm = CMSG_FIRSTHDR(mh);
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(*pi));
			pi = (void *)CMSG_DATA(cm);
			pi->ipi_spec_dst.s_addr = o[i].from;
		}
	}
	return n;
}

static void failed(struct nego_answer *a, const struct nego_out *o, int err,
		   struct nego_unsent *unsent, int max, int *nunsent)
{
	if (o->relay && *nunsent < max) {
		unsent[*nunsent].dst = o->to.sin_addr.s_addr;
		unsent[*nunsent].txid = o->m.txid;
		(*nunsent)++;
	}
	log_limited(a->log, "cannot %s %s: %s",
		    o->relay ? "relay a NOTICE to" : "answer",
		    inet_ntoa(o->to.sin_addr), strerror(err));
}

int nego_answer_send(struct nego_answer *a, struct nego_outbox *ob,
		     struct nego_unsent *unsent, int max)
{
	struct send_slot slot[NEGO_BATCH];
	struct mmsghdr mm[NEGO_BATCH];
	struct encode_job job = { .now = time(NULL), .ob = ob };
	int i = 0, nunsent = 0, full = 0;

	if (!ob->n)
		return 0;
	nonces(ob);
	pool_run(a->pool, encode_one, &job, ob->n);
	while (i < ob->n) {
		struct pollfd pfd = { .fd = a->fd, .events = POLLOUT };
		int n = 0, sent;

		/* What could not be encoded is not sent (it can't be). */
		if (ob->o[i].len < 0) {
			failed(a, &ob->o[i], (int)-ob->o[i].len, unsent, max,
			       &nunsent);
			i++;
			continue;
		}
		while (n < NEGO_BATCH && i + n < ob->n && ob->o[i + n].len >= 0)
			n++;
		prepare(&ob->o[i], n, mm, slot);
		sent = sendmmsg(a->fd, mm, n, 0);
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK ||
		     errno == ENOBUFS) &&
		    full++ < SNDBUF_TRIES) {
			poll(&pfd, 1, SNDBUF_WAIT_MS);
			continue;
		}
		full = 0;
		if (sent < 0) {
			/* The first of them failed: say so, go on after it. */
			failed(a, &ob->o[i], errno, unsent, max, &nunsent);
			sent = 1;
		}
		i += sent;
	}
	ob->n = 0;
	return nunsent;
}
