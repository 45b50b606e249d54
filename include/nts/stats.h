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
	X(IN_FILTER_OPEN, "in_filter_open", "flows opened from outside (EIF/ADF)") \
	X(IN_SYN_DROP, "in_syn_drop", "unsolicited SYNs dropped")              \
	X(IN_FRAG, "in_frag", "later fragments of no known datagram")         \
	X(IN_FRAG_XLATE, "in_frag_xlate", "later fragments translated")       \
	X(IN_FRAG_PARKED, "in_frag_parked", "early fragments handed to ntsload") \
	X(IN_ICMP_ERR, "in_icmp_err", "ICMP errors translated inbound")       \
	X(IN_MALFORMED, "in_malformed", "malformed, passed untouched")        \
	X(IN_TTL, "in_ttl_drop", "dropped: TTL would expire at the router")   \
	X(OUT_PKTS, "out_pkts", "IPv4 packets seen on WAN egress")            \
	X(OUT_LOCAL, "out_local", "the router's own packets, untouched")      \
	X(OUT_XLATE, "out_xlate", "outbound packets translated")              \
	X(OUT_NEW, "out_new", "new outbound flows")                           \
	X(OUT_NEW_BIND, "out_new_bind", "new endpoint mappings")              \
	X(OUT_PORT_KEPT, "out_port_kept", "mappings that kept the source port") \
	X(OUT_FRAG, "out_frag", "non-first fragments, address rewritten")     \
	X(OUT_ICMP_ERR, "out_icmp_err", "ICMP errors translated outbound")    \
	X(OUT_ICMP_ERR_DROP, "out_icmp_err_drop", "dropped: ICMP errors of no flow") \
	X(OUT_NO_PORT, "out_no_port", "dropped: no external port left")       \
	X(OUT_NO_PORT_ICMP, "out_no_port_icmp", "... and the sender told so (ICMP 3/13)") \
	X(OUT_NO_SPACE, "out_no_space", "dropped: NAT table full")            \
	X(OUT_UNSUPP, "out_unsupported", "dropped: protocol not translated")  \
	X(OUT_MALFORMED, "out_malformed", "dropped: malformed")               \
	X(OUT_CSUM_ERR, "out_csum_err", "dropped: checksum update failed")    \
	X(DNSU_SEEN, "dnsu_seen", "DNS UPDATEs seen leaving")                 \
	X(DNSU_PENDING, "dnsu_pending", "UPDATEs waiting for their answer")   \
	X(DNSU_NO_OPS, "dnsu_no_ops", "UPDATEs with nothing for the PHL")     \
	X(DNSU_REFUSED, "dnsu_unparsed", "UPDATEs the snooper can't parse")   \
	X(DNSU_TOO_BIG, "dnsu_too_big", "UPDATEs larger than the snooper reads") \
	X(PHL_COMMIT, "phl_commit", "UPDATEs answered NOERROR: applied")      \
	X(PHL_DISCARD, "phl_discard", "UPDATEs answered with an error: dropped") \
	X(PHL_ADD, "phl_add", "PHL names added or refreshed")                 \
	X(PHL_DEL, "phl_del", "PHL names deleted")                            \
	X(PHL_STATIC, "phl_static_kept", "operations on static names ignored") \
	X(PHL_FULL, "phl_full", "PHL full: names not added")                 \
	X(DNSU_UNTRUSTED, "dnsu_untrusted", "UPDATEs to servers not trusted (--ddns-server): ignored") \
	X(DNSU_ZONE, "dnsu_zone", "UPDATEs outside the zones given (--zone): ignored") \
	X(PHL_QUOTA, "phl_quota", "names refused: the host has its quota")   \
	X(PHL_MOVED, "phl_moved", "names moved to another inside host")      \
	X(HAIRPIN, "hairpin", "inside to inside through a mapping")          \
	X(HAIRPIN_FILTERED, "hairpin_filtered", "hairpin packets the filter stopped") \
	X(HAIRPIN_NO_ROUTE, "hairpin_no_route", "hairpin packets with no way on") \
	X(FASTPATH, "fastpath", "translated at LAN ingress, sent to WAN past the stack") \
	X(FASTPATH_STACK, "fastpath_stack", "of known flows, left to the stack (route, MTU, neighbour; 1/s a flow)") \
	X(RC_OPEN, "rc_open", "flows opened from the request cache")          \
	X(RC_EXPIRED, "rc_expired", "packets from a GN whose RC entry expired") \
	X(RC_NOT_OPENER, "rc_not_opener", "RC hits that can't open a flow (no SYN)") \
	X(RC_ROUTER_PORT, "rc_router_port", "RC hits for the router's own ports") \
	X(RC_POLICY, "rc_policy", "RC hits the host's exposure policy refused") \
	X(RC_NO_SPACE, "rc_no_space", "RC hits dropped: NAT table full")      \
	X(NEGO_FOREIGN, "nego_foreign", "NOTICEs from outside --nts-server, dropped by XDP") \
	/* counted by ntsload, not by the datapath: */                        \
	X(NEGO_NOTICE, "nego_notice", "authentic NOTICEs received")           \
	X(NEGO_ACCEPT, "nego_accept", "NOTICEs accepted: RC entry made")      \
	X(NEGO_REJECT, "nego_reject", "NOTICEs for names not in the PHL")     \
	X(NEGO_DEFERRED, "nego_deferred", "NOTICEs held: GN's RC busy (slide 21)") \
	X(NEGO_RELAYED, "nego_relayed", "NOTICEs relayed to an inner router")  \
	X(NEGO_BAD, "nego_bad", "refused: malformed, unsigned, bad key or MAC") \
	X(NEGO_STALE, "nego_stale", "refused: old time or replayed nonce")    \
	X(NEGO_RATE, "nego_rate", "refused: rate limit per GN or name")       \
	X(NEGO_RATE_SERVER, "nego_rate_server", "refused: rate limit per NTS server (--rate-server)") \
	X(NEGO_FULL, "nego_full", "refused: RC full or GN busy too long")    \
	X(GC_PASSES, "gc_passes", "expiry passes over the tables")          \
	X(GC_FLOWS_EXPIRED, "gc_flows_expired", "flows the expiry passes removed") \
	/* the IPv6 firewall (bpf/lib/fw6.h): */                              \
	X(FW6_OUT_NEW, "fw6_out_new", "IPv6 flows opened from inside")        \
	X(FW6_IN_PASS, "fw6_in_pass", "IPv6 packets of known flows let in")   \
	X(FW6_IN_DROP, "fw6_in_drop", "unsolicited IPv6 to an inside address, dropped") \
	X(FW6_ICMP_ERR, "fw6_icmp_err", "ICMPv6 errors about a flow, let in") \
	X(FW6_ICMP_ERR_DROP, "fw6_icmp_err_drop", "ICMPv6 errors about no flow, dropped") \
	X(FW6_FRAG, "fw6_frag", "later IPv6 fragments of a datagram let in")  \
	X(FW6_FRAG_DROP, "fw6_frag_drop", "later IPv6 fragments of no known datagram, dropped") \
	X(FW6_MALFORMED, "fw6_malformed", "malformed IPv6 to an inside address, dropped") \
	X(FW6_RC_OPEN, "fw6_rc_open", "IPv6 flows opened from the request cache") \
	X(FW6_RC_EXPIRED, "fw6_rc_expired", "IPv6 packets from a GN whose rc6 entry expired") \
	X(FW6_RC_NOT_OPENER, "fw6_rc_not_opener", "rc6 hits that can't open a flow (no SYN)") \
	X(FW6_RC_POLICY, "fw6_rc_policy", "rc6 hits the host's exposure policy refused") \
	X(GC_FW6_EXPIRED, "gc_fw6_expired", "IPv6 flows the expiry passes removed") \
	/* AAAA registrations (include/nts/ip6.h): */                          \
	X(PHL6_ADD, "phl6_add", "IPv6 PHL names added or refreshed")          \
	X(PHL6_DEL, "phl6_del", "IPv6 PHL names deleted")                     \
	X(PHL6_OUTSIDE, "phl6_outside", "AAAA addresses outside the inside prefixes: ignored") \
	X(PHL6_NOT_SENDER, "phl6_not_sender", "AAAA over IPv6 outside the sender's /64: ignored") \
	X(DNSU6_UNTRUSTED, "dnsu6_untrusted", "UPDATEs over IPv6 to servers not trusted (--ddns-server6): ignored") \
	/* prefix entries (issue 20, include/nts/rc.h): */                     \
	X(RC_PREFIX_OPEN, "rc_prefix_open", "flows opened from a prefix entry: its first host") \
	X(RC_PREFIX_LOST, "rc_prefix_lost", "prefix entries another host of the network took first") \
	/* counted by ntsload: */                                              \
	X(NEGO_PREFIX, "nego_prefix", "prefix NOTICEs accepted: prefix entry made") \
	X(NEGO_UNBOUND, "nego_unbound", "... of them for anyone (/0, --unbound-window)") \
	X(NEGO_PREFIX_REFUSED, "nego_prefix_refused", "prefix NOTICEs refused: shorter than --rc-min-prefix(6), /0 without --unbound-window, behind an inner router")

#define NTS_STAT_ENUM(id, name, help) NTS_STAT_##id,
enum nts_stat {
	NTS_STATS(NTS_STAT_ENUM)
	NTS_STAT_MAX
};
#undef NTS_STAT_ENUM

#endif /* NTS_STATS_H */
