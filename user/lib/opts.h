/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line options declared once: a program lists its options in one
 * table of struct opt, each row with its names, the field of the
 * program's config it fills, its bounds, default and help. The getopt
 * table, the parsing and --help are all made from that table (the model
 * is xdp-tools' DEFINE_OPTION), so that adding a flag is one row.
 */
#ifndef NTS_OPTS_H
#define NTS_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_type {
	OPT_FLAG,  /* no argument: the bool field becomes true */
	OPT_COUNT, /* no argument: the integer field counts (-v -v) */
	OPT_UINT,  /* an unsigned integer field, from .min to .max */
	OPT_ENUM,  /* one of .names: its index goes in the integer field */
	OPT_STR,   /* the argument itself (a const char * field) */
	OPT_FUNC,  /* .parse(o, arg, field) */
	OPT_LIST,  /* repeatable: .parse(o, arg, element) appended */
	OPT_HELP,  /* print --help and stop */
};

/* OPT_LIST: a value already in the list is not added again. */
#define OPT_UNIQUE 0x1

struct opt {
	const char *name; /* the long name, without "--" */
	char short_name;  /* 0: none */
	enum opt_type type;
	const char *arg; /* what the argument is, in --help; NULL: none */
	/* The field in the config (OPT_LIST: the array, and its count). */
	size_t off, size;
	size_t elem, count_off, count_size;
	/* OPT_UINT: bounds, default. OPT_ENUM: default. OPT_LIST: max. */
	unsigned long long min, max, dflt;
	const char *const *names; /* OPT_ENUM: NULL-terminated */
	/* OPT_FUNC, OPT_LIST: parse @arg into @dst; errors are printed. */
	int (*parse)(const struct opt *o, const char *arg, void *dst);
	unsigned int flags;
	const char *what; /* OPT_LIST: "addresses", for "8 addresses at most" */
	const char *def;  /* the default in words; NULL: .dflt (UINT, ENUM) */
	const char *section; /* a heading printed in --help before the row */
	const char *help;
};

/* The field @member of the config type @type. */
#define OPT_FIELD(type, member)               \
	.off = offsetof(type, member),        \
	.size = sizeof(((type *)0)->member)

/* A repeatable option's array @array and its count @count in @type. */
#define OPT_LIST_FIELD(type, array, count)                       \
	OPT_FIELD(type, array),                                  \
	.elem = sizeof(((type *)0)->array[0]),                   \
	.count_off = offsetof(type, count),                      \
	.count_size = sizeof(((type *)0)->count),                \
	.max = sizeof(((type *)0)->array) /                      \
	       sizeof(((type *)0)->array[0])

struct opts_prog {
	const char *name;  /* for "Try 'NAME --help'." */
	const char *usage; /* --help's text before the options */
	const char *epilog; /* and after them; or NULL */
	const struct opt *opts;
	size_t nopts;
	/* A bad option prints all of --help on stderr, not just "Try". */
	bool usage_on_error;
};

/*
 * Set every OPT_UINT and OPT_ENUM field of @cfg to its default, then
 * parse the options of @argv into @cfg. Returns 0 with *@first the first
 * argument that is not an option; 1 when --help was printed (exit 0);
 * -EINVAL on bad usage, said on stderr.
 */
int opts_parse(const struct opts_prog *p, void *cfg, int argc, char **argv,
	       int *first);
void opts_usage(const struct opts_prog *p, FILE *f);
/* "Try 'NAME --help'." (or all of --help), after a usage error. */
void opts_try(const struct opts_prog *p);

/* A number from @min to @max, or -EINVAL and "WHAT: 'S' is not a ...". */
int opts_uint(const char *what, const char *s, unsigned long long min,
	      unsigned long long max, unsigned long long *out);
/* OPT_FUNC and OPT_LIST parsers for common values. */
int opt_ipv4(const struct opt *o, const char *arg, void *dst); /* __be32 */
int opt_str(const struct opt *o, const char *arg, void *dst); /* char * */

#endif /* NTS_OPTS_H */
