// SPDX-License-Identifier: GPL-2.0
/*
 * negoflood: NTS-Nego load for make bench (part 5), sent the way ntsdns
 * sends it (user/lib/nego.c), to a router's NTS-Nego port.
 *
 *   negoflood phl-set PINDIR N TOTAL
 *       the PHL gets n0..n(N-1).bench.example.net -> 10.0.0.10 (static)
 *       and loses nN..n(TOTAL-1); prints the seconds it took
 *   negoflood rate ROUTER KEYFILE NAMES SECONDS
 *       as many signed NOTICEs as the router answers (32 outstanding),
 *       each for a new GN and one of the NAMES first names; prints
 *       "ANSWERED/s ACCEPTED/s REJECT REFUSED LOST"
 *   negoflood latency ROUTER KEYFILE NAMES COUNT GAP_MS
 *       COUNT signed NOTICEs one at a time, GAP_MS apart, each for a new
 *       GN; each waits up to 3 s for its answer; prints the round trip
 *       in ms, "P50 P99 MAX LOST" (a lost one counts as 3000 ms)
 *   negoflood flood ROUTER KEYFILE NAMES SECONDS FLOOD_PPS LEGIT_PPS KIND
 *       FLOOD_PPS NOTICEs of KIND (forged: a wrong MAC, as from anyone
 *       without the key; signed: good ones, as from a leaked key or a
 *       runaway NTS server), each for a random GN and name, and beside
 *       them LEGIT_PPS good NOTICEs, each for a GN of its own; prints
 *       "FLOOD_SENT/s LEGIT_SENT LEGIT_ACCEPTED"
 *   negoflood paced ROUTER KEYFILE NAMES SECONDS PPS
 *       PPS signed NOTICEs a second, evenly, each for a new GN, whatever
 *       the answers; then 1 s for the last answers; prints
 *       "SENT/s ACCEPTED REJECT REFUSED LOST"
 *   negoflood burst ROUTER[,ROUTER...] KEYFILE NAMES N
 *       N signed NOTICEs at once, each for a GN of its own, to each
 *       address of the list in turn; then their answers (3 s at most);
 *       prints "SENT ANSWERED ACCEPTED REFUSED WRONG_SOURCE", the last
 *       the answers that came from another address than their NOTICE
 *       was sent to
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include <nts/config.h>
#include <nts/phl.h>

#include "keys.h"
#include "nego.h"
#include "pin.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __u64 rnd(void)
{
	static __u64 s = 0x9e3779b97f4a7c15ULL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static void name_of(char *buf, size_t len, unsigned long i)
{
	snprintf(buf, len, "n%lu.bench.example.net", i);
}

static int phl_set(const char *dir, unsigned long n, unsigned long total)
{
	struct nts_maps m;
	struct phl_entry e = { .addr = htonl(0x0a00000a),
			       .flags = PHL_F_STATIC };
	struct phl_key k;
	double t0 = now_s();
	unsigned long i;

	if (nts_maps_open(&m, dir))
		return 1;
	for (i = 0; i < total; i++) {
		memset(&k, 0, sizeof(k));
		name_of(k.name, sizeof(k.name), i);
		if (i < n) {
			if (bpf_map_update_elem(m.phl, &k, &e, BPF_ANY)) {
				fprintf(stderr, "negoflood: PHL full at %lu: "
						"%s\n", i, strerror(errno));
				return 1;
			}
		} else {
			bpf_map_delete_elem(m.phl, &k);
		}
	}
	printf("%.2f\n", now_s() - t0);
	nts_maps_close(&m);
	return 0;
}

static int udp_to(const char *router)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(NTS_NEGO_PORT) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	if (inet_pton(AF_INET, router, &a.sin_addr) != 1 ||
	    connect(fd, (void *)&a, sizeof(a))) {
		fprintf(stderr, "negoflood: router '%s'\n", router);
		exit(2);
	}
	return fd;
}

static struct nts_keyring keys;

static void load_key(const char *path)
{
	char why[512];

	if (keys_load(&keys, path, why, sizeof(why)) || !keys.n) {
		fprintf(stderr, "negoflood: %s\n", why);
		exit(2);
	}
}

/* A NOTICE for GN @gn and name @i, signed (or with a wrong MAC). */
static ssize_t notice(__u8 *buf, size_t len, __be32 gn, unsigned long i,
		      bool forge)
{
	struct nego_msg m = { .type = NEGO_NOTICE, .txid = rnd(), .gn = gn };
	ssize_t n;

	name_of(m.fqdn, sizeof(m.fqdn), i);
	n = nego_encode(&m, &keys.keys[0], time(NULL), buf, len);
	if (n > 0 && forge)
		buf[n - 1] ^= 0x5a;
	return n;
}

