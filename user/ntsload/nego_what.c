// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "nego_what.h"

void nego_what(char *buf, size_t len, const struct nego_msg *m,
	       const struct nego_peer *p)
{
	char gn[INET6_ADDRSTRLEN + 4], src[INET_ADDRSTRLEN], name[FMT_ESCAPED_MAX];

	if (m->v6)
		inet_ntop(AF_INET6, m->gn6, gn, sizeof(gn));
	else
		inet_ntop(AF_INET, &m->gn, gn, sizeof(gn));
	/* A network (issue 20): its length, as CIDR writes it. */
	if (m->prefix)
		snprintf(gn + strlen(gn), sizeof(gn) - strlen(gn), "/%u",
			 m->plen);
	inet_ntop(AF_INET, &p->from.sin_addr, src, sizeof(src));
	fmt_escape(name, sizeof(name), m->fqdn, sizeof(m->fqdn));
	snprintf(buf, len, "%s for GN %s (from %s:%u)", name[0] ? name : "?",
		 gn, src, ntohs(p->from.sin_port));
}

void nego_event(struct log_limit *l, const char *verb, const struct nego_msg *m,
		const struct nego_peer *p, const char *fmt, ...)
{
	char what[NEGO_WHAT_MAX], rest[512];
	va_list ap;

	if (!log_limit_allow(l))
		return;
	nego_what(what, sizeof(what), m, p);
	va_start(ap, fmt);
	vsnprintf(rest, sizeof(rest), fmt, ap);
	va_end(ap);
	pr_info("%s%s%s %s%s", l->what ? l->what : "", l->what ? ": " : "",
		verb, what, rest);
}
