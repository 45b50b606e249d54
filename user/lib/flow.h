/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A NAT flow as user space sees it: both directions of the `nat` map
 * combined, its state and its idle timeout (DESIGN section 5).
 */
#ifndef NTS_FLOW_H
#define NTS_FLOW_H

#include <stdbool.h>
#include <linux/types.h>
#include <netinet/in.h>
#include <nts/flow.h>
#include <nts/nat.h>

struct nat_timeouts {
	unsigned int udp;
	unsigned int tcp_est;
	unsigned int tcp_trans;
	unsigned int icmp;
};

#define NAT_TIMEOUTS_DEFAULT                                                   \
	{ .udp = 300, .tcp_est = 7440, .tcp_trans = 240, .icmp = 60 }

struct flow {
	struct nat_key out;	/* inside -> remote */
	struct nat_entry oe;
	struct nat_entry ie;	/* zeroed when the IN direction is missing */
	bool has_in;
	enum flow_state state;
	__u64 last_ns;		/* last packet either way */
};

__u64 mono_ns(void);

const char *flow_state_name(enum flow_state st);
unsigned int flow_timeout(const struct nat_timeouts *t, enum flow_state st);

/*
 * Fill @f from the OUT entry (@k, @e), looking up its IN direction in
 * map @nat_fd.
 */
void flow_from_out(struct flow *f, int nat_fd, const struct nat_key *k,
		   const struct nat_entry *e);

const char *proto_name(__u8 proto);

#endif /* NTS_FLOW_H */
