// SPDX-License-Identifier: GPL-2.0
/*
 * bench_dp: what the datapath costs per packet, against the floor of its
 * hook (a program that only parses and passes), with BPF_PROG_TEST_RUN.
 *
 * The programs rewrite packets in place, and a repeated test run would go
 * on with the rewritten packet; so every run gets a fresh copy of the
 * frame and the kernel's own timing of that one run (opts.duration,
 * syscall excluded) is summed, for the cases and for the floor alike.
 * Paths that open a flow get a new source port for every run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <nts/config.h>
#include <nts/ip6.h>
#include <nts/rc.h>

#include "datapath.h"
#include "log.h"
#include "pkt.h"
#include "stats.h"
#include "testnet.h"

#define ROUNDS 5

/*
 * A working set of many live flows, hit in random order, so that the
 * table is as cold as on a busy router: one inside host with WSET_PORTS
 * endpoints, each talking to flows / WSET_PORTS remote hosts. Its own
 * datapath, sized as ntsload --max-flows sizes it, with the frames of
 * each flow built up front, WSET_STRIDE bytes apart.
 */
#define WSET_FLOWS  1000000
#define WSET_PORTS  1000
#define WSET_STRIDE 64

struct wset {
	struct nts_datapath dp;
	struct nts_maps maps;
	unsigned long flows;	/* 0: not measured */
	unsigned char *out;	/* flow i's outbound packet */
	unsigned char *in;	/* and a reply to it, as translated */
	size_t out_len, in_len;
	__u64 rnd;		/* xorshift64 state */
};

struct bench {
	struct testnet tn;
	struct nts_datapath dp;
	struct nts_maps maps;
	struct bpf_object *floor;
	int floor_xdp;
	int floor_tc;
	unsigned long runs;	/* per round */
	int only;		/* -1, or the one case to run (for perf) */
	struct wset wset;
};

/*
 * One run of @prog on @frame: the kernel's time for it, in ns. What the
 * program made of the frame goes to @out (FRAME_MAX + 256 bytes) if set.
 */
static __u64 run_into(int prog, bool xdp, int ifindex, const void *frame,
		      size_t len, void *out)
{
	char data[FRAME_MAX + 256], scratch[FRAME_MAX + 256];
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data,
		    .data_size_in = len, .data_out = out ? out : scratch,
		    .data_size_out = sizeof(scratch), .repeat = 1);

	memcpy(data, frame, len);
	if (xdp) {
		o.ctx_in = &ctx;
		o.ctx_size_in = sizeof(ctx);
	}
	if (bpf_prog_test_run_opts(prog, &o)) {
		fprintf(stderr, "bench_dp: test run: %s\n", strerror(errno));
		exit(1);
	}
	return o.duration;
}

static __u64 run_once(int prog, bool xdp, int ifindex, const void *frame,
		      size_t len)
{
	return run_into(prog, xdp, ifindex, frame, len, NULL);
}

typedef size_t (*frame_fn)(struct bench *b, unsigned long i, void *frame);

/*
 * Empty a hash map in one walk. (Asking for the first key after every
 * delete rescans the buckets from the start: quadratic, and it was 93% of
 * bench_dp's time.)
 */
static void flush(int fd)
{
	char key[512], next[512];
	int err;

	err = bpf_map_get_next_key(fd, NULL, key);
	while (!err) {
		err = bpf_map_get_next_key(fd, key, next);
		bpf_map_delete_elem(fd, key);
		memcpy(key, next, sizeof(key));
	}
}

/* Paths that open flows start over every CHUNK runs (not timed). */
#define CHUNK 40000

static void rc_fill(struct bench *b);

static void tables_reset(struct bench *b)
{
	flush(b->maps.nat);
	flush(b->maps.nat_bind);
	flush(b->maps.rc);
	rc_fill(b);
}