/* Answers waiting on @fd: counts by type into @count[type]. */
static unsigned long drain(int fd, unsigned long *count)
{
	__u8 buf[NEGO_MSG_MAX + 1];
	struct nego_msg m;
	unsigned long n = 0;
	ssize_t len;

	while ((len = recv(fd, buf, sizeof(buf), 0)) > 0) {
		if (nego_decode(buf, len, &m) || m.type > NEGO_REFUSED)
			continue;
		count[m.type]++;
		n++;
	}
	return n;
}

static int rate(const char *router, unsigned long names, double secs)
{
	unsigned long count[5] = {}, sent = 0, got = 0, lost = 0;
	int fd = udp_to(router);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double t0 = now_s(), end = t0 + secs;
	__u8 buf[NEGO_MSG_MAX];
	ssize_t len;

	while (now_s() < end) {
		while (sent - got - lost < 32) {
			/* GNs 100.64.0.0/10: a new one for every NOTICE */
			len = notice(buf, sizeof(buf),
				     htonl(0x64400000 + (sent & 0x3fffff)),
				     rnd() % names, false);
			if (send(fd, buf, len, 0) == len)
				sent++;
			else
				break;
		}
		if (poll(&p, 1, 100) == 0)
			lost = sent - got;	/* all out: give up on them */
		got += drain(fd, count);
	}
	secs = now_s() - t0;
	usleep(200000);
	got += drain(fd, count);
	printf("%.0f %.0f %lu %lu %lu\n", got / secs, count[NEGO_ACCEPT] / secs,
	       count[NEGO_REJECT], count[NEGO_REFUSED],
	       sent > got ? sent - got : 0);
	return 0;
}

static int ms_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

#define LAT_WAIT_MS 3000

static int latency(const char *router, unsigned long names,
		   unsigned long count, unsigned int gap_ms)
{
	int fd = udp_to(router);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double *ms = calloc(count ? count : 1, sizeof(*ms)), t0, left;
	__u8 buf[NEGO_MSG_MAX + 1];
	unsigned long i, lost = 0;
	struct nego_msg m;
	__u8 txid;
	ssize_t len;

	if (!ms)
		return 1;
	for (i = 0; i < count; i++) {
		/* GNs 100.64.0.0/10, as rate's: a new one for every NOTICE */
		len = notice(buf, sizeof(buf), htonl(0x64400000 + i),
			     rnd() % names, false);
		if (len <= 0 || nego_decode(buf, len, &m))
			return 1;
		txid = m.txid;
		t0 = now_s();
		ms[i] = LAT_WAIT_MS;
		if (send(fd, buf, len, 0) != len) {
			lost++;
			continue;
		}
		while ((left = LAT_WAIT_MS - (now_s() - t0) * 1e3) > 0 &&
		       poll(&p, 1, (int)left + 1) > 0) {
			len = recv(fd, buf, sizeof(buf), 0);
			if (len > 0 && !nego_decode(buf, len, &m) &&
			    m.txid == txid) {
				ms[i] = (now_s() - t0) * 1e3;
				break;
			}
		}
		if (ms[i] >= LAT_WAIT_MS)
			lost++;
		usleep(gap_ms * 1000);
	}
	qsort(ms, count, sizeof(*ms), ms_cmp);
	printf("%.3f %.3f %.3f %lu\n", ms[count / 2],
	       ms[count ? (count * 99 - 1) / 100 : 0], ms[count ? count - 1 : 0],
	       lost);
	free(ms);
	return 0;
}

/* Flood messages are made before the clock starts: sending is timed. */
#define FLOOD_MAX 2000000

