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
		for (l->p++; *l->p && *l->p != '"'; l->p++)
			if (n < sizeof(l->tok) - 1)
				l->tok[n++] = *l->p;
			else
				l->cut = true;
		if (*l->p)
			l->p++;
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

int keys_load(struct nts_keyring *kr, const char *path, char *err,
	      size_t errlen)
{
	struct lex l = { .line = 1 };
	struct nts_key k, *more;
	const struct nts_key *dup;
	char *text = NULL, algo[64];
	long size;
	int rc = 0, found = 0, e;
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
	l.p = text;

	while (next(&l)) {
		if (strcmp(l.tok, "key"))
			FAIL("%s:%d: expected 'key', found '%s'", path, l.line,
			     l.tok);
		memset(&k, 0, sizeof(k));
		algo[0] = '\0';
		if (!next(&l) || key_name(k.name, l.tok))
			FAIL("%s:%d: bad key name", path, l.line);
		if (!expect(&l, "{"))
			FAIL("%s:%d: expected '{'", path, l.line);
		while (next(&l) && strcmp(l.tok, "}")) {
			if (!strcmp(l.tok, "algorithm") && next(&l)) {
				snprintf(algo, sizeof(algo), "%s", l.tok);
			} else if (!strcmp(l.tok, "secret") && next(&l)) {
				e = secret_decode(&k, l.tok, l.cut);
				if (e == -E2BIG)
					FAIL("%s:%d: the secret of key '%s' "
					     "is longer than %d bytes, the "
					     "limit (tsig-keygen -a "
					     "hmac-sha256 makes 32)",
					     path, l.line, k.name,
					     KEY_SECRET_MAX);
				else if (e)
					FAIL("%s:%d: the secret of key '%s' "
					     "is not base64",
					     path, l.line, k.name);
			} else {
				FAIL("%s:%d: unexpected '%s' in key '%s'",
				     path, l.line, l.tok, k.name);
			}
			if (!expect(&l, ";"))
				FAIL("%s:%d: expected ';'", path, l.line);
		}
		if (strcmp(l.tok, "}") || !expect(&l, ";"))
			FAIL("%s:%d: key '%s' is not closed with '};'", path,
			     l.line, k.name);
		if (strcasecmp(algo, "hmac-sha256"))
			FAIL("%s: key '%s' uses '%s'; only hmac-sha256 is "
			     "supported (tsig-keygen -a hmac-sha256 NAME)",
			     path, k.name, algo[0] ? algo : "no algorithm");
		if (!k.secret_len)
			FAIL("%s: key '%s' has no secret", path, k.name);
		/* Which of two secrets would sign? Neither: refuse. */
		dup = keys_find(kr, k.name, strlen(k.name));
		if (dup)
			FAIL("key '%s' is in %s and again in %s; a key name "
			     "may be given once",
			     k.name, dup->file, path);
		snprintf(k.file, sizeof(k.file), "%s", path);
		more = realloc(kr->keys, (kr->n + 1) * sizeof(*more));
		if (!more)
			FAIL("out of memory");
		kr->keys = more;
		kr->keys[kr->n++] = k;
		found++;
	}
	if (!found)
		FAIL("%s: no key in it", path);
out:
	free(text);
	fclose(f);
	return rc;
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