/* ns per packet over b->runs runs */
static double measure(struct bench *b, int prog, bool xdp, frame_fn make,
		      bool opens)
{
	FRAME(frame);
	__u64 total = 0;
	unsigned long i;
	size_t len;

	for (i = 0; i < b->runs; i++) {
		if (opens && i % CHUNK == 0)
			tables_reset(b);
		len = make(b, i % CHUNK, frame);
		total += run_once(prog, xdp, b->tn.wan_ifindex, frame, len);
	}
	return (double)total / b->runs;
}

static void config(const struct testnet *tn, struct nts_datapath *dp,
		   const struct nts_maps *maps)
{
	struct nts_config cfg = {
		.wan_addr = htonl(T_WAN),
		.wan_ifindex = tn->wan_ifindex,
		.port_lo = 1024,
		.port_hi = 65535,
		.flags = NTS_CFG_ENABLED,
		.phl_min_ttl = 600,
		.nego_port = NTS_NEGO_PORT,
		.naddrs = 1,
		.addrs = { htonl(T_WAN) },
	};
	__u32 k = 0, lan = tn->lan_ifindex;

	struct nts_config6 c6 = { .nprefix = 1 };

	bpf_map_update_elem(maps->config, &k, &cfg, BPF_ANY);
	/* The IPv6 firewall on for the inside prefix (issue 19). */
	inet_pton(AF_INET6, "2001:db8:1::", &c6.prefix[0].net);
	c6.prefix[0].len = 64;
	bpf_map_update_elem(maps->config6, &k, &c6, BPF_ANY);
	/* The hit path as routers run it: redirected. */
	bpf_map_update_elem(nts_dp_tx_ports_fd(dp), &lan, &lan, BPF_ANY);
}

/* ---- frames ---- */

/*
 * A flow that is nothing special: not DNS (replies from port 53 are also
 * looked at for DNS UPDATE answers: a case of their own).
 */
#define PORT_PLAIN 5001

static size_t out_udp_to(unsigned short dport, void *frame)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 20000,
		.daddr = T_REMOTE,
		.dport = dport,
		.payload = 18,
	};

	return pkt_build(frame, &s);
}

static size_t out_udp(struct bench *b, unsigned long i, void *frame)
{
	(void)b, (void)i;
	return out_udp_to(PORT_PLAIN, frame);
}

/* A new inside endpoint every run: a new mapping and flow each time. */
static size_t out_udp_new(struct bench *b, unsigned long i, void *frame)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 1024 + i,
		.daddr = T_REMOTE,
		.dport = 53,
		.payload = 18,
	};

	(void)b;
	return pkt_build(frame, &s);
}

static size_t in_udp_from(unsigned short sport, void *frame)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_REMOTE,
		.sport = sport,
		.daddr = T_WAN,
		.dport = 20000,
		.payload = 18,
	};

	return pkt_build(frame, &s);
}

static size_t in_udp_reply(struct bench *b, unsigned long i, void *frame)
{
	(void)b, (void)i;
	return in_udp_from(PORT_PLAIN, frame);
}

static size_t in_dns_reply(struct bench *b, unsigned long i, void *frame)
{
	(void)b, (void)i;
	return in_udp_from(53, frame);
}

static size_t in_udp_stranger(struct bench *b, unsigned long i, void *frame)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_REMOTE2,
		.sport = 4444,
		.daddr = T_WAN,
		.dport = 5555,
		.payload = 18,
	};

	(void)b, (void)i;
	return pkt_build(frame, &s);
}

/* ---- IPv6: alice6:20000 <-> remote6:PORT_PLAIN, UDP, 18 bytes ---- */

#define ALICE6	"2001:db8:1::10"
#define REMOTE6 "2001:db8:100::10"

