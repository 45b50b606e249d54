/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Datapath counters: the per-CPU `stats` array, indexed by enum nts_stat.
 * The list is written once here so that names and indices cannot drift.
 */
#ifndef NTS_STATS_H
#define NTS_STATS_H

#define NTS_STATS(X)                                                          \
	X(IN_PKTS, "in_pkts", "IPv4 packets seen on WAN ingress")             \
	X(IN_XLATE, "in_xlate", "inbound packets translated")                 \
	X(IN_REDIRECT, "in_redirect", "translated and redirected by XDP")     \
	X(IN_PASS_STACK, "in_pass_stack", "translated, forwarded by the stack") \
	X(IN_MISS, "in_miss", "for the router itself (no NAT entry)")         \
	X(IN_FRAG, "in_frag", "non-first fragments passed untranslated")      \
	X(IN_MALFORMED, "in_malformed", "malformed, passed untouched")        \
	X(IN_TTL, "in_ttl_drop", "dropped: TTL would expire at the router")   \
	X(OUT_PKTS, "out_pkts", "IPv4 packets seen on WAN egress")            \
	X(OUT_LOCAL, "out_local", "the router's own packets, untouched")      \
	X(OUT_XLATE, "out_xlate", "outbound packets translated")              \
	X(OUT_NEW, "out_new", "new outbound flows")                           \
	X(OUT_NEW_BIND, "out_new_bind", "new endpoint mappings")              \
	X(OUT_PORT_KEPT, "out_port_kept", "mappings that kept the source port") \
	X(OUT_FRAG, "out_frag", "non-first fragments, address rewritten")     \
	X(OUT_NO_PORT, "out_no_port", "dropped: no external port left")       \
	X(OUT_NO_SPACE, "out_no_space", "dropped: NAT table full")            \
	X(OUT_UNSUPP, "out_unsupported", "dropped: protocol not translated")  \
	X(OUT_MALFORMED, "out_malformed", "dropped: malformed")               \
	X(OUT_CSUM_ERR, "out_csum_err", "dropped: checksum update failed")

#define NTS_STAT_ENUM(id, name, help) NTS_STAT_##id,
enum nts_stat {
	NTS_STATS(NTS_STAT_ENUM)
	NTS_STAT_MAX
};
#undef NTS_STAT_ENUM

#endif /* NTS_STATS_H */
