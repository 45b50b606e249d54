// SPDX-License-Identifier: GPL-2.0
/*
 * The option tables of user/lib/opts.[ch]: what a row parses and
 * refuses, and the --help it makes (which the install test reads).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <linux/types.h>

#include "opts.h"
#include "test.h"

struct t_cfg {
	bool flag;
	int verbose;
	uint16_t port;
	unsigned int secs;
	uint8_t kind;
	const char *path;
	__be32 addrs[3];
	unsigned int naddrs;
	const char *files[2];
	size_t nfiles;
};

static const char *const kinds[] = { "one", "two", "three", NULL };

#define F(m)	OPT_FIELD(struct t_cfg, m)
#define L(a, n) OPT_LIST_FIELD(struct t_cfg, a, n)

static const struct opt t_opts[] = {
	{ .name = "flag", .short_name = 'f', .type = OPT_FLAG, F(flag),
	  .help = "a flag" },
	{ .name = "verbose", .short_name = 'v', .type = OPT_COUNT,
	  F(verbose), .help = "more" },
	{ .name = "port", .type = OPT_UINT, .arg = "PORT", F(port), .min = 1,
	  .max = 65535, .dflt = 20053, .help = "a port" },
	{ .name = "secs", .type = OPT_UINT, .arg = "SEC", F(secs), .min = 0,
	  .max = 86400, .dflt = 300,
	  .help = "a help long enough to be wrapped over more than one line "
		  "of the terminal, at words, never past the 79th column" },
	{ .name = "kind", .type = OPT_ENUM, .arg = "KIND", F(kind),
	  .names = kinds, .dflt = 1, .help = "a kind" },
	{ .name = "path", .short_name = 'P', .type = OPT_STR, .arg = "DIR",
	  F(path), .def = "/somewhere", .help = "a path" },
	{ .name = "addr", .short_name = 'a', .type = OPT_LIST, .arg = "ADDR",
	  L(addrs, naddrs), .parse = opt_ipv4, .flags = OPT_UNIQUE,
	  .what = "addresses", .help = "an address; repeatable" },
	{ .name = "file", .type = OPT_LIST, .arg = "FILE", L(files, nfiles),
	  .parse = opt_str, .section = "Files:", .help = "a file" },
	{ .name = "help", .short_name = 'h', .type = OPT_HELP,
	  .help = "this text" },
};

static const struct opts_prog t_prog = {
	.name = "t",
	.usage = "Usage: t [OPTIONS] ARG\n\n",
	.epilog = "The end.\n",
	.opts = t_opts,
	.nopts = sizeof(t_opts) / sizeof(t_opts[0]),
};

/* Parse the NULL-terminated words after "t" into @c. */
static int parse(struct t_cfg *c, int *first, ...)
{
	char *argv[16] = { "t" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	*c = (struct t_cfg){};
	return opts_parse(&t_prog, c, argc, argv, first);
}

TEST(defaults_and_values)
{
	struct t_cfg c;
	int first;

	if (!ASSERT_OK(parse(&c, &first, "x", NULL), "no options"))
		return;
	ASSERT_EQ(c.port, 20053, "default of a u16 field");
	ASSERT_EQ(c.secs, 300, "default of an unsigned int field");
	ASSERT_EQ(c.kind, 1, "default of an enum");
	ASSERT_EQ(first, 1, "the argument is first");

	if (!ASSERT_OK(parse(&c, &first, "-fvv", "--port", "65535", "--secs",
			     "0", "--kind", "three", "-P", "/p", "x", "y",
			     NULL),
		       "every type"))
		return;
	ASSERT_TRUE(c.flag, "-f");
	ASSERT_EQ(c.verbose, 2, "-vv counts");
	ASSERT_EQ(c.port, 65535, "--port at its maximum");
	ASSERT_EQ(c.secs, 0, "--secs at its minimum");
	ASSERT_EQ(c.kind, 2, "--kind three");
	ASSERT_STREQ(c.path, "/p", "-P");
	ASSERT_EQ(first, 10, "arguments after the options");
}

TEST(bounds_refused)
{
	static const char *const bad[][2] = {
		{ "--port", "0" },	{ "--port", "65536" },
		{ "--port", "-1" },	{ "--port", "" },
		{ "--port", "8x" },	{ "--secs", "86401" },
		{ "--secs", "-0" },	{ "--kind", "four" },
		{ "--addr", "1.2.3" },	{ "--nosuch", "1" },
	};
	struct t_cfg c;
	size_t i;
	int first;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!test__start_subtest(bad[i][0] + 2))
			continue;
		ASSERT_EQ(parse(&c, &first, bad[i][0], bad[i][1], NULL),
			  -EINVAL, bad[i][1]);
		test__end_subtest();
	}
}