static size_t udp6(const char *src, const char *dst, unsigned short sport,
		   unsigned short dport, void *frame)
{
	unsigned char *f = frame, *ip = f + 14, *uh = ip + 40;
	__be16 p[3] = { htons(sport), htons(dport), htons(8 + 18) };

	memset(f, 0, 14 + 40 + 8 + 18);
	memcpy(f, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x86\xdd", 14);
	ip[0] = 0x60;
	ip[5] = 8 + 18;		/* payload length */
	ip[6] = IPPROTO_UDP;
	ip[7] = 64;
	inet_pton(AF_INET6, src, ip + 8);
	inet_pton(AF_INET6, dst, ip + 24);
	memcpy(uh, p, sizeof(p));
	return 14 + 40 + 8 + 18;
}

static size_t out6_udp(struct bench *b, unsigned long i, void *frame)
{
	(void)b, (void)i;
	return udp6(ALICE6, REMOTE6, 20000, PORT_PLAIN, frame);
}

static size_t in6_udp_reply(struct bench *b, unsigned long i, void *frame)
{
	(void)b, (void)i;
	return udp6(REMOTE6, ALICE6, PORT_PLAIN, 20000, frame);
}

/* GN's first packets, each from a new source port: each opens a flow. */
static size_t in_rc_open(struct bench *b, unsigned long i, void *frame)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_REMOTE,
		.sport = 1024 + i,
		.daddr = T_WAN,
		.dport = 5060,
		.payload = 18,
	};

	(void)b;
	return pkt_build(frame, &s);
}

/* The request cache entries for in_rc_open's GNs. */
static void rc_fill(struct bench *b)
{
	struct rc_entry e = {
		.inside = htonl(T_ALICE),
		.expires_ns = ~0ULL >> 1,
		.first_use_ns = 1, /* no grace shortening */
		.policy.flags = POLICY_ALL,
	};
	struct rc_key k = { .gn = htonl(T_REMOTE), .ext = htonl(T_WAN) };

	bpf_map_update_elem(b->maps.rc, &k, &e, BPF_ANY);
}

/* ---- the working set ---- */

static __u64 xorshift64(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Flow @i of the working set, leaving alice for a remote in 198.18/15. */
static size_t wset_out_frame(unsigned long i, void *frame)
{
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 20000 + i % WSET_PORTS,
		.daddr = IP4(198, 18, 0, 0) + i / WSET_PORTS,
		.dport = PORT_PLAIN,
		.payload = 18,
	};

	return pkt_build(frame, &s);
}

/*
 * Open every flow of the working set through tc egress and keep, for
 * each, its packet and the reply to the external endpoint it got.
 */
static int wset_fill(struct bench *b)
{
	struct nts_dp_sizes sz = { .flows = b->wset.flows };
	struct wset *w = &b->wset;
	char out[FRAME_MAX + 256];
	struct pkt_info pi;
	unsigned long i;
	FRAME(frame);
	int prog;

	w->out = calloc(w->flows, WSET_STRIDE);
	w->in = calloc(w->flows, WSET_STRIDE);
	if (!w->out || !w->in) {
		fprintf(stderr, "bench_dp: no memory for %lu frames\n",
			2 * w->flows);
		return -1;
	}
	if (nts_dp_load_sized(&w->dp, NULL, &sz))
		return -1;
	nts_dp_maps(&w->dp, &w->maps);
	config(&b->tn, &w->dp, &w->maps);
	prog = nts_dp_out_fd(&w->dp);
	for (i = 0; i < w->flows; i++) {
		struct pkt_spec r = {
			.proto = IPPROTO_UDP,
			.sport = PORT_PLAIN,
			.payload = 18,
		};

		/* pkt_build writes a whole FRAME_MAX: built apart, copied. */
		w->out_len = wset_out_frame(i, frame);
		if (w->out_len > WSET_STRIDE)
			return -1; /* WSET_STRIDE is too small for them */
		memcpy(w->out + i * WSET_STRIDE, frame, w->out_len);
		run_into(prog, false, b->tn.wan_ifindex, frame, w->out_len,
			 out);
		pkt_read(out, w->out_len, &pi);
		if (pi.saddr != T_WAN) {
			fprintf(stderr, "bench_dp: flow %lu of the working set "
				"was not opened: raise its table size?\n", i);
			return -1;
		}
		r.saddr = pi.daddr;
		r.daddr = pi.saddr;
		r.dport = pi.sport;
		w->in_len = pkt_build(frame, &r);
		memcpy(w->in + i * WSET_STRIDE, frame, w->in_len);
	}
	w->rnd = 0x9e3779b97f4a7c15ULL;
	return 0;
}

