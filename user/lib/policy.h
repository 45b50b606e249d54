/* SPDX-License-Identifier: GPL-2.0 */
/* Exposure policies as people write them: "tcp/22,tcp/80,udp/5060". */
#ifndef NTS_USER_POLICY_H
#define NTS_USER_POLICY_H

#include <stddef.h>

#include <nts/policy.h>

/*
 * "all", "none", or a comma-separated list of tcp/PORT, tcp/LO-HI,
 * udp/... and icmp (echo). 0, or -EINVAL with what is wrong in @err.
 */
int policy_parse(const char *spec, struct nts_policy *p, char *err,
		 size_t errlen);
/* The same notation back. */
const char *policy_format(const struct nts_policy *p, char *buf, size_t len);

#endif /* NTS_USER_POLICY_H */