static int flood(const char *router, unsigned long names, double secs,
		 double flood_pps, double legit_pps, bool forge)
{
	unsigned long fsent = 0, lsent = 0, nmsg, count[5] = {};
	int lfd = udp_to(router), ffd = udp_to(router), buf_sz = 4096;
	struct mmsghdr mm[64];
	struct iovec iov[64];
	__u8 (*msg)[NEGO_MSG_MAX], lbuf[NEGO_MSG_MAX];
	__u16 *mlen;
	double t0, t;
	ssize_t len;
	int i, n;

	nmsg = flood_pps * secs < FLOOD_MAX ? flood_pps * secs : FLOOD_MAX;
	msg = malloc((nmsg + 1) * sizeof(*msg));
	mlen = malloc((nmsg + 1) * sizeof(*mlen));
	if (!msg || !mlen)
		return 1;
	for (i = 0; i < (int)nmsg; i++)
		/* random GNs in 198.18.0.0/15, random names */
		mlen[i] = notice(msg[i], sizeof(msg[i]),
				 htonl(0xc6120000 + (rnd() & 0x1ffff)),
				 rnd() % names, forge);
	/* Nobody reads the flood's answers: keep few. */
	setsockopt(ffd, SOL_SOCKET, SO_RCVBUF, &buf_sz, sizeof(buf_sz));
	memset(mm, 0, sizeof(mm));
	t0 = now_s();
	while ((t = now_s() - t0) < secs) {
		n = 0;
		while (n < 64 && fsent + n < nmsg && fsent + n < flood_pps * t) {
			iov[n].iov_base = msg[fsent + n];
			iov[n].iov_len = mlen[fsent + n];
			mm[n].msg_hdr.msg_iov = &iov[n];
			mm[n].msg_hdr.msg_iovlen = 1;
			n++;
		}
		if (n) {
			i = sendmmsg(ffd, mm, n, 0);
			if (i > 0)
				fsent += i;
		}
		if (lsent < legit_pps * t) {
			/* legit GNs: 100.64.0.0/10, each its own */
			len = notice(lbuf, sizeof(lbuf),
				     htonl(0x64400000 + lsent), rnd() % names,
				     false);
			if (send(lfd, lbuf, len, 0) == len)
				lsent++;
		}
		drain(lfd, count);
		while (recv(ffd, lbuf, sizeof(lbuf), 0) > 0)
			;
		if (!n)
			usleep(20);
	}
	t = now_s() - t0;
	usleep(500000);
	drain(lfd, count);
	printf("%.0f %lu %lu\n", fsent / t, lsent, count[NEGO_ACCEPT]);
	return 0;
}

static void timed_drain(int fd, unsigned long *count, double until)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (now_s() < until) {
		poll(&p, 1, 20);
		drain(fd, count);
	}
}

static int paced(const char *router, unsigned long names, double secs,
		 double pps)
{
	unsigned long count[5] = {}, sent = 0, got;
	int fd = udp_to(router), size = 16 << 20, n;
	static __u8 buf[64][NEGO_MSG_MAX];
	struct mmsghdr mm[64];
	struct iovec iov[64];
	double t0, t;
	ssize_t len;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	memset(mm, 0, sizeof(mm));
	t0 = now_s();
	while ((t = now_s() - t0) < secs) {
		/* What is due, up to 64 at once (one system call). */
		for (n = 0; n < 64 && sent + n < pps * t; n++) {
			/* GNs 100.64.0.0/10: a new one for every NOTICE */
			len = notice(buf[n], sizeof(buf[n]),
				     htonl(0x64400000 + ((sent + n) & 0x3fffff)),
				     rnd() % names, false);
			iov[n].iov_base = buf[n];
			iov[n].iov_len = len;
			mm[n].msg_hdr.msg_iov = &iov[n];
			mm[n].msg_hdr.msg_iovlen = 1;
		}
		/* What the socket can't take now goes in the next round. */
		if (n && (n = sendmmsg(fd, mm, n, 0)) > 0)
			sent += n;
		drain(fd, count);
	}
	t = now_s() - t0;
	timed_drain(fd, count, now_s() + 1);
	got = count[NEGO_ACCEPT] + count[NEGO_REJECT] + count[NEGO_REFUSED];
	printf("%.0f %lu %lu %lu %lu\n", sent / t, count[NEGO_ACCEPT],
	       count[NEGO_REJECT], count[NEGO_REFUSED],
	       sent > got ? sent - got : 0);
	return 0;
}

#define BURST_MAX 100000
#define BURST_ADDRS 8

