// SPDX-License-Identifier: GPL-2.0
/*
 * A job is a range of items; every thread, the caller's too, takes the
 * next few with an atomic add until none are left. The helpers sleep on
 * a condition variable between jobs; the caller waits for the items the
 * helpers took. Small jobs stay on the caller: waking a helper costs
 * more than a few MACs.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "nego.h"
#include "nego_pool.h"

#define POOL_MAX       16 /* threads in all */
#define POOL_MIN_ITEMS 8  /* fewer: the caller does them alone */
#define POOL_CHUNK     4  /* items taken at once */

struct nego_pool {
	pthread_mutex_t lock;
	pthread_cond_t start; /* a job, or stop */
	pthread_cond_t done;  /* the helpers' items of a job are done */
	unsigned long job;    /* jobs posted */
	bool stop;
	/* the job */
	void (*fn)(void *arg, size_t i);
	void *arg;
	size_t n;
	size_t next;	       /* atomic: the next item to take */
	size_t finished;       /* items done */
	unsigned int busy;     /* helpers at work on the job */
	unsigned int nthreads; /* helpers running */
	pthread_t thread[POOL_MAX];
};

unsigned int pool_cpus(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	int mine;

	if (online < 1)
		online = 1;
	if (sched_getaffinity(0, sizeof(set), &set))
		return online;
	mine = CPU_COUNT(&set);
	return mine > 0 && mine < online ? mine : online;
}

/* Take items until none are left; how many this thread did. */
static size_t work(struct nego_pool *p)
{
	size_t i, end, did = 0;

	for (;;) {
		i = __atomic_fetch_add(&p->next, POOL_CHUNK, __ATOMIC_RELAXED);
		if (i >= p->n)
			return did;
		end = i + POOL_CHUNK < p->n ? i + POOL_CHUNK : p->n;
		for (; i < end; i++, did++)
			p->fn(p->arg, i);
	}
}

static void *helper(void *arg)
{
	struct nego_pool *p = arg;
	unsigned long seen = 0;
	size_t did;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && p->job == seen)
			pthread_cond_wait(&p->start, &p->lock);
		if (p->stop)
			break;
		/* Joined under the lock: the job can't change until we leave. */
		seen = p->job;
		p->busy++;
		pthread_mutex_unlock(&p->lock);
		did = work(p);
		pthread_mutex_lock(&p->lock);
		p->finished += did;
		if (!--p->busy)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	nego_thread_done();
	return NULL;
}

struct nego_pool *pool_new(unsigned int threads)
{
	struct nego_pool *p = calloc(1, sizeof(*p));
	sigset_t all, old;
	unsigned int i;
	int err;

	if (!p) {
		pr_err("cannot make the MAC threads: %s", strerror(ENOMEM));
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->start, NULL);
	pthread_cond_init(&p->done, NULL);
	if (threads > POOL_MAX)
		threads = POOL_MAX;
	/* Signals are for the main thread's signalfd, not for these. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 1; i < threads; i++) {
		err = pthread_create(&p->thread[p->nthreads], NULL, helper, p);
		if (err) {
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			pr_err("cannot start MAC thread %u of %u: %s", i,
			       threads - 1, strerror(err));
			pool_free(p);
			errno = err;
			return NULL;
		}
		p->nthreads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return p;
}

void pool_free(struct nego_pool *p)
{
	unsigned int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->nthreads; i++)
		pthread_join(p->thread[i], NULL);
	pthread_cond_destroy(&p->start);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

unsigned int pool_threads(const struct nego_pool *p)
{
	return p ? p->nthreads + 1 : 1;
}

void pool_run(struct nego_pool *p, void (*fn)(void *arg, size_t i), void *arg,
	      size_t n)
{
	size_t i, did;

	if (!p || !p->nthreads || n < POOL_MIN_ITEMS) {
		for (i = 0; i < n; i++)
			fn(arg, i);
		return;
	}
	pthread_mutex_lock(&p->lock);
	/* A helper that woke late for the last job, and found nothing. */
	while (p->busy)
		pthread_cond_wait(&p->done, &p->lock);
	p->fn = fn;
	p->arg = arg;
	p->n = n;
	p->next = 0;
	p->finished = 0;
	p->job++;
	pthread_cond_broadcast(&p->start);
	pthread_mutex_unlock(&p->lock);

	did = work(p);

	pthread_mutex_lock(&p->lock);
	p->finished += did;
	while (p->finished < n || p->busy)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
