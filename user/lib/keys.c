// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/evp.h>

#include "keys.h"

/* A tiny tokenizer for BIND's configuration syntax. */
struct lex {
	const char *p;
	int line;
	bool cut;		/* the last token was longer than tok */
	const char *open;	/* an unterminated comment or string */
	int open_line;
	char tok[512];
};

static void skip_space(struct lex *l)
{
	for (;;) {
		while (isspace((unsigned char)*l->p))
			l->line += *l->p++ == '\n';
		if (*l->p == '#' || (l->p[0] == '/' && l->p[1] == '/')) {
			while (*l->p && *l->p != '\n')
				l->p++;
		} else if (l->p[0] == '/' && l->p[1] == '*') {
			const char *e = strstr(l->p + 2, "*/");

			if (!e) {
				l->open = "a '/*' comment";
				l->open_line = l->line;
			}
			for (; *l->p && l->p != e; l->p++)
				l->line += *l->p == '\n';
			l->p = e ? e + 2 : l->p;
		} else {
			return;
		}
	}
}

/* Next token into l->tok: a quoted string, a punctuation mark or a word. */
static bool next(struct lex *l)
{
	size_t n = 0;

	skip_space(l);
	l->cut = false;
	if (!*l->p)
		return false;
	if (*l->p == '"') {
		int start = l->line;

		for (l->p++; *l->p && *l->p != '"'; l->p++) {
			l->line += *l->p == '\n';
			if (n < sizeof(l->tok) - 1)
				l->tok[n++] = *l->p;
			else
				l->cut = true;
		}
		if (*l->p) {
			l->p++;
		} else {
			l->open = "a '\"' string";
			l->open_line = start;
		}
	} else if (strchr("{};", *l->p)) {
		l->tok[n++] = *l->p++;
	} else {
		while (*l->p && !isspace((unsigned char)*l->p) &&
		       !strchr("{};\"", *l->p))
			if (n < sizeof(l->tok) - 1) {
				l->tok[n++] = *l->p++;
			} else {
				l->cut = true;
				l->p++;
			}
	}
	l->tok[n] = '\0';
	return true;
}

static bool expect(struct lex *l, const char *tok)
{
	return next(l) && !strcmp(l->tok, tok);
}

static int key_name(char *out, const char *in)
{
	size_t n = strlen(in), i;

	if (n && in[n - 1] == '.')
		n--;
	if (!n || n > 255)
		return -EINVAL;
	for (i = 0; i < n; i++)
		out[i] = tolower((unsigned char)in[i]);
	out[n] = '\0';
	return 0;
}

/* The bytes that @n characters of base64 with @pad '=' decode to. */
static size_t b64_len(size_t n, size_t pad)
{
	return n / 4 * 3 - pad;
}

static bool b64_chars(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("+/=", *s))
			return false;
	return true;
}

/*
 * 0, -EINVAL (not base64) or -E2BIG (base64, but longer than
 * KEY_SECRET_MAX: a different complaint, so that nobody hunts for a bad
 * character that isn't there).
 */
static int secret_decode(struct nts_key *k, const char *b64, bool cut)
{
	uint8_t buf[KEY_SECRET_MAX * 2];
	size_t n = strlen(b64), pad = 0;
	int len;

	if (!n || !b64_chars(b64))
		return -EINVAL;
	if (cut)
		return -E2BIG;
	while (pad < 2 && n > pad && b64[n - 1 - pad] == '=')
		pad++;
	if (n % 4)
		return -EINVAL;
	if (b64_len(n, pad) > KEY_SECRET_MAX)
		return -E2BIG;
	len = EVP_DecodeBlock(buf, (const unsigned char *)b64, n);
	if (len < 0)
		return -EINVAL;
	len -= pad;
	if (len <= 0 || len > KEY_SECRET_MAX)
		return -EINVAL;
	memcpy(k->secret, buf, len);
	k->secret_len = len;
	return 0;
}

#define FAIL(...)                                                             \
	do {                                                                  \
		if (err)                                                      \
			snprintf(err, errlen, __VA_ARGS__);                   \
		rc = -EINVAL;                                                 \
		goto out;                                                     \
	} while (0)

/*
 * A key file is a regular file: a FIFO would block ntsload until somebody
 * writes to it, a device would never end. O_NONBLOCK opens a FIFO without
 * waiting for a writer, so that fstat() can say what it is.
 */
