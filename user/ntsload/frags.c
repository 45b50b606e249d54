// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/libbpf.h>

#include "flow.h"
#include "frags.h"
#include "log.h"

struct parked {
	struct frag_key key;
	__u64 at_ns;
	size_t len;
	__u8 ip[];	/* the IP packet, without its Ethernet header */
};

static void park(struct frag_park *fp, const struct frag_event *ev,
		 const __u8 *frame, size_t len)
{
	struct parked *p;

	if (len <= ETH_HLEN + sizeof(struct iphdr) || fp->n == FRAG_PARK_MAX) {
		fp->dropped++;
		return;
	}
	p = malloc(sizeof(*p) + len - ETH_HLEN);
	if (!p) {
		fp->dropped++;
		return;
	}
	p->key = ev->key;
	p->at_ns = mono_ns();
	p->len = len - ETH_HLEN;
	memcpy(p->ip, frame + ETH_HLEN, p->len);
	fp->p[fp->n++] = p;
}

/* Send the parked fragments of @ev's datagram to @ev->addr. */
static void release(struct frag_park *fp, const struct frag_event *ev)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct iphdr *ip;
	int i = 0;

	while (i < fp->n) {
		struct parked *p = fp->p[i];

		if (memcmp(&p->key, &ev->key, sizeof(ev->key))) {
			i++;
			continue;
		}
		/* The kernel fills in the header checksum (raw(7)). */
		ip = (struct iphdr *)p->ip;
		ip->daddr = ev->addr;
		to.sin_addr.s_addr = ev->addr;
		if (sendto(fp->raw, p->ip, p->len, 0, (void *)&to,
			   sizeof(to)) == (ssize_t)p->len)
			fp->sent++;
		else
			fp->dropped++;
		free(p);
		fp->p[i] = fp->p[--fp->n];
	}
}

static void on_event(void *ctx, int cpu, void *data, __u32 size)
{
	struct frag_park *fp = ctx;
	struct frag_event ev;

	(void)cpu;
	if (size < sizeof(ev))
		return;
	memcpy(&ev, data, sizeof(ev));
	if (ev.kind == FRAG_EV_PARK)
		park(fp, &ev, (const __u8 *)data + sizeof(ev),
		     size - sizeof(ev));
	else if (ev.kind == FRAG_EV_RELEASE)
		release(fp, &ev);
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	struct frag_park *fp = ctx;

	(void)cpu;
	fp->dropped += n;
}

int frag_park_init(struct frag_park *fp, int map_fd)
{
	int err;

	memset(fp, 0, sizeof(*fp));
	fp->raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fp->raw < 0) {
		err = -errno;
		pr_err("cannot open a raw socket for early fragments: %s",
		       strerror(-err));
		return err;
	}
	fp->pb = perf_buffer__new(map_fd, 8, on_event, on_lost, fp, NULL);
	if (!fp->pb) {
		err = -errno;
		pr_err("cannot read the frag_events map: %s", strerror(-err));
		close(fp->raw);
		fp->raw = -1;
		return err;
	}
	return 0;
}

void frag_park_fini(struct frag_park *fp)
{
	perf_buffer__free(fp->pb);
	fp->pb = NULL;
	if (fp->raw >= 0)
		close(fp->raw);
	fp->raw = -1;
	while (fp->n)
		free(fp->p[--fp->n]);
}

int frag_park_fd(const struct frag_park *fp)
{
	return fp->pb ? perf_buffer__epoll_fd(fp->pb) : -1;
}

void frag_park_input(struct frag_park *fp)
{
	if (fp->pb)
		perf_buffer__consume(fp->pb);
}

void frag_park_tick(struct frag_park *fp)
{
	__u64 now = mono_ns();
	int i = 0;

	while (i < fp->n) {
		if (now - fp->p[i]->at_ns <= FRAG_TIMEOUT_NS) {
			i++;
			continue;
		}
		free(fp->p[i]);
		fp->p[i] = fp->p[--fp->n];
		fp->expired++;
	}
}
