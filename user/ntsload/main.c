// SPDX-License-Identifier: GPL-2.0
/*
 * ntsload: the NTS router daemon. Loads the NAT datapath onto the WAN
 * interface, keeps its tables, and runs in the foreground until SIGINT or
 * SIGTERM; SIGHUP reloads the key files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <linux/capability.h>
#include <fcntl.h>
#include <bpf/bpf.h>

#include <nts/phl.h>

#include "attach.h"
#include "cidr.h"
#include "datapath.h"
#include "dnsname.h"
#include "flow.h"
#include "fmt.h"
#include "frags.h"
#include "housekeep.h"
#include "instance.h"
#include "log.h"
#include "nego_server.h"
#include "netdev.h"
#include "phl_log.h"
#include "pin.h"
#include "ports.h"
#include "refresh.h"

#define KEY_FILES_MAX 32

struct ntsload {
	const char *ifname;
	int ifindex;
	struct addr_set addrs;	/* the router's, on IFACE */
	bool addrs_given;
	__be32 snat;		/* source of outbound NAT: addrs.a[0] */
	enum xdp_mode mode;
	enum xdp_mode got_mode;
	struct port_range range;
	bool range_given;
	const char *pin_opt;
	char pin_dir[PATH_MAX];
	bool keep;
	bool detach;
	struct nat_timeouts to;
	unsigned int phl_min_ttl;
	unsigned int gc_interval;
	struct nts_dp_sizes sizes;
	__u8 mapping;
	__u8 filtering;
	bool syn_pass;
	bool hairpin;
	const char *lan;
	int lan_ifindex;
	/* -k and --inner-key files, for a reload on SIGHUP */
	const char *key_files[KEY_FILES_MAX];
	int nkey_files;
	const char *inner_files[KEY_FILES_MAX];
	int ninner_files;
	struct nego_config nego_cfg;
	struct nego_server nego;
	struct frag_park frags;
	/* whom registrations are learnt from (include/nts/phl.h) */
	struct nts_ddns_server ddns[NTS_DDNS_MAX];
	unsigned int nddns;
	char zones[PHL_ZONES_MAX][PHL_NAME_MAX];
	unsigned int nzones;
	unsigned int names_per_host;
	struct nts_cidr4 nts[NTS_SERVERS_MAX];	/* --nts-server */
	unsigned int nnts;
	struct phl_log phl_log;
	struct housekeep hk;
	int lock_fd;
	__u32 qdisc_flags;	/* NTS_CFG_OWN_QDISC_*: clsact qdiscs we made */
	int instance_fd;	/* our claim on IFACE (instance.c) */
	struct nts_datapath dp;
	struct nts_maps maps;
};

/* clang-format off */
static void usage(FILE *f)
{
	fprintf(f,
"Usage: ntsload [OPTIONS] IFACE\n"
"       ntsload --detach [--pin-path DIR] IFACE\n"
"\n"
"Load the NTS NAT datapath onto the WAN interface IFACE: XDP on ingress,\n"
"tc on egress. Every packet that leaves IFACE with a source other than the\n"
"router's address is translated (NAPT), as iptables MASQUERADE would.\n"
"Runs in the foreground; SIGINT or SIGTERM detaches and unpins, SIGHUP\n"
"reloads the key files (-k, --inner-key), keeping the old keys on error.\n"
"\n"
"  -a, --addr ADDR          a global address the router owns on IFACE;\n"
"                           repeatable, up to 8, each one of IFACE's\n"
"                           (default: IFACE's addresses)\n"
"      --snat-addr ADDR     the source of outbound NAT (default: the first)\n"
"  -m, --xdp-mode MODE      native, generic or auto (default: auto, native\n"
"                           where the driver has it)\n"
"  -p, --port-range LO-HI   external ports for TCP, UDP and ICMP ids\n"
"                           (default: the larger stretch of 1024-65535\n"
"                           outside net.ipv4.ip_local_port_range;\n"
"                           fewer than 1024 ports there: refused)\n"
"  -P, --pin-path DIR       where to pin the maps (default:\n"
"                           " NTS_PIN_ROOT "/IFACE); a directory with\n"
"                           pins that are not ntsload's is refused\n"
"      --mapping KIND       eim (endpoint-independent, default), adm\n"
"                           (address-dependent) or apdm (address and port)\n"
"      --filtering KIND     eif (endpoint-independent), adf (address-\n"
"                           dependent) or apdf (address and port, default)\n"
"                           full cone = eim+eif, restricted cone = eim+adf,\n"
"                           port-restricted cone = eim+apdf, symmetric =\n"
"                           apdm+apdf\n"
"      --hairpin            let inside hosts reach each other through the\n"
"                           router's address and mapped ports (needs --lan)\n"
"      --lan IFACE          the inside interface (for --hairpin)\n"
"      --pass-unsolicited-syn  hand SYNs that open nothing to the router's\n"
"                           stack (it answers RST); default: drop them\n"
"      --keep               on exit, leave the datapath attached and the\n"
"                           maps pinned (a restart then loses no flow)\n"
"      --detach             remove a kept datapath and its maps, and exit\n"
"      --udp-timeout SEC    idle timeout of UDP flows (default 300)\n"
"      --tcp-timeout SEC    of established TCP flows (default 7440)\n"
"      --tcp-trans-timeout SEC  of other TCP flows (default 240)\n"
"      --icmp-timeout SEC   of ICMP echo flows (default 60)\n"
"      --phl-min-ttl SEC    a snooped registration lasts at least this long,\n"
"                           or its record's TTL if longer (default 86400)\n"
"      --gc-interval SEC    how often idle flows are looked for (default 1)\n"
"      --max-flows N        size of the NAT table, in flows (default 65536)\n"
"      --max-names N        size of the PHL, in names (default 16384)\n"
"      --max-rc N           size of the request cache (default 4096)\n"
"      --max-nonces N       NOTICE nonces remembered at once against replay\n"
"                           (default 1048576: 33,000 NOTICEs/s; 16-64\n"
"                           bytes each, taken as the rate needs them)\n"
"                           (sizes apply when the maps are created: maps\n"
"                           kept pinned with other sizes must be removed\n"
"                           first, ntsload --detach)\n"
"\n"
"Registrations (DNS UPDATEs of inside hosts, snooped):\n"
"      --ddns-server ADDR[:PORT]  learn from UPDATEs to this DDNS server\n"
"                           (port 53 by default) that it answers NOERROR;\n"
"                           repeatable, up to 8. Without it the router\n"
"                           learns no names (static ones: ntsctl phl add)\n"
"      --zone NAME          learn names only in this zone; repeatable, up\n"
"                           to 64 (default: any zone of the servers)\n"
"      --names-per-host N   snooped names an inside host may have, 0 for\n"
"                           no limit (default 16)\n"
"\n"
"NTS-Nego (the NTS server's notices):\n"
"  -k, --key FILE           accept NOTICEs signed with the keys in FILE, a\n"
"                           tsig-keygen -a hmac-sha256 key file (repeatable)\n"
"      --insecure           also accept unsigned NOTICEs (the paper's form)\n"
"      --nts-server CIDR    NOTICEs only from there, the rest dropped in XDP;\n"
"                           repeatable, up to 8 (default: from anywhere)\n"
"      --nego-port PORT     UDP port on the WAN address (default 20053)\n"
"      --rc-ttl SEC         how long an accepted NOTICE waits for GN's first\n"
"                           packet (default 5); after it, 1 s more\n"
"      --rate-gn N          NOTICEs per second per GN (default 10)\n"
"      --rate-name N        NOTICEs per second per name (default 50)\n"
"      --rate-server N      authentic NOTICEs per second from one NTS server\n"
"                           (source address; default 100000)\n"
"      --nego-threads N     threads that decode, check and sign NTS-Nego\n"
"                           messages, the main one included (default: one\n"
"                           per CPU ntsload may run on; 1: no other)\n"
"      --inner-key FILE     relay NOTICEs for hosts behind inner NTS routers\n"
"                           to them, signed with the key in FILE\n"
"      --relay-timeout MS   how long an inner router may take (default 400)\n"
"      --default-policy P   what a host without a policy of its own (ntsctl\n"
"                           policy) exposes to a negotiated GN: all\n"
"                           (default, the paper's behaviour) or none\n"
"  -v, --verbose            more messages; twice: libbpf and verifier logs\n"
"  -h, --help               this text\n");
}
/* clang-format on */