static void wset_free(struct wset *w)
{
	if (w->out)
		nts_dp_destroy(&w->dp);
	free(w->out);
	free(w->in);
}

/* ns per packet over b->runs packets of random flows of the working set */
static double measure_wset(struct bench *b, int prog, bool xdp)
{
	struct wset *w = &b->wset;
	const unsigned char *frames = xdp ? w->in : w->out;
	size_t len = xdp ? w->in_len : w->out_len;
	__u64 total = 0;
	unsigned long i, f;

	for (i = 0; i < b->runs; i++) {
		f = xorshift64(&w->rnd) % w->flows;
		total += run_once(prog, xdp, b->tn.wan_ifindex,
				  frames + f * WSET_STRIDE, len);
	}
	return (double)total / b->runs;
}

/* ---- cases ---- */

struct result {
	const char *id;		/* for the report */
	const char *name;
	const char *hook;
	double ns[ROUNDS];
	double floor[ROUNDS];
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats3(const double *v, double *min, double *med, double *max)
{
	double s[ROUNDS];

	memcpy(s, v, sizeof(s));
	qsort(s, ROUNDS, sizeof(s[0]), cmp_double);
	*min = s[0];
	*med = s[ROUNDS / 2];
	*max = s[ROUNDS - 1];
}

enum {
	XDP_HIT,
	XDP_HIT_DNS,
	XDP_MISS,
	XDP_RC_OPEN,
	TC_HIT,
	TC_NEW,
	XDP6_HIT,
	TC6_HIT,
	XDP_HIT_WSET,
	TC_HIT_WSET,
	NCASES,
};

static struct result results[NCASES] = {
	[XDP_HIT] = { "xdp_hit", "reply of a flow (NAT hit)", "XDP" },
	[XDP_HIT_DNS] = { "xdp_hit_dns",
			  "reply from port 53 (NAT hit, DNS UPDATE answer check)",
			  "XDP" },
	[XDP_MISS] = { "xdp_miss", "for the router (miss, no RC entry)", "XDP" },
	[XDP_RC_OPEN] = { "xdp_rc_open", "GN's first packet (RC opens a flow)", "XDP" },
	[TC_HIT] = { "tc_hit", "packet of a flow (NAT hit)", "tc" },
	[TC_NEW] = { "tc_new", "first packet (new mapping and flow)", "tc" },
	[XDP6_HIT] = { "xdp6_hit", "IPv6 reply of a flow (firewall hit)",
		       "XDP" },
	[TC6_HIT] = { "tc6_hit", "IPv6 packet of a flow (firewall hit)",
		      "tc" },
	/* name completed in main(): the size of the working set */
	[XDP_HIT_WSET] = { "xdp_hit_wset", NULL, "XDP" },
	[TC_HIT_WSET] = { "tc_hit_wset", NULL, "tc" },
};

/*
 * The working set's hits, each against its hook's floor on the same
 * random frames: the floor then pays the same cache misses on the frame.
 */
static void run_wset(struct bench *b, struct result *r, int round)
{
	int xin = nts_dp_in_fd(&b->wset.dp), tout = nts_dp_out_fd(&b->wset.dp);

	r[XDP_HIT_WSET].floor[round] = measure_wset(b, b->floor_xdp, true);
	r[TC_HIT_WSET].floor[round] = measure_wset(b, b->floor_tc, false);
	if (b->only < 0 || b->only == XDP_HIT_WSET)
		r[XDP_HIT_WSET].ns[round] = measure_wset(b, xin, true);
	if (b->only < 0 || b->only == TC_HIT_WSET)
		r[TC_HIT_WSET].ns[round] = measure_wset(b, tout, false);
}

/*
 * The IPv6 firewall's hits, against floors that pass the same IPv6
 * frames. The first tc run opens the flow; every later one hits it.
 */
static void run_v6(struct bench *b, struct result *r, int round, int xin,
		   int tout)
{
	r[XDP6_HIT].floor[round] =
		measure(b, b->floor_xdp, true, in6_udp_reply, false);
	r[TC6_HIT].floor[round] =
		measure(b, b->floor_tc, false, out6_udp, false);
	__u64 before[NTS_STAT_MAX], after[NTS_STAT_MAX];

	flush(b->maps.fw6);
	r[TC6_HIT].ns[round] = measure(b, tout, false, out6_udp, false);
	stats_read(b->maps.stats, before);
	if (b->only < 0 || b->only == XDP6_HIT)
		r[XDP6_HIT].ns[round] =
			measure(b, xin, true, in6_udp_reply, false);
	stats_read(b->maps.stats, after);
	/* A miss would time the drop path: say so rather than report it. */
	if ((b->only < 0 || b->only == XDP6_HIT) &&
	    after[NTS_STAT_FW6_IN_PASS] - before[NTS_STAT_FW6_IN_PASS] !=
		    b->runs)
		pr_err("bench_dp: the IPv6 replies did not all hit their flow "
		       "(%llu of %lu): the xdp6_hit row is not a hit",
		       (unsigned long long)(after[NTS_STAT_FW6_IN_PASS] -
					    before[NTS_STAT_FW6_IN_PASS]),
		       b->runs);
}

static void run_cases(struct bench *b, struct result *r)
{
	int xin = nts_dp_in_fd(&b->dp), tout = nts_dp_out_fd(&b->dp);
	int round, i;
	double fx, ft;
	FRAME(frame);

	for (round = 0; round < ROUNDS; round++) {
		tables_reset(b);
		fx = measure(b, b->floor_xdp, true, in_udp_reply, false);
		ft = measure(b, b->floor_tc, false, out_udp, false);
		for (i = 0; i < XDP6_HIT; i++)
			r[i].floor[round] = !strcmp(r[i].hook, "XDP") ? fx : ft;

		if (b->only < 0 || b->only == TC_NEW)
			r[TC_NEW].ns[round] =
				measure(b, tout, false, out_udp_new, true);
		tables_reset(b);
		/* Its first run opens alice:20000's flow, the rest hit it. */
		r[TC_HIT].ns[round] = measure(b, tout, false, out_udp, false);
		if (b->only < 0 || b->only == XDP_HIT)
			r[XDP_HIT].ns[round] =
				measure(b, xin, true, in_udp_reply, false);
		/* alice:20000's flow to port 53 (not timed) */
		run_once(tout, false, b->tn.wan_ifindex, frame,
			 out_udp_to(53, frame));
		if (b->only < 0 || b->only == XDP_HIT_DNS)
			r[XDP_HIT_DNS].ns[round] =
				measure(b, xin, true, in_dns_reply, false);
		if (b->only < 0 || b->only == XDP_MISS)
			r[XDP_MISS].ns[round] =
				measure(b, xin, true, in_udp_stranger, false);
		if (b->only < 0 || b->only == XDP_RC_OPEN)
			r[XDP_RC_OPEN].ns[round] =
				measure(b, xin, true, in_rc_open, true);
		run_v6(b, r, round, xin, tout);
		if (b->wset.flows)
			run_wset(b, r, round);
	}
}

static void report(const struct result *r, bool json, unsigned long runs,
		   unsigned long flows)
{
	double min, med, max, fmin, fmed, fmax;
	int i;

	if (json)
		printf("{\"runs_per_round\": %lu, \"rounds\": %d, "
		       "\"working_set_flows\": %lu, \"cases\": [",
		       runs, ROUNDS, flows);
	else
		printf("| hook | path | ns/packet min | median | max | floor "
		       "(median) | ratio |\n|---|---|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < NCASES; i++) {
		if (!r[i].name)
			continue;
		stats3(r[i].ns, &min, &med, &max);
		stats3(r[i].floor, &fmin, &fmed, &fmax);
		if (json)
			printf("%s\n {\"id\": \"%s\", \"hook\": \"%s\", "
			       "\"path\": \"%s\", "
			       "\"ns_min\": %.1f, \"ns_median\": %.1f, "
			       "\"ns_max\": %.1f, \"floor_median\": %.1f, "
			       "\"ratio\": %.2f}",
			       i ? "," : "", r[i].id, r[i].hook, r[i].name, min,
			       med, max,
			       fmed, med / fmed);
		else
			printf("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.2f× |\n",
			       r[i].hook, r[i].name, min, med, max, fmed,
			       med / fmed);
	}
	if (json)
		printf("\n]}\n");
}

/* The floor programs, next to this binary: bench/floor.bpf.o */
static int floor_load(struct bench *b, const char *argv0)
{
	char path[4096];
	struct bpf_object *obj;
	const char *slash = strrchr(argv0, '/');

	snprintf(path, sizeof(path), "%.*sbench/floor.bpf.o",
		 slash ? (int)(slash - argv0 + 1) : 0, argv0);
	obj = bpf_object__open_file(path, NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "bench_dp: cannot load %s\n", path);
		return -1;
	}
	b->floor = obj;
	b->floor_xdp = bpf_program__fd(
		bpf_object__find_program_by_name(obj, "floor_xdp"));
	b->floor_tc = bpf_program__fd(
		bpf_object__find_program_by_name(obj, "floor_tc"));
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "only", required_argument, NULL, 'o' },
		{ "flows", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct bench b = { .runs = 200000, .only = -1 };
	static char xdp_wset[128], tc_wset[128];
	bool json = false;
	char *end;
	int c;

	b.wset.flows = WSET_FLOWS;
	while ((c = getopt_long(argc, argv, "qjo:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			errno = 0;
			b.wset.flows = strtoul(optarg, &end, 10);
			if (errno || *end || *optarg == '-' ||
			    b.wset.flows > 16 * WSET_FLOWS ||
			    (b.wset.flows && b.wset.flows < WSET_PORTS)) {
				fprintf(stderr, "bench_dp: --flows %s: want 0 "
					"(none) or %d to %d\n", optarg,
					WSET_PORTS, 16 * WSET_FLOWS);
				return 2;
			}
			break;
		case 'o':
			b.only = atoi(optarg);
			break;
		case 'q':
			b.runs = 20000;
			break;
		case 'j':
			json = true;
			break;
		default:
			fprintf(c == 'h' ? stdout : stderr,
				"Usage: bench_dp [--quick] [--json] [--only N] "
				"[--flows N]\n"
				"Per-packet cost of the datapath against the "
				"floor of its hook (BPF_PROG_TEST_RUN),\n"
				"%d rounds of %lu runs per path (--quick: "
				"20000). --only N: case N only (and the tc hit "
				"case), for a profiler.\n"
				"--flows N: the working set hit in random order "
				"(default %d; 0: none).\n",
				ROUNDS, b.runs, WSET_FLOWS);
			return c == 'h' ? 0 : 2;
		}
	}
	if (b.wset.flows) {
		snprintf(xdp_wset, sizeof(xdp_wset), "reply of one of %lu "
			 "flows, in random order (NAT hit)", b.wset.flows);
		snprintf(tc_wset, sizeof(tc_wset), "packet of one of %lu "
			 "flows, in random order (NAT hit)", b.wset.flows);
		results[XDP_HIT_WSET].name = xdp_wset;
		results[TC_HIT_WSET].name = tc_wset;
	}
	nts_log_init("bench_dp", 0);
	if (testnet_setup(&b.tn) || nts_dp_load(&b.dp, NULL) ||
	    floor_load(&b, argv[0]))
		return 1;
	nts_dp_maps(&b.dp, &b.maps);
	config(&b.tn, &b.dp, &b.maps);
	if (b.wset.flows && wset_fill(&b))
		return 1;
	run_cases(&b, results);
	report(results, json, b.runs, b.wset.flows);
	wset_free(&b.wset);
	bpf_object__close(b.floor);
	nts_dp_destroy(&b.dp);
	return 0;
}
