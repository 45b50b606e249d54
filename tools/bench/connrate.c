// SPDX-License-Identifier: GPL-2.0
/*
 * connrate: connections for make bench.
 *
 *   connrate server PORT
 *       accept, send one byte, close; forever
 *   connrate client ADDR PORT SECONDS [THREADS]
 *       new TCP connections per second: connect, read the byte, close
 *       (RST: no TIME_WAIT to run out of ports with); prints conn/s
 *   connrate setup NAME PORT COUNT
 *       COUNT sequential connections, each from a stock resolver call
 *       (getaddrinfo) to the first byte of the reply; prints the median,
 *       the 99th percentile and the median of the resolver call alone, in
 *       ms, and the number that failed: "MEDIAN P99 RESOLVE FAILED"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

/* IPv4 or IPv6 (issue 19's forwarding bench) */
static struct sockaddr_storage peer;
static socklen_t peer_len;
static atomic_ulong done;
static atomic_bool stop;

static int server(int port)
{
	/* Dual-stack: IPv4 clients come as mapped addresses. */
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons(port) };
	int fd = socket(AF_INET6, SOCK_STREAM, 0), c, on = 1, off = 0;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, (void *)&a, sizeof(a)) || listen(fd, 4096)) {
		perror("connrate: server");
		return 1;
	}
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		(void)!write(c, "x", 1);
		close(c);
	}
}

static void no_linger(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

static void *client(void *arg)
{
	char b;
	int fd;

	(void)arg;
	while (!stop) {
		fd = socket(peer.ss_family, SOCK_STREAM, 0);
		no_linger(fd);
		if (!connect(fd, (void *)&peer, peer_len) &&
		    read(fd, &b, 1) == 1)
			done++;
		close(fd);
	}
	return NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One connection from the resolver call on; <0 when it failed. */
static double setup_one(const char *name, const char *port, double *resolve)
{
	struct addrinfo hints = { .ai_family = AF_INET,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	struct timeval tv = { .tv_sec = 3 };
	double t0 = now_ms();
	char b;
	int fd, ok;

	if (getaddrinfo(name, port, &hints, &ai))
		return -1;
	*resolve = now_ms() - t0;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	no_linger(fd);
	ok = !connect(fd, ai->ai_addr, ai->ai_addrlen) && read(fd, &b, 1) == 1;
	close(fd);
	freeaddrinfo(ai);
	return ok ? now_ms() - t0 : -1;
}

static int setup(const char *name, const char *port, int count)
{
	double *t = calloc(count, sizeof(*t)), *r = calloc(count, sizeof(*r));
	int i, n = 0, failed = 0;

	if (!t || !r)
		return 1;
	for (i = 0; i < count; i++) {
		double ms = setup_one(name, port, &r[n]);

		if (ms < 0)
			failed++;
		else
			t[n++] = ms;
	}
	if (!n) {
		printf("- - - %d\n", failed);
		return 1;
	}
	qsort(t, n, sizeof(*t), cmp_double);
	qsort(r, n, sizeof(*r), cmp_double);
	printf("%.3f %.3f %.3f %d\n", t[n / 2], t[(n * 99) / 100], r[n / 2],
	       failed);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in *p4 = (void *)&peer;
	struct sockaddr_in6 *p6 = (void *)&peer;
	pthread_t th[64];
	double secs;
	int n, i;

	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "setup"))
		return setup(argv[2], argv[3], atoi(argv[4]));
	if (argc < 5 || strcmp(argv[1], "client")) {
		fprintf(stderr, "usage: connrate server PORT\n"
				"       connrate client ADDR PORT SECONDS "
				"[THREADS]\n"
				"       connrate setup NAME PORT COUNT\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[2], &p4->sin_addr) == 1) {
		p4->sin_family = AF_INET;
		p4->sin_port = htons(atoi(argv[3]));
		peer_len = sizeof(*p4);
	} else if (inet_pton(AF_INET6, argv[2], &p6->sin6_addr) == 1) {
		p6->sin6_family = AF_INET6;
		p6->sin6_port = htons(atoi(argv[3]));
		peer_len = sizeof(*p6);
	} else {
		fprintf(stderr, "connrate: '%s' is not an address\n", argv[2]);
		return 2;
	}
	secs = atof(argv[4]);
	n = argc > 5 ? atoi(argv[5]) : 2;
	if (n < 1 || n > 64 || secs <= 0)
		return 2;
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, client, NULL);
	usleep(secs * 1e6);
	stop = true;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("%.0f\n", (double)done / secs);
	return 0;
}
