/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Clients: UDP and TCP on each --listen address. Whole messages go up to
 * the driver through a callback; answers come down with client_send().
 * This file knows clients and connections, not what a query is; it
 * takes the PROXY v2 header off what --trust-proxy senders send.
 */
#ifndef NTSDNS_LISTEN_H
#define NTSDNS_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct proxy;
struct shared;
struct udp_listener;
struct tcp_conn;

/*
 * Where a query came from, and so where its answer goes. Through a
 * --trust-proxy sender, the answer goes to it (addr), and the client is
 * who its PROXY v2 header names (src); else src is addr.
 */
struct client {
	struct sockaddr_storage addr;
	struct sockaddr_storage src;
	struct udp_listener *udp;      /* UDP: the socket it came in on */
	struct sockaddr_storage local; /* and the address it was sent to */
	int ifindex;
	struct tcp_conn *tcp; /* TCP: its connection (it outlives a close) */
};

/*
 * A message from @cl (@buf is the listener's: copy what you keep). True
 * if taken: then one client_done() follows, when its answer has gone or
 * never will, and until then a TCP connection counts it as in flight.
 */
typedef bool listen_query_fn(void *arg, const struct client *cl,
			     const uint8_t *buf, size_t len);

struct listener;

/* The TCP counts of all workers (--threads 2 and more). */
int listen_share(struct shared *sh);
void listen_unshare(struct shared *sh);

/* Listen on every --listen address; NULL (and said why) on failure. */
struct listener *listen_open(struct proxy *px, listen_query_fn *fn, void *arg);
void listen_close(struct listener *ls);

/* The answer to @cl; nothing if its TCP connection has closed. */
void client_send(const struct client *cl, const uint8_t *buf, size_t len);
/* @cl's query is done: its TCP connection may read on, or go. */
void client_done(struct client *cl);

#endif /* NTSDNS_LISTEN_H */
