// SPDX-License-Identifier: GPL-2.0
/* Socket options shared by the listeners and the upstreams. */
#include <sys/socket.h>

#include "sock.h"

/* Bursts of 1,000 queries or answers at once must not be dropped. */
#define SOCK_BUF (4 * 1024 * 1024)

void sock_big_rcvbuf(int fd)
{
	int size = SOCK_BUF;

	/* Past rmem_max as root; the default otherwise is fine too. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}
