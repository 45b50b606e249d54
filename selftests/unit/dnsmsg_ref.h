/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dns-proxy/dnsmsg.c held to ldns: both read one message, and must agree
 * on whether it is one and on every field ntsdns uses. Shared by the
 * unit test (test_dnsmsg.c) and the ntsdns fuzz harness.
 */
#ifndef DNSMSG_REF_H
#define DNSMSG_REF_H

#include <stddef.h>
#include <stdint.h>

enum dnsmsg_ref {
	DNSMSG_REF_BOTH,    /* both read it, the same */
	DNSMSG_REF_NEITHER, /* both refuse it */
	DNSMSG_REF_STRICT,  /* dnsmsg.c refuses it on purpose (DNSMSG_STRICT) */
	DNSMSG_REF_DIFFER,  /* a bug: @why says where */
};

enum dnsmsg_ref dnsmsg_ref_check(const uint8_t *m, size_t len, char *why,
				 size_t wlen);

#endif /* DNSMSG_REF_H */
