/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The NOTICE path, stage 4: what decide said, signed on every core
 * (nego_pool.c) and sent in batches (sendmmsg), each answer from the
 * address its NOTICE was sent to (IP_PKTINFO), so that the NTS server
 * sees it come from the address it wrote to.
 */
#ifndef NTSLOAD_NEGO_ANSWER_H
#define NTSLOAD_NEGO_ANSWER_H

#include "log.h"
#include "nego_path.h"
#include "nego_pool.h"

struct nego_answer {
	int fd;			/* nego_recv's socket */
	struct nego_pool *pool; /* may be NULL: one thread */
	struct log_limit *log;
};

/*
 * Sign and send what is in @ob, then empty it. Relayed NOTICEs that
 * could not be sent go to @unsent (at most @max, NEGO_RELAY_MAX is
 * enough); returns how many.
 */
int nego_answer_send(struct nego_answer *a, struct nego_outbox *ob,
		     struct nego_unsent *unsent, int max);

#endif /* NTSLOAD_NEGO_ANSWER_H */
