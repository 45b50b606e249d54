// SPDX-License-Identifier: GPL-2.0
/*
 * bench_scale: the NAT table at scale, for make bench (part 5).
 *
 * The datapath is loaded as ntsload --max-flows N loads it (the same
 * nts_dp_load_sized), in a private network namespace like bench_dp's, and
 * its tc egress program (BPF_PROG_TEST_RUN) opens N UDP flows: 1000
 * inside endpoints, each to N/1000 remote ones. Then ntsload's own expiry
 * pass (user/ntsload/gc.c, bpf/nts_gc.bpf.c) is timed over the full table: once with
 * nothing to expire, then when every flow has gone idle, pass after pass
 * until the table is empty (each pass deletes up to its budget). The memory is
 * what bpftool map show prints for the nat and nat_bind maps.
 *
 * Prints one JSON object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <nts/config.h>

#include "datapath.h"
#include "flow.h"
#include "gc.h"
#include "log.h"
#include "pkt.h"
#include "testnet.h"

#define ENDPOINTS 1000

static double clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/* This thread's CPU time: the pass runs in the kernel, in our syscall. */
static double cpu_ms(void)
{
	return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static void config(struct nts_maps *m, struct testnet *tn)
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
	__u32 k = 0;

	bpf_map_update_elem(m->config, &k, &cfg, BPF_ANY);
}

/* Open flow @i; the kernel's time for it (ns), or -1. */
static long long open_flow(int prog, unsigned long i)
{
	FRAME(frame);
	char out[FRAME_MAX + 256];
	struct pkt_spec s = {
		.proto = IPPROTO_UDP,
		.saddr = T_ALICE,
		.sport = 20000 + i % ENDPOINTS,
		/* remote endpoints in 198.18.0.0/15 */
		.daddr = 0xc6120000 + i / ENDPOINTS,
		.dport = 53,
		.payload = 18,
	};
	size_t len = pkt_build(frame, &s);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
		    .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	if (bpf_prog_test_run_opts(prog, &o))
		return -1;
	return o.duration;
}

/* bytes_memlock of map @fd, as bpftool map show prints it */
static long long memlock(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char cmd[128], line[4096], *p;
	long long v = -1;
	FILE *f;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -1;
	snprintf(cmd, sizeof(cmd), "bpftool -j map show id %u", info.id);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f)) {
		p = strstr(line, "\"bytes_memlock\":");
		if (p)
			v = atoll(p + strlen("\"bytes_memlock\":"));
	}
	pclose(f);
	return v;
}

static void print_list(const char *name, const double *v, int n, bool last)
{
	int i;

	printf("\"%s\": [", name);
	for (i = 0; i < n; i++)
		printf("%s%.3f", i ? ", " : "", v[i]);
	printf("]%s", last ? "" : ", ");
}

int main(int argc, char **argv)
{
	struct nts_dp_sizes sz = {};
	struct nat_timeouts live = NAT_TIMEOUTS_DEFAULT, idle = live;
	struct addr_set addrs = { .a = { htonl(T_WAN) }, .n = 1 };
	struct nts_datapath dp;
	struct nts_maps m;
	struct testnet tn;
	struct gc_result res;
	struct gc gc;
	double fill[16], gc_live[16], gc_idle[16], cpu_live[16], cpu_idle[16];
	double all_idle[16], npasses[16];
	double t, c;
	unsigned long flows, i, failed = 0, filled = 0, expired = 0;
	long long ns, sum;
	int rounds, r, prog;

	if (argc != 3 || (flows = strtoul(argv[1], NULL, 10)) < ENDPOINTS ||
	    (rounds = atoi(argv[2])) < 1 || rounds > 16) {
		fprintf(stderr, "usage: bench_scale FLOWS ROUNDS (1-16)\n");
		return 2;
	}
	nts_log_init("bench_scale", getenv("V") ? 2 : 0);
	sz.flows = flows;
	if (testnet_setup(&tn) || nts_dp_load_sized(&dp, NULL, &sz))
		return 1;
	nts_dp_maps(&dp, &m);
	config(&m, &tn);
	prog = nts_dp_out_fd(&dp);
	if (gc_open(&gc, &m))
		return 1;
	idle.udp = 1;

	for (r = 0; r < rounds; r++) {
		/* The previous round's flows are all gone: see below. */
		sum = 0;
		for (i = 0; i < flows; i++) {
			ns = open_flow(prog, i);
			if (ns < 0)
				failed++;
			else
				sum += ns;
		}
		fill[r] = (double)sum / flows;
		t = now_ms();
		c = cpu_ms();
		if (gc_run(&gc, &addrs, &live, &res)) {
			fprintf(stderr, "bench_scale: gc failed\n");
			return 1;
		}
		gc_live[r] = now_ms() - t;
		cpu_live[r] = cpu_ms() - c;
		filled = res.flows;
		/* A second later every flow is idle for a 1 s UDP timeout. */
		usleep(1100000);
		/*
		 * Pass after pass until the table is empty: each deletes up
		 * to its budget. The longest pass, and all of them.
		 */
		expired = 0;
		gc_idle[r] = cpu_idle[r] = all_idle[r] = 0;
		npasses[r] = 0;
		do {
			t = now_ms();
			c = cpu_ms();
			if (gc_run(&gc, &addrs, &idle, &res)) {
				fprintf(stderr, "bench_scale: gc failed\n");
				return 1;
			}
			t = now_ms() - t;
			c = cpu_ms() - c;
			if (t > gc_idle[r])
				gc_idle[r] = t;
			if (c > cpu_idle[r])
				cpu_idle[r] = c;
			all_idle[r] += c;
			if (getenv("V"))
				fprintf(stderr,
					"pass %.0f: %.0f ms CPU, %u expired, "
					"%u left\n", npasses[r], c,
					res.flows_expired, res.flows_left);
			npasses[r]++;
			expired += res.flows_expired;
		} while (res.flows && npasses[r] < 64);
	}
	printf("{\"flows\": %lu, \"live_after_fill\": %lu, \"expired\": %lu, "
	       "\"failed_runs\": %lu, \"nat_max_entries\": %lu, "
	       "\"memlock_nat\": %lld, \"memlock_nat_bind\": %lld, ",
	       flows, filled, expired, failed, 2 * flows, memlock(m.nat),
	       memlock(m.nat_bind));
	print_list("fill_ns_per_flow", fill, rounds, false);
	print_list("gc_live_ms", gc_live, rounds, false);
	print_list("gc_live_cpu_ms", cpu_live, rounds, false);
	print_list("gc_expire_ms", gc_idle, rounds, false);
	print_list("gc_expire_cpu_ms", cpu_idle, rounds, false);
	print_list("gc_expire_all_cpu_ms", all_idle, rounds, false);
	print_list("gc_expire_passes", npasses, rounds, true);
	printf("}\n");
	gc_close(&gc);
	nts_dp_destroy(&dp);
	return 0;
}
