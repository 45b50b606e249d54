/* SPDX-License-Identifier: GPL-2.0 */
/* What every UDP socket of ntsdns wants, whichever module opens it. */
#ifndef NTSDNS_SOCK_H
#define NTSDNS_SOCK_H

/* A receive buffer for bursts of datagrams. */
void sock_big_rcvbuf(int fd);

#endif /* NTSDNS_SOCK_H */
