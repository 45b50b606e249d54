/* SPDX-License-Identifier: GPL-2.0 */
/* Host names as the PHL and NTS-Nego carry them. */
#ifndef NTS_DNSNAME_H
#define NTS_DNSNAME_H

#include <stddef.h>

/*
 * Copy @in to @out (@len >= 256 bytes, zero-padded): lowercase, without
 * a trailing dot. A host name only: labels of 1 to 63 letters, digits,
 * '-' or '_', at most 253 characters. 0 or -EINVAL.
 */
int dns_name_normalize(const char *in, char *out, size_t len);

#endif /* NTS_DNSNAME_H */
