// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <bpf/bpf.h>

#include "flow.h"

__u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

const char *flow_state_name(enum flow_state st)
{
	static const char *const names[] = {
		[FLOW_UDP] = "-",
		[FLOW_ICMP] = "-",
		[FLOW_TCP_SYN_SENT] = "SYN_SENT",
		[FLOW_TCP_ESTABLISHED] = "ESTABLISHED",
		[FLOW_TCP_CLOSING] = "CLOSING",
		[FLOW_TCP_TIME_WAIT] = "TIME_WAIT",
		[FLOW_TCP_CLOSED] = "CLOSED",
	};

	return names[st];
}

unsigned int flow_timeout(const struct nat_timeouts *t, enum flow_state st)
{
	switch (st) {
	case FLOW_UDP:
		return t->udp;
	case FLOW_ICMP:
		return t->icmp;
	case FLOW_TCP_ESTABLISHED:
		return t->tcp_est;
	default:
		return t->tcp_trans;
	}
}

void flow_from_out(struct flow *f, int nat_fd, const struct nat_key *k,
		   const struct nat_entry *e)
{
	struct nat_key in;

	memset(f, 0, sizeof(*f));
	f->out = *k;
	f->oe = *e;
	nat_twin_key(&in, k, e);
	f->has_in = !bpf_map_lookup_elem(nat_fd, &in, &f->ie);
	f->state = flow_state(k->proto, e->seen, f->ie.seen);
	f->last_ns = e->last_ns > f->ie.last_ns ? e->last_ns : f->ie.last_ns;
}

const char *proto_name(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	default:
		return "?";
	}
}