enum {
	OPT_KEEP = 256,
	OPT_DETACH,
	OPT_UDP_TO,
	OPT_TCP_TO,
	OPT_TCP_TRANS_TO,
	OPT_ICMP_TO,
	OPT_PHL_TTL,
	OPT_GC,
	OPT_INSECURE,
	OPT_NEGO_PORT,
	OPT_RC_TTL,
	OPT_RATE_GN,
	OPT_RATE_NAME,
	OPT_MAPPING,
	OPT_FILTERING,
	OPT_SYN_PASS,
	OPT_HAIRPIN,
	OPT_DEFAULT_POLICY,
	OPT_SNAT,
	OPT_INNER_KEY,
	OPT_RELAY_TIMEOUT,
	OPT_LAN,
	OPT_MAX_FLOWS,
	OPT_MAX_NAMES,
	OPT_MAX_RC,
	OPT_DDNS_SERVER,
	OPT_ZONE,
	OPT_NAMES_PER_HOST,
	OPT_NTS_SERVER,
	OPT_MAX_NONCES,
	OPT_RATE_SERVER,
	OPT_NEGO_THREADS,
};

static int parse_uint(const char *opt, const char *s, unsigned int min,
		      unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max) {
		pr_err("%s: '%s' is not a number from %u to %u", opt, s, min,
		       max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* RFC 4787's names, in the order of enum nat_mapping / nat_filtering. */
static const char *const mappings[] = { "eim", "adm", "apdm", NULL };
static const char *const filterings[] = { "apdf", "adf", "eif", NULL };

static int parse_kind(const char *opt, const char *s,
		      const char *const *names, __u8 *out)
{
	int i;

	for (i = 0; names[i]; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	pr_err("%s: '%s' is not one of %s, %s, %s", opt, s, names[0],
	       names[1], names[2]);
	return -EINVAL;
}

/* ADDR[:PORT], port 53 by default. */
static int parse_ddns_server(struct ntsload *l, const char *arg)
{
	char addr[INET_ADDRSTRLEN];
	const char *colon = strchr(arg, ':');
	unsigned int port = 53;
	struct in_addr a;
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	int i;

	if (n >= sizeof(addr) || (memcpy(addr, arg, n), addr[n] = '\0',
				  inet_pton(AF_INET, addr, &a) != 1)) {
		pr_err("--ddns-server: '%s' is not ADDR[:PORT] with an IPv4 "
		       "address",
		       arg);
		return -EINVAL;
	}
	if (colon && parse_uint("--ddns-server port", colon + 1, 1, 65535,
				&port))
		return -EINVAL;
	for (i = 0; i < (int)l->nddns; i++)
		if (l->ddns[i].addr == a.s_addr &&
		    l->ddns[i].port == htons(port))
			return 0;
	if (l->nddns == NTS_DDNS_MAX) {
		pr_err("--ddns-server: %d servers at most", NTS_DDNS_MAX);
		return -EINVAL;
	}
	l->ddns[l->nddns].addr = a.s_addr;
	l->ddns[l->nddns].port = htons(port);
	l->nddns++;
	return 0;
}

static int parse_zone(struct ntsload *l, const char *arg)
{
	char *z;

	if (l->nzones == PHL_ZONES_MAX) {
		pr_err("--zone: %d zones at most", PHL_ZONES_MAX);
		return -EINVAL;
	}
	z = l->zones[l->nzones];
	if (dns_name_normalize(arg, z, PHL_NAME_MAX)) {
		pr_err("--zone: '%s' is not a domain name (labels of letters, "
		       "digits, '-' and '_')",
		       arg);
		return -EINVAL;
	}
	l->nzones++;
	return 0;
}

/* Load key file @path into @kr, and remember it for SIGHUP. */
static int key_file(const char **files, int *n, struct nts_keyring *kr,
		    const char *opt, const char *path)
{
	char why[512];
	int err;

	if (*n == KEY_FILES_MAX) {
		pr_err("%s: %d files at most", opt, KEY_FILES_MAX);
		return -E2BIG;
	}
	err = keys_load(kr, path, why, sizeof(why));
	if (err) {
		pr_err("%s: %s", opt, why);
		return err;
	}
	files[(*n)++] = path;
	return 0;
}

static int parse_args(struct ntsload *l, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "xdp-mode", required_argument, NULL, 'm' },
		{ "port-range", required_argument, NULL, 'p' },
		{ "pin-path", required_argument, NULL, 'P' },
		{ "keep", no_argument, NULL, OPT_KEEP },
		{ "detach", no_argument, NULL, OPT_DETACH },
		{ "udp-timeout", required_argument, NULL, OPT_UDP_TO },
		{ "tcp-timeout", required_argument, NULL, OPT_TCP_TO },
		{ "tcp-trans-timeout", required_argument, NULL,
		  OPT_TCP_TRANS_TO },
		{ "icmp-timeout", required_argument, NULL, OPT_ICMP_TO },
		{ "phl-min-ttl", required_argument, NULL, OPT_PHL_TTL },
		{ "gc-interval", required_argument, NULL, OPT_GC },
		{ "key", required_argument, NULL, 'k' },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "nego-port", required_argument, NULL, OPT_NEGO_PORT },
		{ "rc-ttl", required_argument, NULL, OPT_RC_TTL },
		{ "rate-gn", required_argument, NULL, OPT_RATE_GN },
		{ "rate-name", required_argument, NULL, OPT_RATE_NAME },
		{ "mapping", required_argument, NULL, OPT_MAPPING },
		{ "filtering", required_argument, NULL, OPT_FILTERING },
		{ "pass-unsolicited-syn", no_argument, NULL, OPT_SYN_PASS },
		{ "hairpin", no_argument, NULL, OPT_HAIRPIN },
		{ "default-policy", required_argument, NULL,
		  OPT_DEFAULT_POLICY },
		{ "snat-addr", required_argument, NULL, OPT_SNAT },
		{ "inner-key", required_argument, NULL, OPT_INNER_KEY },
		{ "relay-timeout", required_argument, NULL,
		  OPT_RELAY_TIMEOUT },
		{ "lan", required_argument, NULL, OPT_LAN },
		{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
		{ "max-names", required_argument, NULL, OPT_MAX_NAMES },
		{ "max-rc", required_argument, NULL, OPT_MAX_RC },
		{ "ddns-server", required_argument, NULL, OPT_DDNS_SERVER },
		{ "zone", required_argument, NULL, OPT_ZONE },
		{ "names-per-host", required_argument, NULL,
		  OPT_NAMES_PER_HOST },
		{ "nts-server", required_argument, NULL, OPT_NTS_SERVER },
		{ "max-nonces", required_argument, NULL, OPT_MAX_NONCES },
		{ "rate-server", required_argument, NULL, OPT_RATE_SERVER },
		{ "nego-threads", required_argument, NULL, OPT_NEGO_THREADS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c, verbose = 0, err = 0;
	unsigned int port;
	struct in_addr a;

	while ((c = getopt_long(argc, argv, "a:m:p:P:k:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &a) != 1) {
				pr_err("--addr: '%s' is not an IPv4 address",
				       optarg);
				return -EINVAL;
			}
			if (l->addrs.n == NTS_ADDRS_MAX) {
				pr_err("--addr: %d addresses at most",
				       NTS_ADDRS_MAX);
				return -EINVAL;
			}
			if (!addr_set_has(&l->addrs, a.s_addr))
				l->addrs.a[l->addrs.n++] = a.s_addr;
			l->addrs_given = true;
			break;
		case OPT_SNAT:
			if (inet_pton(AF_INET, optarg, &a) != 1) {
				pr_err("--snat-addr: '%s' is not an IPv4 "
				       "address",
				       optarg);
				return -EINVAL;
			}
			l->snat = a.s_addr;
			break;
		case 'm':
			if (xdp_mode_parse(optarg, &l->mode)) {
				pr_err("--xdp-mode: '%s' is not native, "
				       "generic or auto",
				       optarg);
				return -EINVAL;
			}
			break;
		case 'p':
			if (port_range_parse(optarg, &l->range)) {
				pr_err("--port-range: '%s' is not LO-HI with "
				       "1 <= LO <= HI <= 65535",
				       optarg);
				return -EINVAL;
			}
			l->range_given = true;
			break;
		case 'P':
			l->pin_opt = optarg;
			break;
		case OPT_KEEP:
			l->keep = true;
			break;
		case OPT_DETACH:
			l->detach = true;
			break;
		case OPT_UDP_TO:
			err = parse_uint("--udp-timeout", optarg, 1, 86400,
					 &l->to.udp);
			break;
		case OPT_TCP_TO:
			err = parse_uint("--tcp-timeout", optarg, 1, 864000,
					 &l->to.tcp_est);
			break;
		case OPT_TCP_TRANS_TO:
			err = parse_uint("--tcp-trans-timeout", optarg, 1,
					 86400, &l->to.tcp_trans);
			break;
		case OPT_ICMP_TO:
			err = parse_uint("--icmp-timeout", optarg, 1, 86400,
					 &l->to.icmp);
			break;
		case OPT_PHL_TTL:
			err = parse_uint("--phl-min-ttl", optarg, 1,
					 365 * 86400, &l->phl_min_ttl);
			break;
		case OPT_GC:
			err = parse_uint("--gc-interval", optarg, 1, 3600,
					 &l->gc_interval);
			break;
		case 'k':
			err = key_file(l->key_files, &l->nkey_files,
				       &l->nego.keys, "--key", optarg);
			break;
		case OPT_INNER_KEY:
			err = key_file(l->inner_files, &l->ninner_files,
				       &l->nego.inner_keys, "--inner-key",
				       optarg);
			break;
		case OPT_RELAY_TIMEOUT:
			err = parse_uint("--relay-timeout", optarg, 10, 10000,
					 &l->nego_cfg.relay_timeout_ms);
			break;
		case OPT_INSECURE:
			l->nego_cfg.insecure = true;
			break;
		case OPT_NEGO_PORT:
			err = parse_uint("--nego-port", optarg, 1, 65535,
					 &port);
			l->nego_cfg.port = port;
			break;
		case OPT_RC_TTL:
			err = parse_uint("--rc-ttl", optarg, 1, 3600,
					 &l->nego_cfg.rc_ttl);
			break;
		case OPT_RATE_GN:
			err = parse_uint("--rate-gn", optarg, 1, 1000000,
					 &l->nego_cfg.rate_gn);
			break;
		case OPT_MAPPING:
			err = parse_kind("--mapping", optarg, mappings,
					 &l->mapping);
			break;
		case OPT_FILTERING:
			err = parse_kind("--filtering", optarg, filterings,
					 &l->filtering);
			break;
		case OPT_SYN_PASS:
			l->syn_pass = true;
			break;
		case OPT_HAIRPIN:
			l->hairpin = true;
			break;
		case OPT_DEFAULT_POLICY:
			if (strcmp(optarg, "all") && strcmp(optarg, "none")) {
				pr_err("--default-policy: all or none");
				return -EINVAL;
			}
			l->nego_cfg.expose_none = !strcmp(optarg, "none");
			break;
		case OPT_LAN:
			l->lan = optarg;
			break;
		case OPT_RATE_NAME:
			err = parse_uint("--rate-name", optarg, 1, 1000000,
					 &l->nego_cfg.rate_name);
			break;
		case OPT_RATE_SERVER:
			err = parse_uint("--rate-server", optarg, 1, 100000000,
					 &l->nego_cfg.rate_server);
			break;
		case OPT_NEGO_THREADS:
			err = parse_uint("--nego-threads", optarg, 1, 16,
					 &l->nego_cfg.threads);
			break;
		case OPT_MAX_FLOWS:
			err = parse_uint("--max-flows", optarg, 1024, 1U << 24,
					 &l->sizes.flows);
			break;
		case OPT_MAX_NAMES:
			err = parse_uint("--max-names", optarg, 16, 1U << 22,
					 &l->sizes.names);
			break;
		case OPT_MAX_RC:
			err = parse_uint("--max-rc", optarg, 16, 1U << 20,
					 &l->sizes.rc);
			break;
		case OPT_DDNS_SERVER:
			err = parse_ddns_server(l, optarg);
			break;
		case OPT_ZONE:
			err = parse_zone(l, optarg);
			break;
		case OPT_MAX_NONCES:
			err = parse_uint("--max-nonces", optarg, 1024, 1U << 26,
					 &l->nego_cfg.replay_max);
			break;
		case OPT_NTS_SERVER:
			if (l->nnts == NTS_SERVERS_MAX) {
				pr_err("--nts-server: %d networks at most",
				       NTS_SERVERS_MAX);
				return -EINVAL;
			}
			if (cidr4_parse(optarg, &l->nts[l->nnts])) {
				pr_err("--nts-server: '%s' is not an IPv4 "
				       "address or ADDR/LEN",
				       optarg);
				return -EINVAL;
			}
			l->nnts++;
			break;
		case OPT_NAMES_PER_HOST:
			err = parse_uint("--names-per-host", optarg, 0,
					 1U << 22, &l->names_per_host);
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "Try 'ntsload --help'.\n");
			return -EINVAL;
		}
		if (err)
			return err;
	}
	nts_log_init("ntsload", verbose);
	if (optind != argc - 1) {
		pr_err(optind == argc ? "which interface? (ntsload IFACE)" :
					"one interface only");
		fprintf(stderr, "Try 'ntsload --help'.\n");
		return -EINVAL;
	}
	l->ifname = argv[optind];
	if (l->hairpin && !l->lan) {
		pr_err("--hairpin needs the inside interface: --lan IFACE");
		return -EINVAL;
	}
	return 0;
}

/* CAP_NET_ADMIN for attaching, CAP_BPF or CAP_SYS_ADMIN for loading. */
static bool have_caps(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {};
	__u64 eff;

	if (syscall(SYS_capget, &h, d))
		return geteuid() == 0;
	eff = d[0].effective | (__u64)d[1].effective << 32;
	return (eff & (1ULL << CAP_NET_ADMIN)) &&
	       (eff & ((1ULL << CAP_BPF) | (1ULL << CAP_SYS_ADMIN)));
}

static int check_env(struct ntsload *l)
{
	int err;

	if (!have_caps()) {
		pr_err("must run as root (loading BPF programs needs CAP_BPF "
		       "and CAP_NET_ADMIN)");
		return -EPERM;
	}
	l->ifindex = if_nametoindex(l->ifname);
	if (!l->ifindex) {
		pr_err("no interface '%s' in this network namespace (see: ip "
		       "link)",
		       l->ifname);
		return -ENODEV;
	}
	if (l->lan) {
		l->lan_ifindex = if_nametoindex(l->lan);
		if (!l->lan_ifindex || l->lan_ifindex == l->ifindex) {
			pr_err("--lan: '%s' is not an inside interface of this "
			       "network namespace",
			       l->lan);
			return -ENODEV;
		}
	}
	if (nts_pin_dir(l->pin_dir, sizeof(l->pin_dir), l->pin_opt,
			l->ifname)) {
		pr_err("pin path too long");
		return -ENAMETOOLONG;
	}
	err = nts_bpffs_check(l->pin_dir);
	if (err == -ENOTSUP) {
		if (l->pin_opt)
			pr_err("%s is not on a BPF file system; mount one "
			       "there (mount -t bpf bpf DIR) or choose another "
			       "--pin-path",
			       l->pin_dir);
		else
			pr_err("%s is not a BPF file system; mount it: mount "
			       "-t bpf bpf %s",
			       NTS_BPFFS, NTS_BPFFS);
		return err;
	} else if (err) {
		pr_err("cannot check %s: %s", l->pin_dir, strerror(-err));
		return err;
	}
	return 0;
}

/* One ntsload per pin directory: hold a lock on the directory itself. */
static int lock_pins(struct ntsload *l, bool create)
{
	int err;

	if (create) {
		err = nts_pin_mkdir(l->pin_dir);
		if (err) {
			pr_err("cannot create %s: %s", l->pin_dir,
			       strerror(-err));
			return err;
		}
	}
	l->lock_fd = open(l->pin_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->lock_fd < 0)
		return -errno;
	if (flock(l->lock_fd, LOCK_EX | LOCK_NB)) {
		pr_err("another ntsload is running on %s (maps in %s); stop "
		       "it first",
		       l->ifname, l->pin_dir);
		close(l->lock_fd);
		l->lock_fd = -1;
		return -EBUSY;
	}
	return 0;
}

/*
 * Remove our pins and, if nothing else is there, the directory. Others'
 * pins in a shared --pin-path are theirs: left, and said so.
 */
static int unpin(struct ntsload *l)
{
	/* Names somebody else chose: escaped for the log. */
	char other[256], name[4 * sizeof(other)];
	int err;

	err = nts_pin_remove(l->pin_dir, nts_dp_pins);
	if (err) {
		pr_err("cannot remove the maps pinned in %s: %s", l->pin_dir,
		       strerror(-err));
		return err;
	}
	if (nts_pin_foreign(l->pin_dir, nts_dp_pins, other, sizeof(other)) > 0)
		pr_info("left %s in place: it holds %s, which is not one of "
			"ntsload's maps",
			l->pin_dir, fmt_escape(name, sizeof(name), other,
					       sizeof(other)));
	return 0;
}

/* A pin directory ntsload shares with somebody else's pins: not ours. */
static int check_pins(struct ntsload *l)
{
	char other[256], name[4 * sizeof(other)];
	int err;

	err = nts_pin_foreign(l->pin_dir, nts_dp_pins, other, sizeof(other));
	if (err < 0) {
		pr_err("cannot read %s: %s", l->pin_dir, strerror(-err));
		return err;
	}
	if (err > 0) {
		pr_err("%s holds %s, which is not one of ntsload's maps; give "
		       "ntsload a directory of its own (--pin-path DIR)",
		       l->pin_dir,
		       fmt_escape(name, sizeof(name), other, sizeof(other)));
		return -EEXIST;
	}
	return 0;
}

/* A kept datapath's pinned config (all zero if there is none). */
static struct nts_config kept_config(const char *pin_dir)
{
	struct nts_maps m;
	struct nts_config cfg = {};
	__u32 k = 0;

	if (nts_maps_open_quiet(&m, pin_dir))
		return cfg;
	bpf_map_lookup_elem(m.config, &k, &cfg);
	nts_maps_close(&m);
	return cfg;
}

static int do_detach(struct ntsload *l)
{
	struct nts_config cfg;
	char lan[IF_NAMESIZE];
	int err = 0, e, lan_ifindex;

	l->lock_fd = -1;
	err = instance_claim(l->ifindex, l->ifname, &l->instance_fd);
	if (!err)
		err = xdp_check(l->ifindex, l->ifname, l->pin_dir, true);
	if (err)
		return err;
	e = lock_pins(l, false);
	if (e == -EBUSY)
		return e;
	cfg = kept_config(l->pin_dir);
	err = xdp_detach(l->ifindex, l->ifname);
	e = tc_detach(l->ifindex, l->ifname, TC_WAN_EGRESS,
		      cfg.flags & NTS_CFG_OWN_QDISC_WAN);
	err = err ? err : e;
	lan_ifindex = cfg.lan_ifindex;
	if (lan_ifindex && if_indextoname(lan_ifindex, lan)) {
		e = tc_detach(lan_ifindex, lan, TC_LAN_INGRESS,
			      cfg.flags & NTS_CFG_OWN_QDISC_LAN);
		err = err ? err : e;
	}
	e = unpin(l);
	if (l->lock_fd >= 0)
		close(l->lock_fd);
	close(l->instance_fd);
	return err ? err : e;
}

static int config_write(struct ntsload *l)
{
	struct nts_config cfg = {
		.wan_addr = l->snat,
		.wan_ifindex = l->ifindex,
		.port_lo = l->range.lo,
		.port_hi = l->range.hi,
		.flags = NTS_CFG_ENABLED | (l->syn_pass ? NTS_CFG_SYN_PASS : 0) |
			 (l->hairpin ? NTS_CFG_HAIRPIN : 0) | l->qdisc_flags,
		.phl_min_ttl = l->phl_min_ttl,
		.nego_port = l->nego_cfg.port,
		.mapping = l->mapping,
		.filtering = l->filtering,
		.lan_ifindex = l->hairpin ? l->lan_ifindex : 0,
		.naddrs = l->addrs.n,
		.phl_quota = l->names_per_host,
		.nddns = l->nddns,
		.nnts = l->nnts,
	};
	__u32 k = 0;

	if (l->nzones)
		cfg.flags |= NTS_CFG_ZONES;
	memcpy(cfg.addrs, l->addrs.a, sizeof(cfg.addrs));
	memcpy(cfg.ddns, l->ddns, sizeof(cfg.ddns));
	memcpy(cfg.nts, l->nts, sizeof(cfg.nts));
	if (bpf_map_update_elem(l->maps.config, &k, &cfg, BPF_ANY)) {
		pr_err("cannot write the config map: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* The zones of this run, and no other: pinned maps keep the last run's. */
static int zones_write(struct ntsload *l)
{
	struct phl_key k;
	__u32 one = 1;
	unsigned int i;

	while (!bpf_map_get_next_key(l->maps.phl_zones, NULL, &k))
		if (bpf_map_delete_elem(l->maps.phl_zones, &k))
			break;
	for (i = 0; i < l->nzones; i++) {
		memcpy(k.name, l->zones[i], sizeof(k.name));
		if (bpf_map_update_elem(l->maps.phl_zones, &k, &one, BPF_ANY)) {
			pr_err("cannot write the phl_zones map: %s",
			       strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* Whom registrations are learnt from, in one line at start. */
static void say_registrations(const struct ntsload *l)
{
	char buf[NTS_DDNS_MAX * 24 + 256], a[INET_ADDRSTRLEN];
	size_t off = 0;
	unsigned int i;

	if (!l->nddns) {
		pr_info("no --ddns-server: the router learns no registrations "
			"from DNS UPDATEs (static names only: ntsctl phl add)");
		return;
	}
	for (i = 0; i < l->nddns && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s:%u",
				i ? ", " : "",
				inet_ntop(AF_INET, &l->ddns[i].addr, a,
					  sizeof(a)),
				ntohs(l->ddns[i].port));
	for (i = 0; i < l->nzones && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
				i ? ", " : "; zones ", l->zones[i]);
	if (off < sizeof(buf))
		snprintf(buf + off, sizeof(buf) - off, "%s; %u names per host",
			 l->nzones ? "" : "; any zone", l->names_per_host);
	pr_info("registrations learnt from DNS UPDATEs that %s", buf);
}

static const char *addrs_str(const struct addr_set *set, char *buf,
			     size_t len)
{
	char a[INET_ADDRSTRLEN];
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < set->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				inet_ntop(AF_INET, &set->a[i], a, sizeof(a)));
	return buf;
}

/* @snat first in @set, or @set's first if @snat is not one of them. */
static void snat_first(struct addr_set *set, __be32 *snat)
{
	int i;

	if (!*snat || !addr_set_has(set, *snat))
		*snat = set->a[0];
	for (i = 1; i < set->n; i++) {
		if (set->a[i] == *snat) {
			set->a[i] = set->a[0];
			set->a[0] = *snat;
		}
	}
}

/*
 * An --addr the interface doesn't have: the router would NAT from an
 * address whose replies never reach it, and answer NOTICEs for it.
 */
static int addrs_on_iface(struct ntsload *l)
{
	char buf[NTS_ADDRS_MAX * INET_ADDRSTRLEN];
	struct addr_set has;
	int i;

	for (i = 0; i < l->addrs.n; i++) {
		if (netdev_has_ipv4(l->ifname, l->addrs.a[i]))
			continue;
		if (netdev_ipv4_addrs(l->ifname, &has))
			snprintf(buf, sizeof(buf), "none");
		else
			addrs_str(&has, buf, sizeof(buf));
		pr_err("--addr %s is not an address of %s (it has: %s); add "
		       "it first (ip addr add ADDR/LEN dev %s) or leave it "
		       "out",
		       inet_ntoa(*(struct in_addr *)&l->addrs.a[i]), l->ifname,
		       buf, l->ifname);
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static int choose_addrs(struct ntsload *l)
{
	__be32 snat = l->snat;
	char buf[NTS_ADDRS_MAX * INET_ADDRSTRLEN];
	int err = 0;

	if (l->addrs_given) {
		err = addrs_on_iface(l);
		if (err)
			return err;
	} else {
		err = netdev_ipv4_addrs(l->ifname, &l->addrs);
		if (err == -EADDRNOTAVAIL)
			pr_err("%s has no IPv4 address; give one with --addr",
			       l->ifname);
		else if (err)
			pr_err("cannot read the addresses of %s: %s",
			       l->ifname, strerror(-err));
		if (err)
			return err;
	}
	if (snat && !addr_set_has(&l->addrs, snat)) {
		pr_err("--snat-addr %s is not one of the router's addresses "
		       "(%s)",
		       inet_ntoa(*(struct in_addr *)&snat),
		       addrs_str(&l->addrs, buf, sizeof(buf)));
		return -EINVAL;
	}
	snat_first(&l->addrs, &l->snat);
	return 0;
}

/*
 * What ip_local_port_range leaves of 1024-65535. Too little makes a NAT
 * that drops most flows: refuse it rather than start as if all were well.
 * An explicit --port-range, however small, is the operator's choice.
 */
static int default_ports(struct ntsload *l, const struct port_range *local)
{
	unsigned int n;
	char what[64];

	l->range = nat_port_range_default(local);
	n = port_range_size(&l->range);
	if (n >= NAT_PORTS_MIN)
		return 0;
	if (n)
		snprintf(what, sizeof(what), "only %u ports (%u-%u)", n,
			 l->range.lo, l->range.hi);
	else
		snprintf(what, sizeof(what), "no port");
	pr_err("net.ipv4.ip_local_port_range %u %u leaves %s of 1024-65535 "
	       "for NAT, fewer than %u: narrow it (sysctl -w "
	       "net.ipv4.ip_local_port_range=\"32768 60999\") or give "
	       "--port-range LO-HI outside it",
	       local->lo, local->hi, what, NAT_PORTS_MIN);
	return -ERANGE;
}

static int choose_ports(struct ntsload *l)
{
	struct port_range local;
	int err;

	err = local_port_range(&local);
	if (err) {
		pr_err("cannot read net.ipv4.ip_local_port_range: %s",
		       strerror(-err));
		return err;
	}
	if (!l->range_given)
		return default_ports(l, &local);
	if (port_range_overlap(&l->range, &local)) {
		pr_err("--port-range %u-%u overlaps the router's own ephemeral "
		       "ports (net.ipv4.ip_local_port_range %u-%u); choose "
		       "ports outside it",
		       l->range.lo, l->range.hi, local.lo, local.hi);
		return -EINVAL;
	}
	return 0;
}

/* Every key of @files into @kr, a new ring; 0 or -errno (printed). */
static int load_keys(const char *const *files, int n, const char *opt,
		     struct nts_keyring *kr)
{
	char why[512];
	int i, err;

	for (i = 0; i < n; i++) {
		err = keys_load(kr, files[i], why, sizeof(why));
		if (err) {
			pr_err("SIGHUP: cannot reload %s: %s", opt, why);
			keys_free(kr);
			return err;
		}
	}
	return 0;
}

/*
 * SIGHUP: read the key files again, so that keys can be rotated without
 * a restart. All or nothing: on any error the keys loaded before stay.
 */
static void reload_keys(struct ntsload *l)
{
	struct nts_keyring keys = {}, inner = {};
	size_t n;

	if (load_keys(l->key_files, l->nkey_files, "--key", &keys) ||
	    load_keys(l->inner_files, l->ninner_files, "--inner-key",
		      &inner)) {
		keys_free(&keys);
		pr_err("SIGHUP: keeping the %zu key%s loaded before",
		       l->nego.keys.n, l->nego.keys.n == 1 ? "" : "s");
		return;
	}
	n = keys.n;
	nego_server_set_keys(&l->nego, &keys, &inner);
	pr_info("SIGHUP: reloaded %zu key%s from %d file%s%s", n,
		n == 1 ? "" : "s", l->nkey_files, l->nkey_files == 1 ? "" : "s",
		l->ninner_files ? " and the inner keys" : "");
}

/*
 * Once a second: follow the router's addresses and links. The bulk work
 * (expiry, the router's ports) is the housekeeping thread's.
 */
static void tick(struct ntsload *l)
{
	char a[NTS_ADDRS_MAX * INET_ADDRSTRLEN], b[sizeof(a)];
	struct addr_set now;
	__be32 snat = l->snat;

	if (!l->addrs_given && !netdev_ipv4_addrs(l->ifname, &now)) {
		snat_first(&now, &snat);
		if (!addr_set_eq(&now, &l->addrs)) {
			pr_info("%s changed addresses from %s to %s", l->ifname,
				addrs_str(&l->addrs, a, sizeof(a)),
				addrs_str(&now, b, sizeof(b)));
			l->addrs = now;
			l->snat = snat;
			config_write(l);
			housekeep_addrs(&l->hk, &l->addrs);
		}
	}
	tx_ports_refresh(nts_dp_tx_ports_fd(&l->dp), l->ifindex,
			 l->got_mode == XDP_MODE_GENERIC);
	frag_park_tick(&l->frags);
}

/*
 * The signals the event loop reads (signalfd), blocked from the start:
 * one that comes while ntsload is still attaching waits for the loop,
 * instead of killing it halfway with the datapath half set up.
 */
static void signals(sigset_t *mask)
{
	sigemptyset(mask);
	sigaddset(mask, SIGINT);
	sigaddset(mask, SIGTERM);
	sigaddset(mask, SIGHUP);
	sigprocmask(SIG_BLOCK, mask, NULL);
}

static int run(struct ntsload *l)
{
	struct itimerspec its = {
		.it_interval.tv_sec = 1,
		.it_value.tv_sec = 1,
	};
	struct pollfd pfd[6] = {};
	sigset_t mask;
	__u64 ticks;
	size_t i;

	signals(&mask);
	pfd[0].fd = signalfd(-1, &mask, SFD_CLOEXEC);
	pfd[1].fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (pfd[0].fd < 0 || pfd[1].fd < 0 ||
	    timerfd_settime(pfd[1].fd, 0, &its, NULL)) {
		pr_err("cannot set up the event loop: %s", strerror(errno));
		return -errno;
	}
	pfd[3].fd = frag_park_fd(&l->frags);
	pfd[4].fd = phl_log_fd(&l->phl_log);
	pfd[5].fd = l->instance_fd;
	for (i = 0; i < sizeof(pfd) / sizeof(pfd[0]); i++)
		pfd[i].events = POLLIN;

	for (;;) {
		/* The socket may change with the WAN address. */
		pfd[2].fd = nego_server_fd(&l->nego);
		if (poll(pfd, sizeof(pfd) / sizeof(pfd[0]),
			 nego_server_timeout_ms(&l->nego)) < 0) {
			if (errno == EINTR)
				continue;
			pr_err("poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents) {
			struct signalfd_siginfo si;

			if (read(pfd[0].fd, &si, sizeof(si)) != sizeof(si))
				break;
			if (si.ssi_signo == SIGHUP) {
				reload_keys(l);
				continue;
			}
			pr_info("%s, stopping", strsignal(si.ssi_signo));
			break;
		}
		if (pfd[1].revents &&
		    read(pfd[1].fd, &ticks, sizeof(ticks)) == sizeof(ticks))
			tick(l);
		if (pfd[2].revents)
			nego_server_input(&l->nego);
		if (pfd[3].revents)
			frag_park_input(&l->frags);
		if (pfd[4].revents)
			phl_log_input(&l->phl_log);
		if (pfd[5].revents)
			instance_serve(l->instance_fd, l->pin_dir);
		nego_server_tick(&l->nego);
	}
	close(pfd[0].fd);
	close(pfd[1].fd);
	return 0;
}

/* Pins from an earlier run hold live flows: never remove those on error. */
static bool pins_exist(const char *dir)
{
	char path[PATH_MAX + sizeof("/nat")];

	snprintf(path, sizeof(path), "%s/nat", dir);
	return !access(path, F_OK);
}

/*
 * Before anything is pinned or attached: IFACE is ours alone, and no
 * program of somebody else's sits where ours go.
 */
static int claim(struct ntsload *l)
{
	int err;

	err = instance_claim(l->ifindex, l->ifname, &l->instance_fd);
	if (!err)
		err = xdp_check(l->ifindex, l->ifname, l->pin_dir, false);
	if (!err)
		err = tc_check(l->ifindex, l->ifname, TC_WAN_EGRESS);
	if (!err && l->hairpin)
		err = tc_check(l->lan_ifindex, l->lan, TC_LAN_INGRESS);
	return err;
}

static int start(struct ntsload *l)
{
	char addr[NTS_ADDRS_MAX * INET_ADDRSTRLEN];
	bool fresh, created = false;
	int err;

	err = choose_addrs(l);
	if (!err)
		err = choose_ports(l);
	if (!err)
		err = claim(l);
	if (!err)
		err = check_pins(l);
	if (!err)
		err = lock_pins(l, true);
	if (err) {
		close(l->instance_fd);
		return err;
	}
	fresh = !pins_exist(l->pin_dir);
	err = nts_dp_load_sized(&l->dp, l->pin_dir, &l->sizes);
	if (err)
		goto fail_pins;
	nts_dp_maps(&l->dp, &l->maps);
	/* A kept datapath's qdiscs: made by the ntsload before us. */
	if (!fresh)
		l->qdisc_flags = kept_config(l->pin_dir).flags &
				 (NTS_CFG_OWN_QDISC_WAN | NTS_CFG_OWN_QDISC_LAN);

	err = zones_write(l);
	if (!err)
		err = config_write(l);
	if (!err)
		err = ports_refresh(&l->maps, &l->addrs, l->nego_cfg.port);
	if (err)
		goto fail_dp;
	err = xdp_attach(l->ifindex, l->ifname, nts_dp_in_fd(&l->dp), l->mode,
			 &l->got_mode);
	if (err)
		goto fail_dp;
	tx_ports_refresh(nts_dp_tx_ports_fd(&l->dp), l->ifindex,
			 l->got_mode == XDP_MODE_GENERIC);
	err = tc_attach(l->ifindex, l->ifname, nts_dp_out_fd(&l->dp),
			TC_WAN_EGRESS, &created);
	if (created)
		l->qdisc_flags |= NTS_CFG_OWN_QDISC_WAN;
	if (err)
		goto fail_tc;
	if (l->hairpin) {
		err = tc_attach(l->lan_ifindex, l->lan, nts_dp_lan_fd(&l->dp),
				TC_LAN_INGRESS, &created);
		if (created)
			l->qdisc_flags |= NTS_CFG_OWN_QDISC_LAN;
		if (err)
			goto fail_tc;
	}
	/* Remembered in the pins, for whoever takes the datapath off. */
	err = config_write(l);
	if (err)
		goto fail_tc;
	err = nego_server_init(&l->nego, &l->nego_cfg, &l->maps, &l->addrs);
	if (err)
		goto fail_tc;
	err = frag_park_init(&l->frags, nts_dp_frag_events_fd(&l->dp));
	if (err)
		goto fail_nego;
	err = phl_log_init(&l->phl_log, l->maps.phl_events);
	if (err)
		goto fail_frags;
	err = housekeep_start(&l->hk, &l->maps, &l->addrs, &l->to,
			      l->gc_interval, l->nego_cfg.port);
	if (err)
		goto fail_phl_log;

	pr_info("%s %s: XDP %s and tc egress attached%s%s; NAT %s+%s, ports "
		"%u-%u; NTS-Nego on port %u (%zu key%s%s, %u thread%s); "
		"maps in %s",
		l->ifname, addrs_str(&l->addrs, addr, sizeof(addr)),
		xdp_mode_name(l->got_mode), l->hairpin ? ", hairpin on " : "",
		l->hairpin ? l->lan : "", mappings[l->mapping],
		filterings[l->filtering], l->range.lo, l->range.hi,
		l->nego_cfg.port, l->nego.keys.n, l->nego.keys.n == 1 ? "" : "s",
		l->nego_cfg.insecure ? ", insecure" : "",
		nego_server_threads(&l->nego),
		nego_server_threads(&l->nego) == 1 ? "" : "s", l->pin_dir);
	say_registrations(l);
	return 0;

fail_phl_log:
	phl_log_fini(&l->phl_log);
fail_frags:
	frag_park_fini(&l->frags);
fail_nego:
	nego_server_fini(&l->nego);
fail_tc:
	if (l->hairpin)
		tc_detach(l->lan_ifindex, l->lan, TC_LAN_INGRESS,
			  l->qdisc_flags & NTS_CFG_OWN_QDISC_LAN);
	tc_detach(l->ifindex, l->ifname, TC_WAN_EGRESS,
		  l->qdisc_flags & NTS_CFG_OWN_QDISC_WAN);
	xdp_detach(l->ifindex, l->ifname);
fail_dp:
	nts_dp_destroy(&l->dp);
fail_pins:
	if (fresh)
		unpin(l);
	close(l->lock_fd);
	close(l->instance_fd);
	return err;
}

static void stop(struct ntsload *l)
{
	housekeep_stop(&l->hk);
	phl_log_input(&l->phl_log);	/* the last words */
	phl_log_fini(&l->phl_log);
	frag_park_fini(&l->frags);
	nego_server_fini(&l->nego);
	keys_free(&l->nego.keys);
	keys_free(&l->nego.inner_keys);
	if (l->keep) {
		pr_info("--keep: the datapath stays on %s, the maps in %s",
			l->ifname, l->pin_dir);
	} else {
		xdp_detach(l->ifindex, l->ifname);
		tc_detach(l->ifindex, l->ifname, TC_WAN_EGRESS,
			  l->qdisc_flags & NTS_CFG_OWN_QDISC_WAN);
		if (l->hairpin)
			tc_detach(l->lan_ifindex, l->lan, TC_LAN_INGRESS,
				  l->qdisc_flags & NTS_CFG_OWN_QDISC_LAN);
		unpin(l);
		pr_info("detached from %s", l->ifname);
	}
	nts_dp_destroy(&l->dp);
	close(l->lock_fd);
	/* Last: no second ntsload may start while we take ours off. */
	close(l->instance_fd);
}

int main(int argc, char **argv)
{
	struct ntsload l = {
		.mode = XDP_MODE_AUTO,
		.to = NAT_TIMEOUTS_DEFAULT,
		.phl_min_ttl = 86400,
		.names_per_host = 16,
		.gc_interval = 1,
		.mapping = NAT_MAP_EIM,
		.filtering = NAT_FILT_APDF,
		.nego_cfg = {
			.port = NTS_NEGO_PORT,
			.rc_ttl = 5,
			.rate_gn = 10,
			.rate_name = 50,
			.rate_server = 100000,
			.relay_timeout_ms = 400,
			.replay_max = NEGO_REPLAY_MAX,
		},
		.nego.recv.fd = -1,
		.frags.raw = -1,
		.lock_fd = -1,
		.instance_fd = -1,
	};
	sigset_t mask;
	int err;

	nts_log_init("ntsload", 0);
	l.nego_cfg.started = time(NULL);
	err = parse_args(&l, argc, argv);
	if (!err)
		err = check_env(&l);
	if (err)
		return 1;
	if (l.detach)
		return do_detach(&l) ? 1 : 0;

	signals(&mask);
	err = start(&l);
	if (err)
		return 1;
	run(&l);
	stop(&l);
	return 0;
}