static FILE *open_regular(const char *path, char *err, size_t errlen,
			  int *rc)
{
	struct stat st;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*rc = -errno;
		if (err)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*rc = -EINVAL;
		if (err)
			snprintf(err, errlen,
				 "%s: not a regular file (a FIFO, device or "
				 "directory?); give the key file itself",
				 path);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		*rc = -errno;
		if (err)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

/* A server statement as read, its key looked up once the file is read. */
struct pending_server {
	uint32_t addr;
	char key[256];
	int line;
};

/* One "key NAME { ... };" statement, after "key"; into @kr. */
static int parse_key(struct lex *l, struct nts_keyring *kr, const char *path,
		     char *err, size_t errlen)
{
	const struct nts_key *dup;
	struct nts_key k, *more;
	char algo[64] = "";
	int rc = 0, e;

	memset(&k, 0, sizeof(k));
	if (!next(l) || !strcmp(l->tok, "{") || key_name(k.name, l->tok))
		FAIL("%s:%d: expected a key name after 'key'", path, l->line);
	if (!expect(l, "{"))
		FAIL("%s:%d: expected '{' after key '%s'", path, l->line,
		     k.name);
	while (next(l) && strcmp(l->tok, "}")) {
		if (!strcmp(l->tok, "algorithm") && next(l)) {
			snprintf(algo, sizeof(algo), "%.63s", l->tok);
		} else if (!strcmp(l->tok, "secret") && next(l)) {
			e = secret_decode(&k, l->tok, l->cut);
			if (e == -E2BIG)
				FAIL("%s:%d: the secret of key '%s' is longer "
				     "than %d bytes, the limit (tsig-keygen -a "
				     "hmac-sha256 makes 32)",
				     path, l->line, k.name, KEY_SECRET_MAX);
			else if (e)
				FAIL("%s:%d: the secret of key '%s' is not "
				     "base64",
				     path, l->line, k.name);
		} else {
			FAIL("%s:%d: unexpected '%s' in key '%s' (expected "
			     "'algorithm' or 'secret')",
			     path, l->line, l->tok, k.name);
		}
		if (!expect(l, ";"))
			FAIL("%s:%d: expected ';'", path, l->line);
	}
	if (strcmp(l->tok, "}") || !expect(l, ";"))
		FAIL("%s:%d: key '%s' is not closed with '};'", path, l->line,
		     k.name);
	if (strcasecmp(algo, "hmac-sha256"))
		FAIL("%s: key '%s' uses '%s'; only hmac-sha256 is supported "
		     "(tsig-keygen -a hmac-sha256 NAME)",
		     path, k.name, algo[0] ? algo : "no algorithm");
	if (!k.secret_len)
		FAIL("%s: key '%s' has no secret", path, k.name);
	/* Which of two secrets would sign? Neither: refuse. */
	dup = keys_find(kr, k.name, strlen(k.name));
	if (dup)
		FAIL("key '%s' is in %s and again in %s; a key name may be "
		     "given once",
		     k.name, dup->file, path);
	snprintf(k.file, sizeof(k.file), "%s", path);
	more = realloc(kr->keys, (kr->n + 1) * sizeof(*more));
	if (!more)
		FAIL("out of memory");
	kr->keys = more;
	kr->keys[kr->n++] = k;
out:
	memset(&k, 0, sizeof(k));
	return rc;
}

/* An IPv4 address in dotted quad, nothing else (no prefix, no port). */
static bool parse_ipv4(const char *s, uint32_t *addr)
{
	unsigned int b[4], i;
	int n = -1;

	if (sscanf(s, "%3u.%3u.%3u.%3u%n", &b[0], &b[1], &b[2], &b[3], &n) !=
		    4 ||
	    n < 0 || s[n] || !isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < 4; i++)
		if (b[i] > 255)
			return false;
	/* network order, as in struct in_addr */
	*addr = 0;
	for (i = 0; i < 4; i++)
		((uint8_t *)addr)[i] = b[i];
	return true;
}

/* "server ADDR { keys { NAME; }; };", after "server". */
static int parse_server(struct lex *l, struct pending_server **srv,
			size_t *n, const char *path, char *err, size_t errlen)
{
	struct pending_server s = {}, *more;
	char addr[64];
	size_t i;
	int rc = 0;

	if (!next(l) || !parse_ipv4(l->tok, &s.addr))
		FAIL("%s:%d: expected a router's IPv4 address after 'server', "
		     "found '%s'",
		     path, l->line, l->tok);
	s.line = l->line;
	snprintf(addr, sizeof(addr), "%.63s", l->tok);
	for (i = 0; i < *n; i++)
		if ((*srv)[i].addr == s.addr)
			FAIL("%s:%d: server %s is given again (first at line "
			     "%d); one statement a router",
			     path, l->line, addr, (*srv)[i].line);
	if (!expect(l, "{"))
		FAIL("%s:%d: expected '{' after server %s", path, l->line,
		     addr);
	if (!next(l) || strcmp(l->tok, "keys"))
		FAIL("%s:%d: expected 'keys' in server %s, found '%s' (only "
		     "'keys { NAME; };' is supported)",
		     path, l->line, addr, l->tok);
	if (!expect(l, "{"))
		FAIL("%s:%d: expected '{' after 'keys' in server %s", path,
		     l->line, addr);
	if (!next(l) || strchr("{};", l->tok[0]) || key_name(s.key, l->tok))
		FAIL("%s:%d: expected a key name in server %s's keys", path,
		     l->line, addr);
	if (!expect(l, ";"))
		FAIL("%s:%d: expected ';' after key '%s' in server %s", path,
		     l->line, s.key, addr);
	if (!next(l) || strcmp(l->tok, "}"))
		FAIL("%s:%d: server %s: one key a router; expected '}' after "
		     "key '%s', found '%s'",
		     path, l->line, addr, s.key, l->tok);
	if (!expect(l, ";") || !expect(l, "}") || !expect(l, ";"))
		FAIL("%s:%d: server %s is not closed with '}; };'", path,
		     l->line, addr);
	more = realloc(*srv, (*n + 1) * sizeof(*more));
	if (!more)
		FAIL("out of memory");
	*srv = more;
	(*srv)[(*n)++] = s;
out:
	return rc;
}

/*
 * The statements of @path: keys into @kr; with @c, server statements
 * too (their keys must be in the same file, in any order).
 */
static int parse_file(struct nts_keyring *kr, struct nts_keyconf *c,
		      const char *path, char *err, size_t errlen)
{
	struct pending_server *srv = NULL;
	struct lex l = { .line = 1 };
	struct nts_server_key *out;
	const struct nts_key *k;
	size_t nsrv = 0, i, first = kr->n;
	char *text = NULL;
	long size;
	int rc = 0;
	FILE *f;

	f = open_regular(path, err, errlen, &rc);
	if (!f)
		return rc;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || size > 65536 ||
	    fseek(f, 0, SEEK_SET))
		FAIL("%s: not a key file (too large or unreadable)", path);
	text = calloc(1, size + 1);
	if (!text || fread(text, 1, size, f) != (size_t)size)
		FAIL("%s: cannot read it", path);
	if (memchr(text, '\0', size))
		FAIL("%s: a NUL byte in it: not a key file", path);
	l.p = text;

	while (next(&l)) {
		if (!strcmp(l.tok, "key"))
			rc = parse_key(&l, kr, path, err, errlen);
		else if (c && !strcmp(l.tok, "server"))
			rc = parse_server(&l, &srv, &nsrv, path, err, errlen);
		else if (c)
			FAIL("%s:%d: expected 'key' or 'server', found '%s'",
			     path, l.line, l.tok);
		else
			FAIL("%s:%d: expected 'key', found '%s'", path, l.line,
			     l.tok);
		/* What a comment or string left open swallowed: that first. */
		if (l.open)
			FAIL("%s:%d: %s that does not end", path, l.open_line,
			     l.open);
		if (rc)
			goto out;
	}
	if (l.open)
		FAIL("%s:%d: %s that does not end", path, l.open_line, l.open);
	if (kr->n == first)
		FAIL("%s: no key in it", path);
	if (!c)
		goto out;
	for (i = 0; i < nsrv; i++)
		if (!keys_find(kr, srv[i].key, strlen(srv[i].key)))
			FAIL("%s:%d: server's key '%s' is not in this file; "
			     "add its key statement (tsig-keygen -a "
			     "hmac-sha256 %s)",
			     path, srv[i].line, srv[i].key, srv[i].key);
	out = calloc(nsrv ? nsrv : 1, sizeof(*out));
	if (!out)
		FAIL("out of memory");
	for (i = 0; i < nsrv; i++) {
		k = keys_find(kr, srv[i].key, strlen(srv[i].key));
		out[i].addr = srv[i].addr;
		out[i].key = k - kr->keys;
	}
	free(c->server);
	c->server = out;
	c->nserver = nsrv;
out:
	if (rc && kr->n > first) {
		/* A file with an error adds nothing. */
		memset(kr->keys + first, 0, (kr->n - first) * sizeof(*kr->keys));
		kr->n = first;
	}
	free(srv);
	if (text) {
		memset(text, 0, size);
		free(text);
	}
	fclose(f);
	return rc;
}

