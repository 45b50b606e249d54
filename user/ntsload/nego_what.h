/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the NOTICE path names a NOTICE in its log lines: "NAME for GN A
 * (from B:P)", the name escaped (it is the peer's, valid or not).
 */
#ifndef NTSLOAD_NEGO_WHAT_H
#define NTSLOAD_NEGO_WHAT_H

#include <stddef.h>

#include "fmt.h"
#include "log.h"
#include "nego.h"
#include "nego_path.h"

#define NEGO_WHAT_MAX (FMT_ESCAPED_MAX + 96)

void nego_what(char *buf, size_t len, const struct nego_msg *m,
	       const struct nego_peer *p);

/*
 * "VERB WHAT" and @fmt, within @l's lines a second; nothing is
 * formatted for a line that is left out.
 */
__attribute__((format(printf, 5, 6))) void
nego_event(struct log_limit *l, const char *verb, const struct nego_msg *m,
	   const struct nego_peer *p, const char *fmt, ...);

#endif /* NTSLOAD_NEGO_WHAT_H */
