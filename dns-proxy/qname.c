// SPDX-License-Identifier: GPL-2.0
/* Questions for the log: the client's bytes, escaped where they must be. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
const char *qname_str(const ldns_pkt *p, char *buf, size_t len)
{
	const ldns_rr_list *qs = ldns_pkt_question(p);
	const ldns_rr *rr =
		qs && ldns_rr_list_rr_count(qs) ? ldns_rr_list_rr(qs, 0) : NULL;
	const uint8_t *d;
	size_t n, i = 0, o = 0, l;
	char *type;

	if (!rr) {
		snprintf(buf, len, "(no question)");
		return buf;
	}
	d = ldns_rdf_data(ldns_rr_owner(rr));
	n = ldns_rdf_size(ldns_rr_owner(rr));
	buf[0] = '\0';
	while (i < n && d[i] && i + 1 + d[i] <= n) {
		for (l = d[i++]; l; l--)
			o = put_escaped(buf, len, o, d[i++]);
		o = put_escaped(buf, len, o, '.');
	}
	if (!o)
		o = put_escaped(buf, len, o, '.');
	type = ldns_rr_type2str(ldns_rr_get_type(rr));
	snprintf(buf + o, len - o, " %s", type ? type : "?");
	free(type);
	return buf;
}
