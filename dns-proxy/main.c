// SPDX-License-Identifier: GPL-2.0
/*
 * ntsdns: the NTS server. Start-up, signals and counters; the options
 * are in options.c, the work in the other files (ntsdns.h lists them,
 * query.c drives).
 */
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <event2/event.h>

#include "addr.h"
#include "evlog.h"
#include "log.h"
#include "ntsdns.h"
#include "options.h"
#include "query.h"

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static void counters_print(const struct proxy *px)
{
	const struct counters *c = &px->cnt;

	pr_info("counters: queries %llu, negotiated %llu, accepted %llu, "
		"rejected %llu, refused %llu, timeouts %llu, servfail %llu, "
		"malformed %llu, truncated %llu, duplicates %llu, "
		"upstream_ignored %llu, nego_ignored %llu, nego_errors %llu, "
		"suppressed_addr %llu, suppressed_private %llu, "
		"suppressed_max %llu, suppressed_rate %llu, tcp_refused %llu, "
		"tcp_closed_slow %llu, tcp_evicted %llu, upstream_tcp %llu, "
		"proxied %llu, proxy_untrusted %llu, proxy_bad %llu, "
		"log_left_out %llu",
		c->queries, c->negotiated, c->accepted, c->rejected, c->refused,
		c->timeouts, c->servfail, c->malformed, c->truncated,
		c->duplicates, c->upstream_ignored, c->nego_ignored,
		c->nego_errors, c->suppressed_addr, c->suppressed_private,
		c->suppressed_max, c->suppressed_rate, c->tcp_refused,
		c->tcp_closed_slow, c->tcp_evicted, c->upstream_tcp,
		c->proxied, c->proxy_untrusted, c->proxy_bad, c->log_left_out);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct proxy *px = arg;

	(void)what;
	if (sig == SIGUSR1) {
		counters_print(px);
		return;
	}
	event_base_loopbreak(px->base);
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

static void started(const struct proxy *px)
{
	const struct config *c = &px->cfg;
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
	for (i = 0; i < c->zones.n; i++)
		append(line, sizeof(line), "%s %s (key %s)", i ? "," : "",
		       c->zones.zone[i].name,
		       zones_key(&c->zones, &c->zones.zone[i])->name);
	if (!c->zones.n)
		append(line, sizeof(line), " none (a plain forwarder)");
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
	pr_info("%s", line);
}

int main(int argc, char **argv)
{
	static struct proxy px;
	struct event *sigs[3] = {};
	struct queries *qs = NULL;
	static const int signo[3] = { SIGINT, SIGTERM, SIGUSR1 };
	int rc = 1;
	size_t i;

	nts_log_init("ntsdns", 0);
	rc = config_parse(&px.cfg, argc, argv);
	if (rc > 0)
		return 0;
	if (rc || config_zones(&px.cfg)) {
		zones_free(&px.cfg.zones);
		return 2;
	}
	rc = 1;
	nts_log_init("ntsdns", px.cfg.verbose);
	signal(SIGPIPE, SIG_IGN);
	more_files();
	px.base = event_base_new();
	if (!px.base) {
		pr_err("cannot set up the event loop (libevent)");
		goto out;
	}
	for (i = 0; i < 3; i++) {
		sigs[i] = evsignal_new(px.base, signo[i], on_signal, &px);
		if (!sigs[i] || event_add(sigs[i], NULL))
			goto out;
	}
	if (evlog_init(&px))
		goto out;
	qs = queries_open(&px);
	if (!qs)
		goto out;
	started(&px);
	event_base_dispatch(px.base);
	evlog_fini(); /* what was left out, before the counters */
	counters_print(&px);
	rc = 0;
out:
	evlog_fini();
	queries_close(qs);
	for (i = 0; i < 3; i++)
		if (sigs[i])
			event_free(sigs[i]);
	if (px.base)
		event_base_free(px.base);
	zones_free(&px.cfg.zones);
	if (!rc)
		pr_info("stopped");
	return rc;
}
