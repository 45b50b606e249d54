// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns: the NTS server. Start-up, signals and counters; the options
 * are in options.c, the work in the other files (ntsdns.h lists them,
 * query.c drives).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <event2/event.h>

#include "addr.h"
#include "evlog.h"
#include "httpmetrics.h"
#include "keytab.h"
#include "listen.h"
#include "log.h"
#include "metrics.h"
#include "nego.h"
#include "negotiate.h"
#include "ntsdns.h"
#include "options.h"
#include "query.h"
#include "sdnotify.h"
#include "watchdog.h"

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* Worker @px's keys are @kt now (its reference): the old ones go. */
static void keys_swap(struct proxy *px, struct keytab *kt)
{
	struct keytab *old = px->keys;

	px->keys = kt;
	keytab_unref(old);
}

/* Append to @line (of @size bytes) what fits. */
__attribute__((format(printf, 3, 4))) static void
append(char *line, size_t size, const char *fmt, ...)
{
	size_t n = strlen(line);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, size - n, fmt, ap);
	va_end(ap);
}

static void counters_print(const struct counters *c)
{
	char line[4096] = "";

#define PRINT_ONE(name, help) \
	append(line, sizeof(line), "%s" #name " %llu", *line ? ", " : "", c->name);
	NTSDNS_COUNTERS(PRINT_ONE)
#undef PRINT_ONE
	pr_info("counters: %s", line);
}

/* @sum += @c, field by field (all of them unsigned long long). */
static void counters_add(struct counters *sum, const struct counters *c)
{
	unsigned long long *s = (unsigned long long *)sum;
	const unsigned long long *a = (const unsigned long long *)c;
	size_t i;

	for (i = 0; i < sizeof(*c) / sizeof(*a); i++)
		s[i] += a[i];
}

/*
 * A worker: a loop of its own, with its own sockets and queries. With
 * --threads 1 the one worker is main()'s loop, which handles the
 * signals too; with more, each runs in a thread of its own and main()'s
 * loop has only the signals, and tells the workers what to do through
 * a pipe: 'c' (your counters, please), 'k' (new keys in next_keys)
 * and 'q' (stop).
 */
struct worker {
	struct proxy px;
	struct queries *qs;
	struct workers *all;
	int cmd[2]; /* the pipe: main() writes, the worker reads */
	struct event *cmd_ev;
	struct event *flush;  /* evlog's */
	struct counters snap; /* its counters, for SIGUSR1 (under lock) */
	/* SIGHUP's keys, with a reference for it, till it takes them */
	_Atomic(struct keytab *) next_keys;
	pthread_t tid;
	bool running;
};

struct workers {
	struct event_base *base; /* main()'s: the signals */
	struct worker *w;
	unsigned int n;
	struct shared sh;
	const struct config *cfg;
	/* The workers' snapshots, for SIGUSR1: how many are in. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int nsnap;
};

static void on_cmd(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	struct workers *all = w->all;
	char c;

	(void)what;
	while (read(fd, &c, 1) == 1) {
		if (c == 'q') {
			event_base_loopbreak(w->px.base);
			continue;
		}
		if (c == 'k') {
			struct keytab *kt = atomic_exchange(&w->next_keys, NULL);

			if (kt)
				keys_swap(&w->px, kt);
			continue;
		}
		pthread_mutex_lock(&all->lock);
		w->snap = w->px.cnt;
		all->nsnap++;
		pthread_cond_signal(&all->cond);
		pthread_mutex_unlock(&all->lock);
	}
}

static void tell_all(struct workers *all, char c)
{
	unsigned int i;

	for (i = 0; i < all->n; i++)
		if (all->w[i].running && write(all->w[i].cmd[1], &c, 1) != 1)
			pr_err("cannot tell worker %u (%c): %s", i, c,
			       strerror(errno));
}

/*
 * The counters of workers @c[0..n-1], summed; with more than one, first
 * the queries each took (how evenly the kernel spread them).
 */
static void counters_sum_print(const struct counters *const *c, unsigned int n)
{
	char line[4096] = "";
	struct counters sum = {};
	unsigned int i;

	for (i = 0; i < n; i++) {
		counters_add(&sum, c[i]);
		append(line, sizeof(line), "%s %llu", i ? "," : "",
		       c[i]->queries);
	}
	if (n > 1)
		pr_info("workers' queries:%s", line);
	counters_print(&sum);
}

/*
 * Every worker's counters, as they are now (each worker copies its own),
 * into @c[0..n-1]. false when one did not answer within 2 s (said).
 */
static bool counters_collect(struct workers *all, const struct counters **c)
{
	struct timespec until;
	unsigned int i;
	bool all_in;

	if (all->n == 1) {
		c[0] = &all->w[0].px.cnt;
		return true;
	}
	pthread_mutex_lock(&all->lock);
	all->nsnap = 0;
	pthread_mutex_unlock(&all->lock);
	tell_all(all, 'c');
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&all->lock);
	while (all->nsnap < all->n &&
	       !pthread_cond_timedwait(&all->cond, &all->lock, &until))
		;
	for (i = 0; i < all->n; i++)
		c[i] = &all->w[i].snap;
	all_in = all->nsnap == all->n;
	if (!all_in)
		pr_err("counters: %u of %u workers answered in 2 s (is one "
		       "stuck? see its log lines)",
		       all->nsnap, all->n);
	pthread_mutex_unlock(&all->lock);
	return all_in;
}

static void counters_now(struct workers *all)
{
	const struct counters *c[256];

	if (counters_collect(all, c))
		counters_sum_print(c, all->n);
}

/* --metrics: the sum of every worker's counters. */
static int metrics_write(FILE *f, void *arg)
{
	struct workers *all = arg;
	const struct counters *c[256];
	struct counters sum = {};
	unsigned int i;

	if (!counters_collect(all, c))
		return -EAGAIN;
	for (i = 0; i < all->n; i++)
		counters_add(&sum, c[i]);
	counters_prometheus(f, &sum, all->n);
	return 0;
}

/* "3 zone keys, 2 routers with keys of their own (FILE)" */
static void keys_line(char *line, size_t size, const struct config *c,
		      const struct keytab *kt)
{
	size_t i;

	for (i = 0; i < kt->zones.n; i++)
		append(line, size, "%s %s (key %s)", i ? "," : "",
		       kt->zones.zone[i].name,
		       zones_key(&kt->zones, &kt->zones.zone[i])->name);
	if (!kt->zones.n)
		append(line, size, " none (a plain forwarder)");
	if (c->keys_path)
		append(line, size,
		       "; --keys %s: %zu key%s, %zu router%s with a key of "
		       "its own",
		       c->keys_path, kt->conf.ring.n,
		       kt->conf.ring.n == 1 ? "" : "s", kt->conf.nserver,
		       kt->conf.nserver == 1 ? "" : "s");
}

/*
 * SIGHUP: every key file read again into a new table, then each worker
 * given it (a reference each) to swap in between two events; queries
 * in flight keep the table they started with. A file with an error:
 * one line, and the keys stay as they were.
 */
static void keys_reload(struct workers *all)
{
	char why[1024], line[4096] = "";
	struct keytab *kt, *old;
	unsigned int i;

	kt = keytab_load(all->cfg, why, sizeof(why));
	if (!kt) {
		pr_err("SIGHUP: keys not reloaded, the old ones kept: %s", why);
		return;
	}
	keys_line(line, sizeof(line), all->cfg, kt);
	if (all->n == 1) {
		keys_swap(&all->w[0].px, kt);
	} else {
		for (i = 0; i < all->n; i++) {
			old = atomic_exchange(&all->w[i].next_keys,
					      keytab_ref(kt));
			keytab_unref(old); /* one it had not taken yet */
		}
		tell_all(all, 'k');
		keytab_unref(kt);
	}
	pr_info("SIGHUP: keys reloaded: NTS zones:%s", line);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct workers *all = arg;

	(void)what;
	if (sig == SIGUSR1) {
		counters_now(all);
		return;
	}
	if (sig == SIGHUP) {
		keys_reload(all);
		return;
	}
	event_base_loopbreak(all->base);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	evlog_thread(&w->px, w->flush);
	event_base_dispatch(w->px.base);
	evlog_thread(NULL, NULL);
	/* The thread's HMAC contexts of the NOTICEs (nego.c). */
	nego_thread_done();
	return NULL;
}

/* Each query may hold a client and an upstream TCP socket. */
static void more_files(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void started(const struct config *c, const struct keytab *kt)
{
	char line[4096] = "listening on", a[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < c->nlisten; i++)
		append(line, sizeof(line), "%s %s", i ? "," : "",
		       addr_str(&c->listen[i], a, sizeof(a)));
	append(line, sizeof(line), " (UDP, TCP); upstream");
	for (i = 0; i < c->nupstream; i++)
		append(line, sizeof(line), "%s %s", i ? "," : "",
		       addr_str(&c->upstream[i], a, sizeof(a)));
	append(line, sizeof(line), "; NTS zones:");
	keys_line(line, sizeof(line), c, kt);
	append(line, sizeof(line), "; NTS-Nego port %u, timeout %u ms, TTL %u",
	       c->nego_port, c->nego_timeout_ms, c->ttl);
	append(line, sizeof(line), "; NOTICEs: %u routers an answer, ",
	       c->notice_max);
	if (c->rate_client)
		append(line, sizeof(line), "%u/s a GN", c->rate_client);
	else
		append(line, sizeof(line), "no limit a GN");
	append(line, sizeof(line), "%s",
	       c->nego_private ? ", private addresses too" : "");
	/* Only when given: the line stays as it was without IPv6 routes. */
	if (c->nv6_router)
		append(line, sizeof(line), "; AAAA: %zu --v6-router prefix%s",
		       c->nv6_router, c->nv6_router == 1 ? "" : "es");
	if (c->authoritative)
		append(line, sizeof(line),
		       "; authoritative: the GN is a client's ECS network, "
		       "%zu --trust-resolver network%s for anyone",
		       c->ntrust_resolver, c->ntrust_resolver == 1 ? "" : "s");
	append(line, sizeof(line), "; %u thread%s", c->threads,
	       c->threads == 1 ? "" : "s");
	pr_info("%s", line);
}

/* A worker's loop, sockets and queries; -1 (and said why) on failure. */
static int worker_open(struct workers *all, unsigned int i,
		       const struct config *cfg, struct keytab *kt)
{
	struct worker *w = &all->w[i];

	w->all = all;
	w->cmd[0] = w->cmd[1] = -1;
	w->px.cfg = *cfg; /* its zones and keys: the same, read only */
	w->px.keys = keytab_ref(kt);
	w->px.worker = i;
	w->px.sh = all->n > 1 ? &all->sh : NULL;
	w->px.base = event_base_new();
	w->flush = w->px.base ? evlog_timer(&w->px) : NULL;
	if (!w->flush) {
		pr_err("cannot set up the event loop (libevent)");
		return -1;
	}
	if (all->n > 1) {
		if (pipe2(w->cmd, O_NONBLOCK | O_CLOEXEC)) {
			pr_err("cannot start worker %u: pipe: %s", i,
			       strerror(errno));
			return -1;
		}
		w->cmd_ev = event_new(w->px.base, w->cmd[0],
				      EV_READ | EV_PERSIST, on_cmd, w);
		if (!w->cmd_ev || event_add(w->cmd_ev, NULL)) {
			pr_err("cannot set up the event loop (libevent)");
			return -1;
		}
	}
	w->qs = queries_open(&w->px);
	return w->qs ? 0 : -1;
}

static void worker_close(struct worker *w)
{
	queries_close(w->qs);
	if (w->cmd_ev)
		event_free(w->cmd_ev);
	if (w->flush)
		event_free(w->flush);
	if (w->cmd[0] >= 0)
		close(w->cmd[0]);
	if (w->cmd[1] >= 0)
		close(w->cmd[1]);
	if (w->px.base)
		event_base_free(w->px.base);
	keytab_unref(w->px.keys);
	keytab_unref(atomic_exchange(&w->next_keys, NULL));
}

/* The threads of --threads 2 and more; the signals stay main()'s. */
static int workers_start(struct workers *all)
{
	sigset_t block, old;
	unsigned int i;
	int err = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < all->n && !err; i++) {
		err = pthread_create(&all->w[i].tid, NULL, worker_run,
				     &all->w[i]);
		if (err)
			pr_err("cannot start worker %u of %u: %s (try fewer "
			       "--threads)",
			       i + 1, all->n, strerror(err));
		else
			all->w[i].running = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err ? -1 : 0;
}

static void workers_stop(struct workers *all)
{
	unsigned int i;

	tell_all(all, 'q');
	for (i = 0; i < all->n; i++)
		if (all->w[i].running) {
			pthread_join(all->w[i].tid, NULL);
			all->w[i].running = false;
		}
}

static int shared_init(struct workers *all)
{
	all->sh.nworkers = all->n;
	pthread_mutex_init(&all->lock, NULL);
	pthread_cond_init(&all->cond, NULL);
	if (all->n == 1)
		return 0;
	if (nego_share(&all->sh) || listen_share(&all->sh)) {
		pr_err("cannot start: out of memory");
		return -1;
	}
	return 0;
}

static void shared_fini(struct workers *all)
{
	nego_unshare(&all->sh);
	listen_unshare(&all->sh);
	pthread_mutex_destroy(&all->lock);
	pthread_cond_destroy(&all->cond);
}

int main(int argc, char **argv)
{
	static struct config cfg;
	static struct workers all;
	struct event *sigs[4] = {};
	static const int signo[4] = { SIGINT, SIGTERM, SIGUSR1, SIGHUP };
	struct keytab *kt = NULL;
	char why[1024];
	const struct counters *c[256];
	struct event_base *bases[256];
	struct http_metrics *hm = NULL;
	struct watchdog *wd;
	int rc = 1;
	size_t i;

	nts_log_init("ntsdns", 0);
	rc = config_parse(&cfg, argc, argv);
	if (rc > 0)
		return 0;
	if (!rc && !config_zones(&cfg)) {
		kt = keytab_load(&cfg, why, sizeof(why));
		if (!kt)
			pr_err("%s", why);
	}
	if (!kt) {
		zones_free(&cfg.zones);
		return 2;
	}
	rc = 1;
	nts_log_init("ntsdns", cfg.verbose);
	signal(SIGPIPE, SIG_IGN);
	more_files();
	evlog_init(&cfg);
	all.n = cfg.threads;
	all.w = calloc(all.n, sizeof(*all.w));
	if (!all.w) {
		pr_err("cannot start: out of memory");
		zones_free(&cfg.zones);
		keytab_unref(kt);
		return 1;
	}
	all.cfg = &cfg;
	if (shared_init(&all))
		goto out;
	/* Every socket bound before a thread runs: a failure is one line. */
	for (i = 0; i < all.n; i++)
		if (worker_open(&all, i, &cfg, kt))
			goto out;
	all.base = all.n > 1 ? event_base_new() : all.w[0].px.base;
	if (!all.base) {
		pr_err("cannot set up the event loop (libevent)");
		goto out;
	}
	for (i = 0; i < 4; i++) {
		sigs[i] = evsignal_new(all.base, signo[i], on_signal, &all);
		if (!sigs[i] || event_add(sigs[i], NULL)) {
			pr_err("cannot set up the signals (libevent)");
			goto out;
		}
	}
	if (cfg.metrics) {
		hm = http_metrics_start(all.base, "--metrics", cfg.metrics,
					metrics_write, &all);
		if (!hm)
			goto out;
	}
	started(&cfg, kt);
	/* Each worker has its reference; SIGHUP makes new tables. */
	keytab_unref(kt);
	kt = NULL;
	for (i = 0; i < all.n; i++)
		bases[i] = all.w[i].px.base;
	wd = watchdog_start(all.base, bases, all.n);
	if (all.n == 1) {
		evlog_thread(&all.w[0].px, all.w[0].flush);
	} else if (workers_start(&all)) {
		workers_stop(&all);
		watchdog_stop(wd);
		goto out;
	}
	/* Type=notify: every socket bound, every worker running. */
	sd_notify_state("READY=1");
	event_base_dispatch(all.base);
	sd_notify_state("STOPPING=1");
	workers_stop(&all);
	watchdog_stop(wd);
	evlog_fini(); /* what was left out, before the counters */
	for (i = 0; i < all.n; i++)
		c[i] = &all.w[i].px.cnt;
	counters_sum_print(c, all.n);
	rc = 0;
out:
	http_metrics_stop(hm);
	evlog_fini();
	evlog_thread(NULL, NULL);
	keytab_unref(kt);
	for (i = 0; i < 4; i++)
		if (sigs[i])
			event_free(sigs[i]);
	for (i = 0; i < all.n; i++)
		worker_close(&all.w[i]);
	if (all.n > 1 && all.base)
		event_base_free(all.base);
	shared_fini(&all);
	free(all.w);
	zones_free(&cfg.zones);
	if (!rc)
		pr_info("stopped");
	return rc;
}
