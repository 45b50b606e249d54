// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "httpmetrics.h"
#include "log.h"

struct http_metrics {
	struct evhttp *http;
	metrics_write_fn write;
	void *ctx;
};

static void serve(struct evhttp_request *req, void *arg)
{
	struct http_metrics *hm = arg;
	const char *path =
		evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	struct evbuffer *out;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int err;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_send_error(req, 405, "only GET");
		return;
	}
	if (!path || strcmp(path, "/metrics")) {
		evhttp_send_error(req, HTTP_NOTFOUND, "try /metrics");
		return;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		evhttp_send_error(req, HTTP_INTERNAL, "no memory");
		return;
	}
	err = hm->write(f, hm->ctx);
	fclose(f);
	out = evbuffer_new();
	if (err || !out) {
		evhttp_send_error(req, HTTP_INTERNAL, "cannot read the counters");
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

struct http_metrics *http_metrics_start(struct event_base *base,
					const char *opt, const char *addr,
					metrics_write_fn write, void *ctx)
{
	struct http_metrics *hm;
	unsigned short port;
	char host[64];
	int err;

	if (split(addr, host, sizeof(host), &port)) {
		pr_err("%s: '%s' is not ADDR:PORT (e.g. 127.0.0.1:9433)", opt,
		       addr);
		return NULL;
	}
	hm = calloc(1, sizeof(*hm));
	if (hm)
		hm->http = evhttp_new(base);
	if (!hm || !hm->http) {
		pr_err("%s: cannot set up the HTTP server (libevent)", opt);
		free(hm);
		return NULL;
	}
	hm->write = write;
	hm->ctx = ctx;
	evhttp_set_gencb(hm->http, serve, hm);
	errno = 0;
	if (evhttp_bind_socket(hm->http, host, port)) {
		err = errno ? errno : EADDRNOTAVAIL;
		pr_err("%s %s: cannot listen there: %s (an address of this "
		       "host, a port nothing else uses)",
		       opt, addr, strerror(err));
		http_metrics_stop(hm);
		return NULL;
	}
	pr_info("metrics on http://%s/metrics", addr);
	return hm;
}

void http_metrics_stop(struct http_metrics *hm)
{
	if (!hm)
		return;
	evhttp_free(hm->http);
	free(hm);
}