TEST(lists)
{
	struct t_cfg c;
	int first;

	if (!ASSERT_OK(parse(&c, &first, "-a", "192.0.2.1", "-a",
			     "192.0.2.2", "-a", "192.0.2.1", "--file", "f1",
			     "--file", "f2", NULL),
		       "two addresses, one twice; two files"))
		return;
	ASSERT_EQ(c.naddrs, 2, "a repeated address counts once");
	ASSERT_EQ(c.addrs[1], htonl(0xc0000202), "in the order given");
	ASSERT_EQ(c.nfiles, 2, "a size_t count");
	ASSERT_STREQ(c.files[1], "f2", "the second file");
	ASSERT_EQ(parse(&c, &first, "--file", "a", "--file", "b", "--file",
			"c", NULL),
		  -EINVAL, "one more than the array holds");
	ASSERT_EQ(c.nfiles, 2, "and the array is not overrun");
}

/* A row that could write past its field: refused before any parsing. */
TEST(bad_table_refused)
{
	static const struct opt wide = { .name = "wide", .type = OPT_UINT,
					 .arg = "N", F(kind), .max = 256 };
	static const struct opt twice[] = {
		{ .name = "a", .short_name = 'a', .type = OPT_FLAG, F(flag) },
		{ .name = "b", .short_name = 'a', .type = OPT_FLAG, F(flag) },
	};
	const struct opts_prog p = { .name = "t", .opts = &wide, .nopts = 1 };
	const struct opts_prog q = { .name = "t", .opts = twice, .nopts = 2 };
	char *argv[] = { "t", "--wide", "1", NULL };
	struct t_cfg c = {};
	int first;

	ASSERT_EQ(opts_parse(&p, &c, 3, argv, &first), -EINVAL,
		  "a u8 field with a bound of 256");
	ASSERT_EQ(c.kind, 0, "nothing written");
	ASSERT_EQ(opts_parse(&q, &c, 1, argv, &first), -EINVAL,
		  "-a for two rows");
}

TEST(help_text)
{
	char *text = NULL, *line, *save;
	size_t len = 0;
	int n = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!ASSERT_TRUE(f != NULL, "open_memstream"))
		return;
	opts_usage(&t_prog, f);
	fclose(f);
	ASSERT_TRUE(strstr(text, "\n  -f, --flag ") != NULL, "short, long");
	ASSERT_TRUE(strstr(text, "\n      --port PORT ") != NULL,
		    "long only, with its argument");
	ASSERT_TRUE(strstr(text, "a port (default: 20053)\n") != NULL,
		    "a number's default");
	ASSERT_TRUE(strstr(text, "a kind (default: two)\n") != NULL,
		    "an enum's default, by name");
	ASSERT_TRUE(strstr(text, "a path (default: /somewhere)\n") != NULL,
		    "a default in words");
	ASSERT_TRUE(strstr(text, "\nFiles:\n      --file FILE") != NULL,
		    "a section heading");
	ASSERT_TRUE(strstr(text, "\n\nThe end.\n") != NULL, "the epilog");
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), n++)
		if (!ASSERT_TRUE(strlen(line) <= 79, line))
			break;
	ASSERT_TRUE(n > 12, "wrapped: more lines than options");
	free(text);
}
