// SPDX-License-Identifier: GPL-2.0
/*
 * nts-nego: send an NTS-Nego NOTICE by hand and print the router's answer,
 * as ntsdns would. A debugging tool for operators and the tests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
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

/* clang-format off */
static void usage(FILE *f)
{
	fprintf(f,
"Usage: nts-nego --router ADDR (-k FILE | --insecure) --gn ADDR [OPTIONS] NAME\n"
"\n"
"Send an NTS-Nego NOTICE for NAME (GN ADDR is about to connect) to the NTS\n"
"router and print its answer. Exit status: 0 ACCEPT, 1 REJECT or REFUSED,\n"
"2 no answer or an error.\n"
"\n"
"  -r, --router ADDR     the router's address\n"
"  -p, --port PORT       its NTS-Nego port (default 20053)\n"
"  -k, --key FILE        sign with the (first) key in FILE, a tsig-keygen\n"
"                        -a hmac-sha256 key file\n"
"      --insecure        send the paper's unsigned form\n"
"  -g, --gn ADDR         the outside host to let in\n"
"  -t, --timeout MS      how long to wait for the answer (default 2000)\n"
"      --txid N          transaction ID, 0-255 (default: random)\n"
"      --nonce N         a fixed nonce (default: random; to test replays)\n"
"      --time-offset S   sign S seconds off the clock (to test the window)\n"
"  -h, --help            this text\n");
}
/* clang-format on */

enum {
	OPT_INSECURE = 256,
	OPT_TXID,
	OPT_NONCE,
	OPT_TIME_OFFSET,
};

struct args {
	struct sockaddr_in router;
	struct nts_keyring keys;
	bool insecure;
	__be32 gn;
	char fqdn[256];
	int timeout_ms;
	long txid;
	unsigned long long nonce;
	long time_offset;
};

static int addr_arg(const char *opt, const char *s, __be32 *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		pr_err("%s: '%s' is not an IPv4 address", opt, s);
		return -EINVAL;
	}
	*out = a.s_addr;
	return 0;
}

