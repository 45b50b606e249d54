/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datagrams by the batch: one recvmmsg() reads up to DGRAM_BATCH of them,
 * with the address each was sent to (IP_PKTINFO, IPV6_PKTINFO), and
 * answers queued in one wakeup go out in one sendmmsg(). A syscall per
 * datagram was most of ntsdns's kernel time on the pass-through path.
 * Sockets and messages only: what a datagram means is the caller's.
 */
#ifndef NTSDNS_DGRAM_H
#define NTSDNS_DGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define DGRAM_BATCH 32

/* One datagram in, or one queued to go out. */
struct dgram {
	uint8_t *buf; /* DGRAM_MAX bytes of room */
	size_t len;
	struct sockaddr_storage peer;
	/* The address it was sent to, or to answer from (AF_UNSPEC: any). */
	struct sockaddr_storage local;
	int ifindex;
};

/* Room for any datagram: pages a datagram does not reach stay unused. */
#define DGRAM_MAX 65536

struct dgram_batch;

/* Room for DGRAM_BATCH datagrams each way; NULL when out of memory. */
struct dgram_batch *dgram_batch_new(void);
void dgram_batch_free(struct dgram_batch *b);

/*
 * Read what is waiting on @fd, up to DGRAM_BATCH datagrams; *@d points
 * at them (the batch's, until the next read). How many, or -errno.
 * With @pktinfo, each says where it was sent to.
 */
int dgram_recv(struct dgram_batch *b, int fd, bool pktinfo, struct dgram **d);

/*
 * Queue @len bytes for @peer, from @local if it is set; true when the
 * batch is full and wants dgram_flush() before the next.
 */
bool dgram_queue(struct dgram_batch *b, const struct sockaddr_storage *peer,
		 const struct sockaddr_storage *local, int ifindex,
		 const uint8_t *buf, size_t len);
/* Whether anything waits to go out. */
bool dgram_pending(const struct dgram_batch *b);
/* A queued datagram the socket refused, and why (errno). */
typedef void dgram_fail_fn(const struct sockaddr_storage *peer, int err,
			   void *arg);

/*
 * Send what is queued on @fd, as far as the socket takes it. A datagram
 * it refuses is dropped, as a lost one would be, and told to @fail.
 */
void dgram_flush(struct dgram_batch *b, int fd, dgram_fail_fn *fail, void *arg);

#endif /* NTSDNS_DGRAM_H */
