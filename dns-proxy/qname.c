// SPDX-License-Identifier: GPL-2.0
/* Questions for the log: the client's bytes, escaped where they must be. */
#include <stdbool.h> /* before ldns, or its bool is a char */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "fmt.h"
#include "qname.h"

/* Append @c to @buf (of @len, holding @o bytes), escaped. The new @o. */
static size_t put_escaped(char *buf, size_t len, size_t o, char c)
{
	if (c)
		fmt_escape(buf + o, len - o, &c, 1);
	else if (len - o > 4)
		memcpy(buf + o, "\\x00", 5);
	return o + strlen(buf + o);
}

/*
 * "alice.example.net. A" for the log. The name is the client's: read
 * from its labels, every byte a log line must not hold escaped.
 */
const char *qname_str(const uint8_t *m, const struct dnsmsg *msg, char *buf,
		      size_t len)
{
	uint8_t d[DNS_NAME_MAX];
	size_t n, i = 0, o = 0, l;
	char *type;

	n = msg->q_off ? dns_name_get(m, SIZE_MAX, msg->q_off, d, NULL) : 0;
	if (!n) {
		snprintf(buf, len, "(no question)");
		return buf;
	}
	buf[0] = '\0';
	while (i < n && d[i] && i + 1 + d[i] <= n) {
		for (l = d[i++]; l; l--)
			o = put_escaped(buf, len, o, d[i++]);
		o = put_escaped(buf, len, o, '.');
	}
	if (!o)
		o = put_escaped(buf, len, o, '.');
	type = ldns_rr_type2str(msg->qtype);
	snprintf(buf + o, len - o, " %s", type ? type : "?");
	free(type);
	return buf;
}
