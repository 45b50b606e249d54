// SPDX-License-Identifier: GPL-2.0
/*
 * user/lib/keys.c's parser of named.conf's key and server statements
 * (ntsdns --keys; ntsload -k takes the key statements only): what it
 * reads, and what it refuses, with the file's line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "keys.h"
#include "test.h"

/* secret "c2VjcmV0LWEtc2VjcmV0LWEtc2VjcmV0LWEtMzI=" is 29 bytes */
#define SA "c2VjcmV0LWEtc2VjcmV0LWEtc2VjcmV0LWEtMzI="
#define SB "c2VjcmV0LWItc2VjcmV0LWItc2VjcmV0LWItMzI="

static char path[64];

static const char *write_tmp(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/nts-test-keys.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int conf(struct nts_keyconf *c, const char *text, char *err,
		size_t errlen)
{
	const char *p = write_tmp(text);
	int rc;

	if (!p)
		return -errno;
	err[0] = '\0';
	rc = keys_conf_load(c, p, err, errlen);
	unlink(p);
	return rc;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

TEST(conf_two_routers)
{
	static const char text[] =
		"// a provider's table\n"
		"key \"rtr-a\" { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		"# bare names, comments anywhere\n"
		"key rtr-b{algorithm HMAC-SHA256;secret \"" SB "\";};\n"
		"server 198.51.100.2 { keys { \"rtr-a\"; }; };\n"
		"server /* B */ 198.51.100.5\n{\n\tkeys {\n rtr-b ;\n};\n};\n"
		"server 198.51.100.9 { keys { rtr-c; }; };\n"
		"key rtr-c. { secret \"" SA "\"; algorithm hmac-sha256; };\n";
	struct nts_keyconf c;
	const struct nts_key *k;
	char err[512];

	if (!ASSERT_EQ(conf(&c, text, err, sizeof(err)), 0, err))
		return;
	ASSERT_EQ(c.ring.n, 3, "three keys");
	ASSERT_EQ(c.nserver, 3, "three servers");
	k = keys_conf_server(&c, ip("198.51.100.2"));
	ASSERT_TRUE(k && !strcmp(k->name, "rtr-a"), "A's key");
	k = keys_conf_server(&c, ip("198.51.100.5"));
	ASSERT_TRUE(k && !strcmp(k->name, "rtr-b") && k->secret_len == 29 &&
			    !memcmp(k->secret, "secret-b-", 9),
		    "B's key, its secret decoded");
	k = keys_conf_server(&c, ip("198.51.100.9"));
	ASSERT_TRUE(k && !strcmp(k->name, "rtr-c"),
		    "a key defined after its server, trailing dot dropped");
	ASSERT_TRUE(!keys_conf_server(&c, ip("198.51.100.3")),
		    "no server statement: no key");
	keys_conf_free(&c);
}

TEST(conf_refused)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "options { };\n",
		  ":2: expected 'key' or 'server', found 'options'" },
		{ "key a { algorithm hmac-md5; secret \"" SA "\"; };\n",
		  "only hmac-sha256" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "server 198.51.100.5 { keys { b; }; };\n",
		  ":2: server's key 'b' is not in this file" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "server 198.51.100.500 { keys { a; }; };\n",
		  ":2: expected a router's IPv4 address" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "server 2001:db8::1 { keys { a; }; };\n",
		  ":2: expected a router's IPv4 address" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "server 198.51.100.5 { bogus yes; };\n",
		  ":2: expected 'keys' in server 198.51.100.5" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "key b { algorithm hmac-sha256; secret \"" SB "\"; };\n"
		  "server 198.51.100.5 { keys { a; b; }; };\n",
		  ":3: server 198.51.100.5: one key a router" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "server 198.51.100.5 { keys { a; }; };\n"
		  "server 198.51.100.5 { keys { a; }; };\n",
		  ":3: server 198.51.100.5 is given again (first at line 2)" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "server 198.51.100.5 { keys { a; } };\n",
		  ":2: server 198.51.100.5 is not closed" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "/* never closed\n",
		  ":2: a '/*' comment that does not end" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "; };\n",
		  ":1: a '\"' string that does not end" },
		{ "key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		  "key A { algorithm hmac-sha256; secret \"" SB "\"; };\n",
		  "a key name may be given once" },
		{ "// nothing\n", "no key in it" },
		{ "server 198.51.100.5 { keys { a; }; };\n", "no key in it" },
	};
	struct nts_keyconf c;
	char err[512], what[64];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(what, sizeof(what), "bad file %zu refused", i);
		if (!ASSERT_NEQ(conf(&c, bad[i].text, err, sizeof(err)), 0,
				what)) {
			keys_conf_free(&c);
			continue;
		}
		ASSERT_EQ(c.ring.n + c.nserver, 0, "nothing kept");
		if (!ASSERT_TRUE(strstr(err, bad[i].want), what))
			test_report("message: '%s', expected '%s'", err,
				    bad[i].want);
	}
}

TEST(key_file_has_no_servers)
{
	/* ntsload -k: a server statement there is not a key. */
	struct nts_keyring kr = {};
	const char *p = write_tmp(
		"key a { algorithm hmac-sha256; secret \"" SA "\"; };\n"
		"server 198.51.100.5 { keys { a; }; };\n");
	char err[512] = "";

	if (!ASSERT_TRUE(p, "temp file"))
		return;
	ASSERT_EQ(keys_load(&kr, p, err, sizeof(err)), -EINVAL, "refused");
	ASSERT_TRUE(strstr(err, ":2: expected 'key', found 'server'"), err);
	ASSERT_EQ(kr.n, 0, "nothing kept");
	unlink(p);
	keys_free(&kr);
}
