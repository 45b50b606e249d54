// SPDX-License-Identifier: GPL-2.0
/*
 * --help from the option table (opts.h): one entry per row, its help
 * wrapped, its default said. Tests read it (selftests/install/): an
 * option's line starts with "  -x, --name ARG" or "      --name ARG",
 * its help goes on at a fixed column, its default ends it as
 * "(default: ...)".
 */
#include <stdbool.h>
#include <string.h>

#include "opts.h"

#define HELP_WIDTH 79
/* A space that does not break: "(default: 20)" stays on one line. */
#define NBSP '\x01'
/* Help starts here, or two spaces after a longer option. */
#define HELP_COL_MAX 30

static int lead(const struct opt *o, char *buf, size_t len)
{
	char sh[8] = "    ";

	if (o->short_name)
		snprintf(sh, sizeof(sh), "-%c, ", o->short_name);
	return snprintf(buf, len, "  %s--%s%s%s", sh, o->name,
			o->arg ? " " : "", o->arg ? o->arg : "");
}

static int help_col(const struct opts_prog *p)
{
	char buf[128];
	int col = 0, n;
	size_t i;

	for (i = 0; i < p->nopts; i++) {
		n = lead(&p->opts[i], buf, sizeof(buf)) + 2;
		if (n > col && n <= HELP_COL_MAX)
			col = n;
	}
	return col;
}

/* The words of @text, the line being at column @at: wrapped at @col. */
static void wrap(FILE *f, const char *text, int at, int col)
{
	const char *w = text;
	bool first = true;
	int n;

	for (;;) {
		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		if (!n)
			break;
		if (!first && at + 1 + n > HELP_WIDTH) {
			fprintf(f, "\n%*s", col, "");
			at = col;
			first = true;
		}
		if (!first) {
			fputc(' ', f);
			at++;
		}
		for (; n; n--, w++, at++)
			fputc(*w == NBSP ? ' ' : *w, f);
		first = false;
	}
	fputc('\n', f);
}

static void with_default(const struct opt *o, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s", o->help ? o->help : "");

	if ((size_t)n >= len)
		return;
	if (o->def)
		snprintf(buf + n, len - n, " (default:%c%s)", NBSP, o->def);
	else if (o->type == OPT_UINT)
		snprintf(buf + n, len - n, " (default:%c%llu)", NBSP, o->dflt);
	else if (o->type == OPT_ENUM)
		snprintf(buf + n, len - n, " (default:%c%s)", NBSP,
			 o->names[o->dflt]);
}

void opts_usage(const struct opts_prog *p, FILE *f)
{
	int col = help_col(p), n;
	char head[128], text[1024];
	size_t i;

	fputs(p->usage, f);
	for (i = 0; i < p->nopts; i++) {
		if (p->opts[i].section)
			fprintf(f, "\n%s\n", p->opts[i].section);
		n = lead(&p->opts[i], head, sizeof(head));
		with_default(&p->opts[i], text, sizeof(text));
		/* Two spaces at least between the option and its help. */
		n = n + 2 > col ? n + 2 : col;
		fprintf(f, "%-*s", n, head);
		wrap(f, text, n, col);
	}
	if (p->epilog)
		fprintf(f, "\n%s", p->epilog);
}
