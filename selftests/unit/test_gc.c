// SPDX-License-Identifier: GPL-2.0
/* Expiry (ntsload's GC) over flows the datapath made; time is faked. */
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "fixture.h"
#include "flow.h"
#include "gc.h"
#include "mapwalk.h"
#include "test.h"

#define SEC 1000000000ULL

static const struct nat_timeouts to = NAT_TIMEOUTS_DEFAULT;

static struct addr_set addrs_of(__u32 a)
{
	struct addr_set s = { .a = { htonl(a) }, .n = 1 };

	return s;
}

static int age_flow(const void *key, const void *value, void *ctx)
{
	struct nat_entry e = *(const struct nat_entry *)value;
	__u64 by = *(__u64 *)ctx;

	e.last_ns -= by;
	e.created_ns -= by;
	return bpf_map_update_elem(fx.maps.nat, key, &e, BPF_EXIST);
}

static int age_bind(const void *key, const void *value, void *ctx)
{
	struct nat_bind b = *(const struct nat_bind *)value;

	b.used_ns -= *(__u64 *)ctx;
	return bpf_map_update_elem(fx.maps.nat_bind, key, &b, BPF_EXIST);
}

/* Make every entry @sec seconds older: before boot too, in a fresh VM. */
static void age(unsigned int sec)
{
	__u64 by = sec * SEC;

	map_walk(fx.maps.nat, sizeof(struct nat_key), sizeof(struct nat_entry),
		 age_flow, &by);
	map_walk(fx.maps.nat_bind, sizeof(struct nat_bind_key),
		 sizeof(struct nat_bind), age_bind, &by);
}

static int count_cb(const void *k, const void *v, void *ctx)
{
	(void)k, (void)v;
	(*(int *)ctx)++;
	return 0;
}

static int entries(int fd, size_t ks, size_t vs)
{
	int n = 0;

	map_walk(fd, ks, vs, count_cb, &n);
	return n;
}

#define NAT_ENTRIES()                                                         \
	entries(fx.maps.nat, sizeof(struct nat_key), sizeof(struct nat_entry))
#define BIND_ENTRIES()                                                        \
	entries(fx.maps.nat_bind, sizeof(struct nat_bind_key),                \
		sizeof(struct nat_bind))

static void flow(__u8 proto, __u16 sport, bool reply, __u8 flags)
{
	struct pkt_spec s = {
		.proto = proto,
		.saddr = T_ALICE,
		.sport = sport,
		.daddr = T_REMOTE,
		.dport = 80,
		.tcp_flags = flags ? flags : 0x02,
		.icmp_type = 8,
	};
	struct pkt_info o;

	send_out(&s, &o);
	if (!reply)
		return;
	s = (struct pkt_spec){
		.proto = proto,
		.saddr = T_REMOTE,
		.sport = proto == IPPROTO_ICMP ? o.sport : 80,
		.daddr = T_WAN,
		.dport = o.sport,
		.tcp_flags = 0x12,
	};
	send_in(&s, NULL);
}

/* One expiry pass as ntsload's makes it, the programs loaded for it. */
static int gc_pass(const struct addr_set *addrs, struct gc_result *r)
{
	struct gc g;
	int err;

	err = gc_open(&g, &fx.maps);
	if (err)
		return err;
	err = gc_run(&g, addrs, &to, r);
	gc_close(&g);
	return err;
}

static struct gc_result gc(void)
{
	struct addr_set ours = addrs_of(T_WAN);
	struct gc_result r = {};

	ASSERT_OK(gc_pass(&ours, &r), "gc_run");
	return r;
}

TEST(udp_idle_expires)
{
	struct gc_result r;

	flow(IPPROTO_UDP, 5000, true, 0);
	ASSERT_EQ(NAT_ENTRIES(), 2, "two directions");
	ASSERT_EQ(BIND_ENTRIES(), 2, "inside and outside binding");
	age(to.udp - 10);
	r = gc();
	ASSERT_EQ(r.flows, 1, "alive before the timeout");
	ASSERT_EQ(NAT_ENTRIES(), 2, "still there");
	age(20);
	r = gc();
	ASSERT_EQ(r.flows_expired, 1, "expired after it");
	ASSERT_EQ(NAT_ENTRIES(), 0, "both directions gone");
	ASSERT_EQ(BIND_ENTRIES(), 0, "binding freed with its last flow");
}

