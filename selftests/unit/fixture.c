// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <nts/config.h>
#include <nts/phl.h>
#include <nts/nat.h>

#include "fixture.h"
#include "ports.h"
#include "test.h"

struct fixture fx;

int fixture_setup(void)
{
	struct testnet tn;

	if (testnet_setup(&tn))
		return -1;
	fx.wan_ifindex = tn.wan_ifindex;
	fx.lan_ifindex = tn.lan_ifindex;

	if (nts_dp_load(&fx.dp, NULL))
		return -1;
	nts_dp_maps(&fx.dp, &fx.maps);
	fx.tx_ports = nts_dp_tx_ports_fd(&fx.dp);
	return 0;
}

void fixture_teardown(void)
{
	nts_dp_destroy(&fx.dp);
}

/*
 * Empty map @fd whatever its kind: hashes lose every key, arrays get
 * zeros in every slot (each CPU's too). A ring buffer can't be emptied
 * from here; the tests that read phl_events drain it themselves.
 */
static void map_clear(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), k;
	char key[sizeof(struct phl_key)];	/* the largest key of any map */
	void *zero;
	int ncpu;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	switch (info.type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		ncpu = info.type == BPF_MAP_TYPE_PERCPU_ARRAY ?
			       libbpf_num_possible_cpus() : 1;
		zero = calloc(ncpu, (info.value_size + 7) & ~7U);
		for (k = 0; zero && k < info.max_entries; k++)
			bpf_map_update_elem(fd, &k, zero, BPF_ANY);
		free(zero);
		break;
	case BPF_MAP_TYPE_RINGBUF:
		break;
	default:
		while (!bpf_map_get_next_key(fd, NULL, key))
			if (bpf_map_delete_elem(fd, key))
				break;
	}
}

void fixture_config(__u16 lo, __u16 hi)
{
	struct nts_config cfg = {
		.wan_addr = htonl(T_WAN),
		.wan_ifindex = fx.wan_ifindex,
		.port_lo = lo,
		.port_hi = hi,
		.flags = NTS_CFG_ENABLED,
		.phl_min_ttl = T_PHL_MIN_TTL,
		.nego_port = 20053,
		.naddrs = 1,
		.addrs = { htonl(T_WAN) },
		.phl_quota = T_PHL_QUOTA,
		.nddns = 1,
		.ddns = { { .addr = htonl(T_DDNS), .port = htons(53) } },
	};
	__u32 k = 0;

	bpf_map_update_elem(fx.maps.config, &k, &cfg, BPF_ANY);
}

/* Every map empty, through the one list of them (pin.h), then the config. */
void fixture_reset(void)
{
#define CLEAR(name) map_clear(fx.maps.name);
	NTS_MAPS(CLEAR)
#undef CLEAR
	map_clear(fx.tx_ports);
	fixture_config(T_PORT_LO, T_PORT_HI);
}

void fixture_flags(__u32 flags)
{
	struct nts_config cfg;
	__u32 k = 0;

	bpf_map_lookup_elem(fx.maps.config, &k, &cfg);
	cfg.flags |= flags;
	cfg.lan_ifindex = fx.lan_ifindex;
	bpf_map_update_elem(fx.maps.config, &k, &cfg, BPF_ANY);
}

void fixture_reserve(__u8 proto, __u16 port)
{
	__u32 k = proto == IPPROTO_TCP ? NTS_PORTS_TCP : NTS_PORTS_UDP;
	struct nts_ports p;

	bpf_map_lookup_elem(fx.maps.ports_used, &k, &p);
	ports_set(&p, port);
	bpf_map_update_elem(fx.maps.ports_used, &k, &p, BPF_ANY);
}

__u64 fixture_stat(enum nts_stat id)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v = calloc(ncpu, sizeof(__u64)), sum = 0;
	__u32 k = id;
	int c;

	if (!bpf_map_lookup_elem(fx.maps.stats, &k, v))
		for (c = 0; c < ncpu; c++)
			sum += v[c];
	free(v);
	return sum;
}

static int run(int prog_fd, void *frame, size_t *len, void *ctx,
	       size_t ctx_size)
{
	char out[FRAME_MAX + 256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = *len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = ctx,
		    .ctx_size_in = ctx_size, .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (!ASSERT_OK(err ? -errno : 0, "bpf_prog_test_run_opts"))
		return -1;
	memcpy(frame, out, opts.data_size_out);
	*len = opts.data_size_out;
	return opts.retval;
}

int run_out(void *frame, size_t *len)
{
	return run(nts_dp_out_fd(&fx.dp), frame, len, NULL, 0);
}

int run_in(void *frame, size_t *len)
{
	struct xdp_md ctx = {
		.data_end = *len,
		.ingress_ifindex = fx.wan_ifindex,
	};

	return run(nts_dp_in_fd(&fx.dp), frame, len, &ctx, sizeof(ctx));
}

int run_out_from(void *frame, size_t *len, int iif)
{
	struct __sk_buff ctx = { .ingress_ifindex = iif };

	return run(nts_dp_out_fd(&fx.dp), frame, len, &ctx, sizeof(ctx));
}

int run_lan_gso(void *frame, size_t *len, __u32 gso_size)
{
	struct __sk_buff ctx = {
		.ifindex = fx.lan_ifindex,
		.gso_segs = gso_size ? 2 : 0,
		.gso_size = gso_size,
	};

	return run(nts_dp_lan_fd(&fx.dp), frame, len, &ctx, sizeof(ctx));
}

int run_lan(void *frame, size_t *len)
{
	return run_lan_gso(frame, len, 0);
}

static int send_frame(int (*fn)(void *, size_t *), const struct pkt_spec *s,
		struct pkt_info *info)
{
	FRAME(frame);
	const char *bad;
	size_t len;
	int verdict;

	len = pkt_build(frame, s);
	verdict = fn(frame, &len);
	if (info)
		pkt_read(frame, len, info);
	/* Whatever comes out, its checksums must hold. */
	bad = pkt_csum_check(frame, len);
	if (bad && !s->l4_len) {
		test_report("wrong %s after translation", bad);
		test_fail();
	}
	return verdict;
}

int send_out(const struct pkt_spec *s, struct pkt_info *info)
{
	return send_frame(run_out, s, info);
}

int send_in(const struct pkt_spec *s, struct pkt_info *info)
{
	return send_frame(run_in, s, info);
}

int send_lan(const struct pkt_spec *s, struct pkt_info *info)
{
	return send_frame(run_lan, s, info);
}
