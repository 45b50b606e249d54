// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>

#include <nts/phl.h>

#include "fmt.h"
#include "phl_log.h"

#define PHL_LOG_PER_SEC 20

static const char *rcode_name(unsigned int rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE",
	};

	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "?";
}

static int phl_event(void *ctx, void *data, size_t len)
{
	char name[FMT_ESCAPED_MAX], in[INET_ADDRSTRLEN], srv[INET_ADDRSTRLEN];
	char prev[INET_ADDRSTRLEN];
	const struct phl_event *ev = data;
	struct phl_log *pl = ctx;

	if (len < sizeof(*ev))
		return 0;
	/* Names come from inside hosts' packets: escaped. */
	fmt_escape(name, sizeof(name), ev->name, sizeof(ev->name));
	inet_ntop(AF_INET, &ev->inside, in, sizeof(in));
	inet_ntop(AF_INET, &ev->server, srv, sizeof(srv));
	inet_ntop(AF_INET, &ev->prev, prev, sizeof(prev));

	switch (ev->kind) {
	case PHL_EV_UNTRUSTED:
		log_limited(&pl->lim,
			   "not learnt: DNS UPDATE from %s:%u to %s:%u, which "
			   "is not a trusted DDNS server (--ddns-server)",
			   in, ntohs(ev->port), srv, ntohs(ev->server_port));
		break;
	case PHL_EV_ZONE:
		log_limited(&pl->lim,
			   "not learnt: DNS UPDATE from %s:%u for zone '%s', "
			   "which is not one of --zone",
			   in, ntohs(ev->port), name);
		break;
	case PHL_EV_QUOTA:
		log_limited(&pl->lim,
			   "refused: %s for %s, which has %u names already "
			   "(--names-per-host)",
			   name, in, ev->quota);
		break;
	case PHL_EV_FULL:
		log_limited(&pl->lim,
			   "refused: %s for %s: the PHL is full (--max-names)",
			   name, in);
		break;
	case PHL_EV_ADD:
		if (ev->prev)
			log_limited(&pl->lim,
				   "%s moved from %s to %s (DNS UPDATE "
				   "accepted by %s:%u)",
				   name, prev, in, srv, ntohs(ev->server_port));
		else
			log_limited(&pl->lim,
				   "%s registered for %s (DNS UPDATE accepted "
				   "by %s:%u)",
				   name, in, srv, ntohs(ev->server_port));
		break;
	case PHL_EV_DEL:
		log_limited(&pl->lim,
			   "%s of %s deleted by %s (DNS UPDATE accepted by "
			   "%s:%u)",
			   name, prev, in, srv, ntohs(ev->server_port));
		break;
	case PHL_EV_DISCARD:
		log_limited(&pl->lim,
			   "not learnt: %s:%u answered %s to the DNS UPDATE "
			   "of %s from %s",
			   srv, ntohs(ev->server_port), rcode_name(ev->rcode),
			   name, in);
		break;
	}
	return 0;
}

int phl_log_init(struct phl_log *pl, int map_fd)
{
	pl->lim = (struct log_limit)LOG_LIMIT_INIT("phl", PHL_LOG_PER_SEC);
	pl->rb = ring_buffer__new(map_fd, phl_event, pl, NULL);
	if (!pl->rb) {
		pr_err("cannot read the phl_events ring buffer: %s",
		       strerror(errno));
		return -errno;
	}
	return 0;
}

void phl_log_fini(struct phl_log *pl)
{
	ring_buffer__free(pl->rb);
	pl->rb = NULL;
}

int phl_log_fd(const struct phl_log *pl)
{
	return ring_buffer__epoll_fd(pl->rb);
}

void phl_log_input(struct phl_log *pl)
{
	ring_buffer__consume(pl->rb);
}
