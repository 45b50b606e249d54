/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver (query.c): it opens the listeners, the upstreams and
 * NTS-Nego, and takes every query from a client's message to its answer.
 */
#ifndef NTSDNS_QUERY_H
#define NTSDNS_QUERY_H

struct proxy;
struct queries;

/* Ready to answer, or NULL (and said why). */
struct queries *queries_open(struct proxy *px);
/* Queries in flight or held go unanswered. */
void queries_close(struct queries *qs);

#endif /* NTSDNS_QUERY_H */