TEST(tcp_established_long_timeout)
{
	flow(IPPROTO_TCP, 5000, true, 0);
	age(to.tcp_trans + 10);
	gc();
	ASSERT_EQ(NAT_ENTRIES(), 2, "established outlives the transitory "
				    "timeout");
	age(to.tcp_est);
	gc();
	ASSERT_EQ(NAT_ENTRIES(), 0, "gone after the established timeout");
}

TEST(tcp_half_open_short_timeout)
{
	flow(IPPROTO_TCP, 5000, false, 0);
	age(to.tcp_trans + 1);
	gc();
	ASSERT_EQ(NAT_ENTRIES(), 0, "a SYN nobody answered");
}

TEST(tcp_rst_short_timeout)
{
	flow(IPPROTO_TCP, 5000, true, 0);
	flow(IPPROTO_TCP, 5000, false, 0x04 | 0x10);
	age(to.tcp_trans + 1);
	gc();
	ASSERT_EQ(NAT_ENTRIES(), 0, "reset flows use the transitory timeout");
}

TEST(binding_lives_while_used)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 5000,
		.daddr = T_REMOTE2,
		.dport = 53,
	};

	flow(IPPROTO_UDP, 5000, false, 0);
	age(to.udp - 100);
	send_out(&s, NULL); /* a second flow of the same endpoint */
	age(150);
	gc();
	ASSERT_EQ(NAT_ENTRIES(), 2, "first flow gone, second alive");
	ASSERT_EQ(BIND_ENTRIES(), 2, "binding kept for the second");
}

TEST(old_wan_address_dropped)
{
	struct addr_set other = addrs_of(IP4(198, 51, 100, 99));
	struct gc_result r = {};

	flow(IPPROTO_UDP, 5000, true, 0);
	ASSERT_OK(gc_pass(&other, &r), "gc_run");
	ASSERT_EQ(NAT_ENTRIES(), 0, "flows of the old address");
	age(GC_BIND_GRACE_SEC + 1);
	ASSERT_OK(gc_pass(&other, &r), "gc_run");
	ASSERT_EQ(BIND_ENTRIES(), 0, "bindings of the old address");
}

TEST(orphan_in_entry_expires)
{
	struct nat_key k = {
		.saddr = htonl(T_REMOTE),
		.daddr = htonl(T_WAN),
		.sport = htons(80),
		.dport = htons(7000),
		.proto = IPPROTO_UDP,
		.dir = NAT_DIR_IN,
	};
	struct nat_entry e = {
		.addr = htonl(T_ALICE),
		.port = htons(7000),
		.last_ns = mono_ns(),
	};

	bpf_map_update_elem(fx.maps.nat, &k, &e, BPF_ANY);
	gc();
	ASSERT_EQ(NAT_ENTRIES(), 1, "kept while fresh");
	age(to.udp + 1);
	gc();
	ASSERT_EQ(NAT_ENTRIES(), 0, "an IN entry without its OUT twin");
}

TEST(flow_states)
{
	ASSERT_EQ(flow_state(IPPROTO_TCP, NAT_SEEN_PKT | NAT_SEEN_SYN, 0),
		  FLOW_TCP_SYN_SENT, "SYN only");
	ASSERT_EQ(flow_state(IPPROTO_TCP, NAT_SEEN_PKT, NAT_SEEN_PKT),
		  FLOW_TCP_ESTABLISHED, "both ways");
	ASSERT_EQ(flow_state(IPPROTO_TCP, NAT_SEEN_PKT | NAT_SEEN_FIN,
			     NAT_SEEN_PKT),
		  FLOW_TCP_CLOSING, "one FIN");
	ASSERT_EQ(flow_state(IPPROTO_TCP, NAT_SEEN_PKT | NAT_SEEN_FIN,
			     NAT_SEEN_PKT | NAT_SEEN_FIN),
		  FLOW_TCP_TIME_WAIT, "two FINs");
	ASSERT_EQ(flow_state(IPPROTO_TCP, NAT_SEEN_PKT,
			     NAT_SEEN_PKT | NAT_SEEN_RST),
		  FLOW_TCP_CLOSED, "RST");
	ASSERT_EQ(flow_timeout(&to, FLOW_TCP_ESTABLISHED), 7440, "est");
	ASSERT_EQ(flow_timeout(&to, FLOW_TCP_CLOSING), 240, "transitory");
	ASSERT_EQ(flow_timeout(&to, FLOW_UDP), 300, "udp");
	ASSERT_EQ(flow_timeout(&to, FLOW_ICMP), 60, "icmp");
}
