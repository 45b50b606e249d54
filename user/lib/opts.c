// SPDX-License-Identifier: GPL-2.0
/* Options from one table: getopt_long's table and the parsing (opts.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opts.h"

/* Room for one element of a list while it is parsed and compared. */
#define OPT_ELEM_MAX 512

int opts_uint(const char *what, const char *s, unsigned long long min,
	      unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || strchr(s, '-') || v < min || v > max) {
		pr_err("%s: '%s' is not a number from %llu to %llu", what, s,
		       min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

int opt_ipv4(const struct opt *o, const char *arg, void *dst)
{
	struct in_addr a;

	if (inet_pton(AF_INET, arg, &a) != 1) {
		pr_err("--%s: '%s' is not an IPv4 address", o->name, arg);
		return -EINVAL;
	}
	memcpy(dst, &a.s_addr, sizeof(a.s_addr));
	return 0;
}

int opt_str(const struct opt *o, const char *arg, void *dst)
{
	(void)o;
	*(const char **)dst = arg;
	return 0;
}

/* Integer fields of any width: configs use what suits them. */
static unsigned long long load_uint(const void *p, size_t size)
{
	switch (size) {
	case 1:
		return *(const uint8_t *)p;
	case 2:
		return *(const uint16_t *)p;
	case 4:
		return *(const uint32_t *)p;
	default:
		return *(const uint64_t *)p;
	}
}

static void store_uint(void *p, size_t size, unsigned long long v)
{
	switch (size) {
	case 1:
		*(uint8_t *)p = v;
		break;
	case 2:
		*(uint16_t *)p = v;
		break;
	case 4:
		*(uint32_t *)p = v;
		break;
	default:
		*(uint64_t *)p = v;
	}
}

static bool int_size(size_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static unsigned long long size_max(size_t size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* A table that could write past its field is a bug: refuse to run. */
static const char *row_bad(const struct opt *o)
{
	unsigned long long n;

	switch (o->type) {
	case OPT_FLAG:
		return o->size == sizeof(bool) ? NULL : "not a bool";
	case OPT_COUNT:
		return int_size(o->size) ? NULL : "not an integer";
	case OPT_UINT:
		if (!int_size(o->size))
			return "not an integer";
		if (o->min > o->max || o->max > size_max(o->size) ||
		    o->dflt > size_max(o->size))
			return "bounds too wide for the field";
		return NULL;
	case OPT_ENUM:
		if (!o->names || !int_size(o->size))
			return "no names";
		for (n = 0; o->names[n]; n++)
			;
		return o->dflt < n ? NULL : "default not one of the names";
	case OPT_STR:
		return o->size == sizeof(char *) ? NULL : "not a pointer";
	case OPT_FUNC:
		return o->parse ? NULL : "no parser";
	case OPT_LIST:
		if (!o->parse || !int_size(o->count_size))
			return "no parser or count";
		if (!o->elem || o->elem > OPT_ELEM_MAX)
			return "elements too big";
		return NULL;
	case OPT_HELP:
		return NULL;
	}
	return "unknown type";
}

/* Two rows of one name: getopt would only ever see the first. */
static const char *row_twice(const struct opts_prog *p, size_t i)
{
	const struct opt *o = &p->opts[i];
	size_t j;

	for (j = 0; j < i; j++) {
		if (!strcmp(p->opts[j].name, o->name))
			return "a name given twice";
		if (o->short_name && p->opts[j].short_name == o->short_name)
			return "a short name given twice";
	}
	return NULL;
}

static int check_table(const struct opts_prog *p)
{
	const char *why;
	size_t i;

	for (i = 0; i < p->nopts; i++) {
		why = row_bad(&p->opts[i]);
		if (!why)
			why = row_twice(p, i);
		if (why) {
			pr_err("%s's option table: --%s: %s", p->name,
			       p->opts[i].name, why);
			return -EINVAL;
		}
	}
	return 0;
}

static void set_defaults(const struct opts_prog *p, void *cfg)
{
	const struct opt *o;
	size_t i;

	for (i = 0; i < p->nopts; i++) {
		o = &p->opts[i];
		if (o->type == OPT_UINT || o->type == OPT_ENUM)
			store_uint((char *)cfg + o->off, o->size, o->dflt);
	}
}

static int parse_enum(const struct opt *o, const char *arg, void *field)
{
	char list[256] = "";
	size_t i, n = 0;

	for (i = 0; o->names[i]; i++) {
		if (!strcmp(arg, o->names[i])) {
			store_uint(field, o->size, i);
			return 0;
		}
	}
	/* "a, b or c" */
	for (i = 0; o->names[i] && n < sizeof(list); i++)
		n += snprintf(list + n, sizeof(list) - n, "%s%s",
			      !i ? "" : o->names[i + 1] ? ", " : " or ",
			      o->names[i]);
	pr_err("--%s: '%s' is not %s", o->name, arg, list);
	return -EINVAL;
}

static int append(const struct opt *o, const char *arg, void *cfg)
{
	unsigned char elem[OPT_ELEM_MAX] = {};
	char *array = (char *)cfg + o->off;
	void *count = (char *)cfg + o->count_off;
	unsigned long long i, n = load_uint(count, o->count_size);
	int err;

	err = o->parse(o, arg, elem);
	if (err)
		return err;
	if (o->flags & OPT_UNIQUE)
		for (i = 0; i < n; i++)
			if (!memcmp(array + i * o->elem, elem, o->elem))
				return 0;
	if (n >= o->max) {
		pr_err("--%s: %llu %s%sat most", o->name, o->max,
		       o->what ? o->what : "", o->what ? " " : "");
		return -EINVAL;
	}
	memcpy(array + n * o->elem, elem, o->elem);
	store_uint(count, o->count_size, n + 1);
	return 0;
}

/* One option, with its argument. 0, 1 for --help, or -errno. */
static int apply(const struct opts_prog *p, const struct opt *o,
		 const char *arg, void *cfg)
{
	void *field = (char *)cfg + o->off;
	unsigned long long v;
	char what[64];

	switch (o->type) {
	case OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_COUNT:
		store_uint(field, o->size, load_uint(field, o->size) + 1);
		return 0;
	case OPT_UINT:
		snprintf(what, sizeof(what), "--%s", o->name);
		if (opts_uint(what, arg, o->min, o->max, &v))
			return -EINVAL;
		store_uint(field, o->size, v);
		return 0;
	case OPT_ENUM:
		return parse_enum(o, arg, field);
	case OPT_STR:
		*(const char **)field = arg;
		return 0;
	case OPT_FUNC:
		return o->parse(o, arg, field);
	case OPT_LIST:
		return append(o, arg, cfg);
	case OPT_HELP:
		opts_usage(p, stdout);
		return 1;
	}
	return -EINVAL;
}

/* getopt's value for row @i: its short name, or one above any char. */
static int opt_val(const struct opts_prog *p, size_t i)
{
	return p->opts[i].short_name ? p->opts[i].short_name : 256 + (int)i;
}

static const struct opt *row_of(const struct opts_prog *p, int val)
{
	size_t i;

	for (i = 0; i < p->nopts; i++)
		if (opt_val(p, i) == val)
			return &p->opts[i];
	return NULL;
}

int opts_parse(const struct opts_prog *p, void *cfg, int argc, char **argv,
	       int *first)
{
	struct option *lo;
	char *shorts, *s;
	const struct opt *o;
	int c, err = 0;
	size_t i;

	if (check_table(p))
		return -EINVAL;
	lo = calloc(p->nopts + 1, sizeof(*lo));
	shorts = s = calloc(2 * p->nopts + 1, 1);
	if (!lo || !shorts) {
		free(lo);
		free(shorts);
		pr_err("out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < p->nopts; i++) {
		o = &p->opts[i];
		lo[i].name = o->name;
		lo[i].has_arg = o->arg ? required_argument : no_argument;
		lo[i].val = opt_val(p, i);
		if (o->short_name) {
			*s++ = o->short_name;
			if (o->arg)
				*s++ = ':';
		}
	}
	set_defaults(p, cfg);
	optind = 0; /* glibc: start afresh, should argv be parsed again */
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		o = row_of(p, c);
		if (!o) {
			opts_try(p);
			err = -EINVAL;
			break;
		}
		err = apply(p, o, optarg, cfg);
		if (err)
			break;
	}
	free(lo);
	free(shorts);
	*first = optind;
	return err;
}

void opts_try(const struct opts_prog *p)
{
	if (p->usage_on_error)
		opts_usage(p, stderr);
	else
		fprintf(stderr, "Try '%s --help'.\n", p->name);
}
