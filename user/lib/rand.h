/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Random bytes for nonces, TxIDs and query IDs. getrandom() (and glibc's
 * arc4random(), which calls it each time) is a syscall: a NOTICE and its
 * answer each took one for the nonce. Bytes are drawn a batch at a time
 * into a buffer per thread, and handed out once each.
 */
#ifndef NTS_RAND_H
#define NTS_RAND_H

#include <stddef.h>

/* @len random bytes into @buf: 0, or -errno when the kernel has none. */
int nts_random(void *buf, size_t len);

#endif /* NTS_RAND_H */
