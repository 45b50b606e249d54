/* SPDX-License-Identifier: GPL-2.0 */
/* A query's question as the log writes it: "alice.example.net. A". */
#ifndef NTSDNS_QNAME_H
#define NTSDNS_QNAME_H

#include <stddef.h>
#include <stdint.h>

#include "dnsmsg.h"

/* Room for qname_str(): an escaped name and a type. */
#define QNAME_STRLEN (4 * 255 + 32)

/*
 * The first question of @m (read into @msg), every byte a log line must
 * not hold escaped.
 */
const char *qname_str(const uint8_t *m, const struct dnsmsg *msg, char *buf,
		      size_t len);

#endif /* NTSDNS_QNAME_H */
