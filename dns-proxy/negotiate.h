/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NTS-Nego, the server's side: NOTICEs to the routers at an answer's
 * addresses, their answers in, and one call of the request's done()
 * with what each router said. negotiate.c never touches the answer
 * itself; what the verdicts do to it is the caller's (nts_apply()).
 */
#ifndef NTSDNS_NEGOTIATE_H
#define NTSDNS_NEGOTIATE_H

#include <stdbool.h>
#include <stdint.h>

#include "target.h"

struct proxy;
struct shared;
struct nego;
struct nego_req;
struct hold;

/*
 * The routers have answered, or the time is up: @v, one for each router
 * notified (on negotiate.c's stack: copy what you keep). The hold is
 * gone by then; done() may free the request.
 */
typedef void nego_done_fn(struct nego_req *req, const struct nts_verdict *v,
			  unsigned int n);

struct nego_req {
	nego_done_fn *done;
	struct hold *hold; /* negotiate.c's, while held */
};

/* The --rate-client buckets of all workers (--threads 2 and more). */
int nego_share(struct shared *sh);
void nego_unshare(struct shared *sh);

struct nego *nego_init(struct proxy *px);
void nego_fini(struct nego *n);

/*
 * Tell the routers of @t (the caller's, until done() or nego_cancel())
 * that @gn (copied) is about to connect. True: held, done() follows. False:
 * nothing to wait for (no router to ask, none could be), answer now.
 */
bool nego_start(struct nego *n, struct nego_req *req,
		const struct nts_target *t, const struct nts_gn *gn);
/* Forget @req, held or not: done() will not be called. */
void nego_cancel(struct nego_req *req);

#endif /* NTSDNS_NEGOTIATE_H */
