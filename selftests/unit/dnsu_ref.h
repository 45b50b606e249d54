/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference DNS UPDATE parser: the rules of include/nts/phl.h on top
 * of libldns, to cross-check the BPF parser (differential test).
 */
#ifndef NTS_DNSU_REF_H
#define NTS_DNSU_REF_H

#include <stddef.h>
#include <stdint.h>

#include <nts/phl.h>
#include <nts/ip6.h>

enum dnsu_verdict {
	DNSU_IGNORED,	/* not an UPDATE request: not the snooper's business */
	DNSU_REFUSED,	/* an UPDATE the rules don't accept */
	DNSU_OK,	/* accepted; ops may be empty */
};

struct dnsu_result {
	enum dnsu_verdict verdict;
	unsigned int n;
	struct phl_op ops[PHL_OPS_MAX];
	unsigned int n6;		/* AAAA operations (nts/ip6.h) */
	struct phl6_op ops6[PHL_OPS_MAX];
};

void dnsu_ref_parse(const uint8_t *msg, size_t len, struct dnsu_result *r);

#endif /* NTS_DNSU_REF_H */
