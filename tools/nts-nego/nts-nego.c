// SPDX-License-Identifier: GPL-2.0
/*
 * nts-nego: send an NTS-Nego NOTICE by hand and print the router's answer,
 * as ntsdns would. A debugging tool for operators and the tests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "dnsname.h"
#include "keys.h"
#include "log.h"
#include "nego.h"
#include "opts.h"

#define KEY_FILES_MAX 16

/* GN's address: an IPv6 one makes the NOTICE a NEGO_F_V6 one. */
struct gn_addr {
	bool set, v6;
	bool prefix; /* ADDR/LEN: a network, NEGO_F_PREFIX */
	unsigned int plen;
	__be32 v4;
	__u8 a6[16];
};

struct args {
	__be32 router;
	unsigned int port;
	const char *key_files[KEY_FILES_MAX]; /* loaded in main() */
	unsigned int nkey_files;
	bool insecure;
	struct gn_addr gn;
	unsigned int timeout_ms;
	long txid; /* -1: random */
	unsigned long long nonce;
	long time_offset;
};

static int parse_gn(const struct opt *o, const char *arg, void *dst)
{
	struct gn_addr *g = dst;
	char addr[INET6_ADDRSTRLEN], *end;
	const char *slash = strchr(arg, '/');

	(void)o;
	/* As given, host bits too: the router is the one to refuse them. */
	if (slash) {
		errno = 0;
		g->plen = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || errno || g->plen > 128 ||
		    (size_t)(slash - arg) >= sizeof(addr)) {
			pr_err("--gn: '%s': a network is ADDR/LEN", arg);
			return -EINVAL;
		}
		memcpy(addr, arg, slash - arg);
		addr[slash - arg] = '\0';
		arg = addr;
		g->prefix = true;
	}
	if (inet_pton(AF_INET, arg, &g->v4) == 1) {
		g->set = true;
		return 0;
	}
	if (inet_pton(AF_INET6, arg, g->a6) == 1) {
		g->set = g->v6 = true;
		return 0;
	}
	pr_err("--gn: '%s' is neither an IPv4 nor an IPv6 address", arg);
	return -EINVAL;
}

/* Numbers as C writes them (0x1f), for the debugging options. */
static int parse_txid(const struct opt *o, const char *arg, void *dst)
{
	char *end;
	long v;

	(void)o;
	errno = 0;
	v = strtol(arg, &end, 0);
	if (!*arg || *end || errno || v < 0 || v > 255) {
		pr_err("--txid: 0 to 255");
		return -EINVAL;
	}
	*(long *)dst = v;
	return 0;
}

static int parse_nonce(const struct opt *o, const char *arg, void *dst)
{
	unsigned long long v;
	char *end;

	(void)o;
	errno = 0;
	v = strtoull(arg, &end, 0);
	if (!*arg || *end || !v || errno) {
		pr_err("--nonce: a number other than 0");
		return -EINVAL;
	}
	*(unsigned long long *)dst = v;
	return 0;
}

static int parse_offset(const struct opt *o, const char *arg, void *dst)
{
	char *end;
	long v;

	(void)o;
	errno = 0;
	v = strtol(arg, &end, 10);
	if (!*arg || *end || errno) {
		pr_err("--time-offset: a number of seconds");
		return -EINVAL;
	}
	*(long *)dst = v;
	return 0;
}

#define F(m)	OPT_FIELD(struct args, m)
#define L(a, n) OPT_LIST_FIELD(struct args, a, n)

/* clang-format off */
static const struct opt opts[] = {
	{ .name = "router", .short_name = 'r', .type = OPT_FUNC,
	  .arg = "ADDR", F(router), .parse = opt_ipv4,
	  .help = "the router's address" },
	{ .name = "port", .short_name = 'p', .type = OPT_UINT, .arg = "PORT",
	  F(port), .min = 1, .max = 65535, .dflt = NTS_NEGO_PORT,
	  .help = "its NTS-Nego port" },
	{ .name = "key", .short_name = 'k', .type = OPT_LIST, .arg = "FILE",
	  L(key_files, nkey_files), .parse = opt_str, .what = "files",
	  .help = "sign with the (first) key in FILE, a tsig-keygen -a "
		  "hmac-sha256 key file" },
	{ .name = "insecure", .type = OPT_FLAG, F(insecure),
	  .help = "send the paper's unsigned form" },
	{ .name = "gn", .short_name = 'g', .type = OPT_FUNC, .arg = "ADDR",
	  F(gn), .parse = parse_gn,
	  .help = "the outside host to let in; an IPv6 address asks for "
		  "the inside host's IPv6 side; ADDR/LEN a network (its "
		  "first host to connect)" },
	{ .name = "timeout", .short_name = 't', .type = OPT_UINT,
	  .arg = "MS", F(timeout_ms), .min = 1, .max = INT_MAX, .dflt = 2000,
	  .help = "how long to wait for the answer" },
	{ .name = "txid", .type = OPT_FUNC, .arg = "N", F(txid),
	  .parse = parse_txid, .def = "random",
	  .help = "transaction ID, 0-255" },
	{ .name = "nonce", .type = OPT_FUNC, .arg = "N", F(nonce),
	  .parse = parse_nonce, .def = "random",
	  .help = "a fixed nonce (to test replays)" },
	{ .name = "time-offset", .type = OPT_FUNC, .arg = "S",
	  F(time_offset), .parse = parse_offset,
	  .help = "sign S seconds off the clock (to test the window)" },
	{ .name = "help", .short_name = 'h', .type = OPT_HELP,
	  .help = "this text" },
};

