// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "log.h"
#include "metrics.h"
#include "prom.h"

static void serve(struct evhttp_request *req, void *arg)
{
	struct metrics *m = arg;
	struct evbuffer *out;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_send_error(req, 405, "only GET");
		return;
	}
	if (strcmp(evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req)) ?: "",
		   "/metrics")) {
		evhttp_send_error(req, HTTP_NOTFOUND, "try /metrics");
		return;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		evhttp_send_error(req, HTTP_INTERNAL, "no memory");
		return;
	}
	err = prom_router(f, m->maps, m->iface);
	fclose(f);
	out = evbuffer_new();
	if (err || !out) {
		evhttp_send_error(req, HTTP_INTERNAL, "cannot read the maps");
	} else {
		evbuffer_add(out, text, len);
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Content-Type",
				  "text/plain; version=0.0.4; charset=utf-8");
		evhttp_send_reply(req, HTTP_OK, "OK", out);
	}
	if (out)
		evbuffer_free(out);
	free(text);
}

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	event_base_loopbreak(arg);
}

static void *run(void *arg)
{
	struct metrics *m = arg;

	event_base_dispatch(m->base);
	return NULL;
}

/* "ADDR:PORT" into its parts; the port is a number. */
static int split(const char *s, char *host, size_t hlen, unsigned short *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long p;

	if (!colon || colon == s || (size_t)(colon - s) >= hlen)
		return -EINVAL;
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno || *end || !p || p > 65535)
		return -EINVAL;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	*port = p;
	return 0;
}

int metrics_start(struct metrics *m, const char *addr,
		  const struct nts_maps *maps, const char *iface)
{
	unsigned short port;
	char host[64];
	int err;

	memset(m, 0, sizeof(*m));
	m->stop_fd = -1;
	if (!addr)
		return 0;
	m->maps = maps;
	m->iface = iface;
	if (split(addr, host, sizeof(host), &port)) {
		pr_err("--metrics: '%s' is not ADDR:PORT (e.g. 127.0.0.1:9433)",
		       addr);
		return -EINVAL;
	}
	m->base = event_base_new();
	m->http = m->base ? evhttp_new(m->base) : NULL;
	m->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m->stop_ev = m->stop_fd < 0 || !m->base ? NULL :
			event_new(m->base, m->stop_fd, EV_READ, on_stop,
				  m->base);
	if (!m->http || !m->stop_ev || event_add(m->stop_ev, NULL)) {
		pr_err("--metrics: cannot set up the HTTP server");
		err = -ENOMEM;
		goto fail;
	}
	evhttp_set_gencb(m->http, serve, m);
	if (evhttp_bind_socket(m->http, host, port)) {
		err = errno ? -errno : -EADDRNOTAVAIL;
		pr_err("--metrics %s: cannot listen there: %s (an address of "
		       "this host, a port nothing else uses)",
		       addr, strerror(-err));
		goto fail;
	}
	err = -pthread_create(&m->thread, NULL, run, m);
	if (err) {
		pr_err("--metrics: cannot start its thread: %s",
		       strerror(-err));
		goto fail;
	}
	m->running = true;
	pr_info("metrics on http://%s/metrics", addr);
	return 0;
fail:
	metrics_stop(m);
	return err;
}

void metrics_stop(struct metrics *m)
{
	uint64_t one = 1;

	if (m->running) {
		if (write(m->stop_fd, &one, sizeof(one)) != sizeof(one))
			pr_err("--metrics: cannot stop its thread");
		pthread_join(m->thread, NULL);
		m->running = false;
	}
	if (m->stop_ev)
		event_free(m->stop_ev);
	if (m->http)
		evhttp_free(m->http);
	if (m->base)
		event_base_free(m->base);
	if (m->stop_fd >= 0)
		close(m->stop_fd);
	memset(m, 0, sizeof(*m));
	m->stop_fd = -1;
}