static int parse(struct args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "router", required_argument, NULL, 'r' },
		{ "port", required_argument, NULL, 'p' },
		{ "key", required_argument, NULL, 'k' },
		{ "insecure", no_argument, NULL, OPT_INSECURE },
		{ "gn", required_argument, NULL, 'g' },
		{ "timeout", required_argument, NULL, 't' },
		{ "txid", required_argument, NULL, OPT_TXID },
		{ "nonce", required_argument, NULL, OPT_NONCE },
		{ "time-offset", required_argument, NULL, OPT_TIME_OFFSET },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char why[512], *end;
	bool have_router = false, have_gn = false;
	int c;

	while ((c = getopt_long(argc, argv, "r:p:k:g:t:h", opts, NULL)) != -1) {
		errno = 0;
		switch (c) {
		case 'r':
			if (addr_arg("--router", optarg,
				     &a->router.sin_addr.s_addr))
				return -EINVAL;
			have_router = true;
			break;
		case 'p':
			a->router.sin_port = htons(strtoul(optarg, &end, 10));
			if (*end || !a->router.sin_port) {
				pr_err("--port: '%s' is not a port", optarg);
				return -EINVAL;
			}
			break;
		case 'k':
			if (keys_load(&a->keys, optarg, why, sizeof(why))) {
				pr_err("--key: %s", why);
				return -EINVAL;
			}
			break;
		case OPT_INSECURE:
			a->insecure = true;
			break;
		case 'g':
			if (addr_arg("--gn", optarg, &a->gn))
				return -EINVAL;
			have_gn = true;
			break;
		case 't':
			a->timeout_ms = strtol(optarg, &end, 10);
			if (*end || a->timeout_ms <= 0) {
				pr_err("--timeout: '%s' is not a number of "
				       "milliseconds",
				       optarg);
				return -EINVAL;
			}
			break;
		case OPT_TXID:
			a->txid = strtol(optarg, &end, 0);
			if (*end || a->txid < 0 || a->txid > 255) {
				pr_err("--txid: 0 to 255");
				return -EINVAL;
			}
			break;
		case OPT_NONCE:
			a->nonce = strtoull(optarg, &end, 0);
			if (*end || !a->nonce || errno) {
				pr_err("--nonce: a number other than 0");
				return -EINVAL;
			}
			break;
		case OPT_TIME_OFFSET:
			a->time_offset = strtol(optarg, &end, 10);
			if (*end || errno) {
				pr_err("--time-offset: a number of seconds");
				return -EINVAL;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			fprintf(stderr, "Try 'nts-nego --help'.\n");
			return -EINVAL;
		}
	}
	if (!have_router || !have_gn || optind != argc - 1 ||
	    (!a->keys.n && !a->insecure)) {
		pr_err("need --router, --gn, --key FILE (or --insecure) and "
		       "one NAME");
		fprintf(stderr, "Try 'nts-nego --help'.\n");
		return -EINVAL;
	}
	if (dns_name_normalize(argv[optind], a->fqdn, sizeof(a->fqdn))) {
		pr_err("'%s' is not a host name", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Wait for the answer to @n; prints it. Returns the exit status. */
static int await(const struct args *a, int fd, const struct nego_msg *n)
{
	struct nego_auth auth = { .keys = &a->keys, .insecure = a->insecure };
	__u8 buf[NEGO_MSG_MAX + 1];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	const struct nts_key *key;
	char gn[INET_ADDRSTRLEN], via[INET_ADDRSTRLEN];
	struct nego_msg m;
	ssize_t len;
	int err;

	while (poll(&p, 1, a->timeout_ms) > 0) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			continue;
		err = nego_receive(buf, len, &auth, time(NULL), &m, &key);
		if (m.txid != n->txid || m.gn != n->gn ||
		    strcmp(m.fqdn, n->fqdn) || m.type == NEGO_NOTICE)
			continue;	/* not the answer to our NOTICE */
		inet_ntop(AF_INET, &m.gn, gn, sizeof(gn));
		printf("%s %s for %s (txid %u", nego_type_name(m.type), m.fqdn,
		       gn, m.txid);
		if (m.has_addr)
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
	pr_err("no answer from %s:%u within %d ms", inet_ntoa(a->router.sin_addr),
	       ntohs(a->router.sin_port), a->timeout_ms);
	return 2;
}

int main(int argc, char **argv)
{
	struct args a = {
		.router = { .sin_family = AF_INET,
			    .sin_port = htons(NTS_NEGO_PORT) },
		.timeout_ms = 2000,
		.txid = -1,
	};
	struct nego_msg n = { .type = NEGO_NOTICE };
	__u8 buf[NEGO_MSG_MAX];
	ssize_t len;
	int fd, rc;

	nts_log_init("nts-nego", 0);
	if (parse(&a, argc, argv))
		return 2;
	n.gn = a.gn;
	n.nonce = a.nonce;
	memcpy(n.fqdn, a.fqdn, sizeof(n.fqdn));
	if (a.txid < 0 && getrandom(&n.txid, 1, 0) != 1)
		return 2;
	if (a.txid >= 0)
		n.txid = a.txid;
	len = nego_encode(&n, a.keys.n ? &a.keys.keys[0] : NULL,
			  time(NULL) + a.time_offset, buf, sizeof(buf));
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (len < 0 || fd < 0 ||
	    connect(fd, (void *)&a.router, sizeof(a.router)) ||
	    send(fd, buf, len, 0) != len) {
		pr_err("cannot send the NOTICE: %s",
		       strerror(len < 0 ? (int)-len : errno));
		return 2;
	}
	rc = await(&a, fd, &n);
	close(fd);
	keys_free(&a.keys);
	return rc;
}