static const struct opts_prog prog = {
	.name = "nts-nego",
	.usage =
"Usage: nts-nego --router ADDR (-k FILE | --insecure) --gn ADDR [OPTIONS] NAME\n"
"\n"
"Send an NTS-Nego NOTICE for NAME (GN ADDR is about to connect) to the NTS\n"
"router and print its answer. Exit status: 0 ACCEPT, 1 REJECT or REFUSED,\n"
"2 no answer or an error.\n"
"\n",
	.opts = opts,
	.nopts = sizeof(opts) / sizeof(opts[0]),
};
/* clang-format on */

/* 0; 1 when --help was printed; -EINVAL on bad usage (said). */
static int parse(struct args *a, char *fqdn, size_t len, int argc,
		 char **argv)
{
	int err, first;

	err = opts_parse(&prog, a, argc, argv, &first);
	if (err)
		return err;
	if (!a->router || !a->gn.set || first != argc - 1 ||
	    (!a->nkey_files && !a->insecure)) {
		pr_err("need --router, --gn, --key FILE (or --insecure) and "
		       "one NAME");
		opts_try(&prog);
		return -EINVAL;
	}
	if (dns_name_normalize(argv[first], fqdn, len)) {
		pr_err("'%s' is not a host name", argv[first]);
		return -EINVAL;
	}
	return 0;
}

static int load_keys(const struct args *a, struct nts_keyring *keys)
{
	char why[512];
	unsigned int i;

	for (i = 0; i < a->nkey_files; i++) {
		if (keys_load(keys, a->key_files[i], why, sizeof(why))) {
			pr_err("--key: %s", why);
			return -EINVAL;
		}
	}
	return 0;
}

/* Wait for the answer to @n; prints it. Returns the exit status. */
static int await(const struct args *a, const struct nts_keyring *keys, int fd,
		 const struct nego_msg *n)
{
	struct nego_auth auth = { .keys = keys, .insecure = a->insecure };
	__u8 buf[NEGO_MSG_MAX + 1];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	const struct nts_key *key;
	char gn[INET6_ADDRSTRLEN + 4], via[INET6_ADDRSTRLEN];
	struct nego_msg m;
	ssize_t len;
	int err;

	while (poll(&p, 1, a->timeout_ms) > 0) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			continue;
		err = nego_receive(buf, len, &auth, time(NULL), &m, &key);
		if (m.txid != n->txid || m.gn != n->gn || m.v6 != n->v6 ||
		    (m.v6 && memcmp(m.gn6, n->gn6, sizeof(m.gn6))) ||
		    strcmp(m.fqdn, n->fqdn) || m.type == NEGO_NOTICE)
			continue;	/* not the answer to our NOTICE */
		if (m.v6)
			inet_ntop(AF_INET6, m.gn6, gn, sizeof(gn));
		else
			inet_ntop(AF_INET, &m.gn, gn, sizeof(gn));
		if (m.prefix)
			snprintf(gn + strlen(gn), sizeof(gn) - strlen(gn),
				 "/%u", m.plen);
		printf("%s %s for %s (txid %u", nego_type_name(m.type), m.fqdn,
		       gn, m.txid);
		if (m.has_addr && m.v6)
			printf(", answer with %s",
			       inet_ntop(AF_INET6, m.addr6, via, sizeof(via)));
		else if (m.has_addr)
			printf(", answer with %s",
			       inet_ntop(AF_INET, &m.addr, via, sizeof(via)));
		if (err)
			printf(", NOT AUTHENTIC: %s", nego_strerror(err));
		else
			printf(", %s%s", m.is_signed ? "signed by " : "unsigned",
			       m.is_signed ? m.key : "");
		printf(")\n");
		return !err && m.type == NEGO_ACCEPT ? 0 : err ? 2 : 1;
	}
	pr_err("no answer from %s:%u within %u ms",
	       inet_ntoa(*(struct in_addr *)&a->router), a->port,
	       a->timeout_ms);
	return 2;
}

int main(int argc, char **argv)
{
	struct args a = { .txid = -1 };
	struct sockaddr_in router = { .sin_family = AF_INET };
	struct nego_msg n = { .type = NEGO_NOTICE };
	struct nts_keyring keys = {};
	__u8 buf[NEGO_MSG_MAX];
	ssize_t len;
	int fd, rc;

	nts_log_init("nts-nego", 0);
	rc = parse(&a, n.fqdn, sizeof(n.fqdn), argc, argv);
	if (rc > 0)
		return 0;
	if (rc || load_keys(&a, &keys)) {
		keys_free(&keys);
		return 2;
	}
	router.sin_addr.s_addr = a.router;
	router.sin_port = htons(a.port);
	n.gn = a.gn.v4;
	n.v6 = a.gn.v6;
	n.prefix = a.gn.prefix;
	n.plen = a.gn.plen;
	memcpy(n.gn6, a.gn.a6, sizeof(n.gn6));
	n.nonce = a.nonce;
	if (a.txid < 0 && getrandom(&n.txid, 1, 0) != 1)
		return 2;
	if (a.txid >= 0)
		n.txid = a.txid;
	len = nego_encode(&n, keys.n ? &keys.keys[0] : NULL,
			  time(NULL) + a.time_offset, buf, sizeof(buf));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (len < 0 || fd < 0 ||
	    connect(fd, (void *)&router, sizeof(router)) ||
	    send(fd, buf, len, 0) != len) {
		pr_err("cannot send the NOTICE: %s",
		       strerror(len < 0 ? (int)-len : errno));
		return 2;
	}
	rc = await(&a, &keys, fd, &n);
	close(fd);
	keys_free(&keys);
	return rc;
}
