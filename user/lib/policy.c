// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "policy.h"

static int rule_parse(char *s, struct policy_rule *r)
{
	unsigned long lo, hi;
	char *port, *end;

	memset(r, 0, sizeof(*r));
	if (!strcmp(s, "icmp")) {
		r->proto = IPPROTO_ICMP;
		return 0;
	}
	port = strchr(s, '/');
	if (!port)
		return -EINVAL;
	*port++ = '\0';
	if (!strcmp(s, "tcp"))
		r->proto = IPPROTO_TCP;
	else if (!strcmp(s, "udp"))
		r->proto = IPPROTO_UDP;
	else
		return -EINVAL;
	lo = strtoul(port, &end, 10);
	hi = lo;
	if (*end == '-')
		hi = strtoul(end + 1, &end, 10);
	if (end == port || *end || lo < 1 || lo > hi || hi > 65535)
		return -EINVAL;
	r->lo = lo;
	r->hi = hi;
	return 0;
}

int policy_parse(const char *spec, struct nts_policy *p, char *err,
		 size_t errlen)
{
	char buf[512], *tok, *save;

	memset(p, 0, sizeof(*p));
	if (!strcmp(spec, "all")) {
		p->flags = POLICY_ALL;
		return 0;
	}
	if (!strcmp(spec, "none"))
		return 0;
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		goto bad;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (p->n == POLICY_RULES_MAX) {
			snprintf(err, errlen, "more than %d rules",
				 POLICY_RULES_MAX);
			return -EINVAL;
		}
		if (rule_parse(tok, &p->rules[p->n])) {
			snprintf(err, errlen,
				 "'%s' is not tcp/PORT, udp/LO-HI or icmp", tok);
			return -EINVAL;
		}
		p->n++;
	}
	if (p->n)
		return 0;
bad:
	snprintf(err, errlen, "'%s' is not all, none or a list like "
		 "tcp/22,udp/5060-5061,icmp", spec);
	return -EINVAL;
}

const char *policy_format(const struct nts_policy *p, char *buf, size_t len)
{
	size_t off = 0;
	__u32 i;

	if (p->flags & POLICY_ALL)
		return snprintf(buf, len, "all"), buf;
	if (!p->n)
		return snprintf(buf, len, "none"), buf;
	buf[0] = '\0';
	for (i = 0; i < p->n && i < POLICY_RULES_MAX && off < len; i++) {
		const struct policy_rule *r = &p->rules[i];
		const char *sep = i ? "," : "";

		if (r->proto == IPPROTO_ICMP)
			off += snprintf(buf + off, len - off, "%sicmp", sep);
		else if (r->lo == r->hi)
			off += snprintf(buf + off, len - off, "%s%s/%u", sep,
					r->proto == IPPROTO_TCP ? "tcp" : "udp",
					r->lo);
		else
			off += snprintf(buf + off, len - off, "%s%s/%u-%u", sep,
					r->proto == IPPROTO_TCP ? "tcp" : "udp",
					r->lo, r->hi);
	}
	return buf;
}
