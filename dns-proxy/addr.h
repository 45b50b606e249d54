/* SPDX-License-Identifier: GPL-2.0 */
/* Socket addresses as the command line and the log write them. */
#ifndef NTSDNS_ADDR_H
#define NTSDNS_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cidr.h"

/* "[v6]:port" at most, with its NUL. */
#define ADDR_STRLEN 64

/*
 * "1.2.3.4", "1.2.3.4:53", "::1", "[::1]", "[::1]:53" into @out, with
 * @port when none is given. 0 or -EINVAL.
 */
int addr_parse(const char *s, uint16_t port, struct sockaddr_storage *out);
/* "1.2.3.4:53" or "[::1]:53"; returns @buf. */
const char *addr_str(const struct sockaddr_storage *a, char *buf, size_t len);
/* The address alone, no port. */
const char *addr_host(const struct sockaddr_storage *a, char *buf, size_t len);
socklen_t addr_len(const struct sockaddr_storage *a);
/* Same family, address and port. */
bool addr_eq(const struct sockaddr_storage *a,
	     const struct sockaddr_storage *b);
/* 0.0.0.0 or :: */
bool addr_is_any(const struct sockaddr_storage *a);

/* Is @a an IPv4 address in @c (cidr4_parse() in user/lib/cidr.h)? */
bool cidr4_has(const struct nts_cidr4 *c, const struct sockaddr_storage *a);

#endif /* NTSDNS_ADDR_H */