static int burst(char *routers, unsigned long names, unsigned long n)
{
	struct sockaddr_in to[BURST_ADDRS] = {};
	unsigned long count[5] = {}, i, answered = 0, wrong = 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), nto = 0, size = 16 << 20;
	static __u8 msg[64][NEGO_MSG_MAX], seen[BURST_MAX];
	struct mmsghdr mm[64];
	struct iovec iov[64];
	char *tok, *save;
	double until;

	for (tok = strtok_r(routers, ",", &save); tok && nto < BURST_ADDRS;
	     tok = strtok_r(NULL, ",", &save), nto++) {
		to[nto].sin_family = AF_INET;
		to[nto].sin_port = htons(NTS_NEGO_PORT);
		if (inet_pton(AF_INET, tok, &to[nto].sin_addr) != 1) {
			fprintf(stderr, "negoflood: router '%s'\n", tok);
			return 2;
		}
	}
	if (fd < 0 || !nto || n > BURST_MAX) {
		fprintf(stderr, "negoflood: burst: 1 to %d routers, up to %d "
				"NOTICEs\n", BURST_ADDRS, BURST_MAX);
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	memset(mm, 0, sizeof(mm));
	for (i = 0; i < n;) {
		int k = 0, sent;

		for (; k < 64 && i + k < n; k++) {
			iov[k].iov_base = msg[k];
			iov[k].iov_len = notice(msg[k], sizeof(msg[k]),
						htonl(0x64400000 + i + k),
						(i + k) % names, false);
			mm[k].msg_hdr.msg_name = &to[(i + k) % nto];
			mm[k].msg_hdr.msg_namelen = sizeof(to[0]);
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		sent = sendmmsg(fd, mm, k, 0);
		if (sent <= 0) {
			fprintf(stderr, "negoflood: send: %s\n",
				strerror(errno));
			return 1;
		}
		i += sent;
	}
	until = now_s() + 3;
	while (answered < n && now_s() < until) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		__u8 buf[NEGO_MSG_MAX + 1];
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		struct nego_msg m;
		unsigned long g;
		ssize_t len;

		if (poll(&p, 1, 100) <= 0)
			continue;
		len = recvfrom(fd, buf, sizeof(buf), 0, (void *)&from, &flen);
		if (len <= 0 || nego_decode(buf, len, &m) ||
		    m.type > NEGO_REFUSED)
			continue;
		g = ntohl(m.gn) - 0x64400000;
		if (g >= n || seen[g]++)
			continue;
		answered++;
		count[m.type]++;
		wrong += from.sin_addr.s_addr != to[g % nto].sin_addr.s_addr;
	}
	printf("%lu %lu %lu %lu %lu\n", n, answered, count[NEGO_ACCEPT],
	       count[NEGO_REFUSED], wrong);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "phl-set"))
		return phl_set(argv[2], strtoul(argv[3], NULL, 10),
			       strtoul(argv[4], NULL, 10));
	if (argc == 6 && !strcmp(argv[1], "rate")) {
		load_key(argv[3]);
		return rate(argv[2], strtoul(argv[4], NULL, 10), atof(argv[5]));
	}
	if (argc == 7 && !strcmp(argv[1], "latency")) {
		load_key(argv[3]);
		return latency(argv[2], strtoul(argv[4], NULL, 10),
			       strtoul(argv[5], NULL, 10), atoi(argv[6]));
	}
	if (argc == 9 && !strcmp(argv[1], "flood")) {
		load_key(argv[3]);
		return flood(argv[2], strtoul(argv[4], NULL, 10), atof(argv[5]),
			     atof(argv[6]), atof(argv[7]),
			     !strcmp(argv[8], "forged"));
	}
	if (argc == 7 && !strcmp(argv[1], "paced")) {
		load_key(argv[3]);
		return paced(argv[2], strtoul(argv[4], NULL, 10), atof(argv[5]),
			     atof(argv[6]));
	}
	if (argc == 6 && !strcmp(argv[1], "burst")) {
		load_key(argv[3]);
		return burst(argv[2], strtoul(argv[4], NULL, 10),
			     strtoul(argv[5], NULL, 10));
	}
	fprintf(stderr,
		"usage: negoflood phl-set PINDIR N TOTAL\n"
		"       negoflood rate ROUTER KEYFILE NAMES SECONDS\n"
		"       negoflood latency ROUTER KEYFILE NAMES COUNT GAP_MS\n"
		"       negoflood flood ROUTER KEYFILE NAMES SECONDS FLOOD_PPS "
		"LEGIT_PPS forged|signed\n"
		"       negoflood paced ROUTER KEYFILE NAMES SECONDS PPS\n"
		"       negoflood burst ROUTER[,ROUTER...] KEYFILE NAMES N\n");
	return 2;
}