int keys_load(struct nts_keyring *kr, const char *path, char *err,
	      size_t errlen)
{
	return parse_file(kr, NULL, path, err, errlen);
}

int keys_conf_load(struct nts_keyconf *c, const char *path, char *err,
		   size_t errlen)
{
	int rc;

	memset(c, 0, sizeof(*c));
	rc = parse_file(&c->ring, c, path, err, errlen);
	if (rc)
		keys_conf_free(c);
	return rc;
}

const struct nts_key *keys_conf_server(const struct nts_keyconf *c,
				       uint32_t addr)
{
	size_t i;

	for (i = 0; i < c->nserver; i++)
		if (c->server[i].addr == addr)
			return &c->ring.keys[c->server[i].key];
	return NULL;
}

void keys_conf_free(struct nts_keyconf *c)
{
	keys_free(&c->ring);
	free(c->server);
	c->server = NULL;
	c->nserver = 0;
}

const struct nts_key *keys_find(const struct nts_keyring *kr,
				const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < kr->n; i++)
		if (strlen(kr->keys[i].name) == len &&
		    !strncasecmp(kr->keys[i].name, name, len))
			return &kr->keys[i];
	return NULL;
}

void keys_free(struct nts_keyring *kr)
{
	if (kr->keys)
		memset(kr->keys, 0, kr->n * sizeof(*kr->keys));
	free(kr->keys);
	kr->keys = NULL;
	kr->n = 0;
}
