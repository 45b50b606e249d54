// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test runner. Runs in a network namespace of its own, so that the
 * routes and neighbours the tests set up touch nothing else. Prints one
 * "ok"/"not ok"/"skip" line per test (subtests indented beneath it) and a
 * summary; exits 1 on any failure.
 *
 * A test's stderr (its ASSERT reports, libbpf's messages) is held back
 * while it runs and shown only if it fails, or with V=1; if the process
 * dies in a test (a sanitizer's report), it is shown then.
 */
#include <errno.h>
#include <fnmatch.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "fixture.h"
#include "log.h"
#include "test.h"

#define MAX_TESTS 256

static struct {
	const char *area;
	const char *name;
	test_fn fn;
} tests[MAX_TESTS];
static int ntests;

/* The test running now. */
static struct {
	char full[256];
	const char *sub_filter;	/* only these subtests; NULL: all */
	bool failed, skipped, sub_failed, in_sub;
	char why[128];
	char sub[512];		/* the subtest running now, full name */
	int nsub, nsub_failed;
} cur;

static bool verbose;
static int log_ack = -1;	/* the logger's "done" */

void test_register(const char *file, const char *name, test_fn fn)
{
	const char *base = strrchr(file, '/');

	if (ntests == MAX_TESTS) {
		fprintf(stderr, "too many tests; raise MAX_TESTS\n");
		exit(2);
	}
	base = base ? base + 1 : file;
	/* "test_nat_out.c" -> area "nat_out" */
	if (!strncmp(base, "test_", 5))
		base += 5;
	tests[ntests].area = strndup(base, strcspn(base, "."));
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void test_fail(void)
{
	cur.failed = true;
	if (cur.in_sub)
		cur.sub_failed = true;
}

void test_skip(const char *why)
{
	cur.skipped = true;
	snprintf(cur.why, sizeof(cur.why), "%s", why);
}

/* ---- stderr, per test ----
 *
 * stderr is a pipe to a small child that holds what the running test
 * wrote: the parent tells it, in band, to show or drop it when the test
 * ends, and waits for it to be done. If the parent dies mid-test (a
 * sanitizer's report, a crash), the child sees the pipe close and shows
 * what it holds, the report included.
 */
#define LOG_SHOW "\001nts-log-show\n"
#define LOG_DROP "\001nts-log-drop\n"

static void logger(int in, int ack)
{
	size_t cap = 1 << 16, n = 0, ml = sizeof(LOG_SHOW) - 1;
	char *buf = malloc(cap), *m;
	ssize_t r;

	while (buf && (r = read(in, buf + n, cap - n)) > 0) {
		n += r;
		while ((m = memmem(buf, n, "\001nts-log-", 9)) &&
		       (size_t)(m - buf) + ml <= n) {
			if (!memcmp(m, LOG_SHOW, ml) &&
			    write(STDERR_FILENO, buf, m - buf) < 0)
				break;
			n -= m - buf + ml;
			memmove(buf, m + ml, n);
			if (write(ack, "", 1) != 1)
				_exit(1);
		}
		if (n == cap) {
			char *b = realloc(buf, 2 * cap);

			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
	}
	if (buf && n && write(STDERR_FILENO, buf, n) < 0)
		_exit(1);
	_exit(0);
}

static void log_setup(void)
{
	int data[2], ack[2];
	pid_t pid;

	verbose = getenv("V");
	if (verbose)
		return;
	if (pipe(data) || pipe(ack) || (pid = fork()) < 0) {
		fprintf(stderr, "test_unit: cannot hold stderr back (%s); "
				"printing it all\n", strerror(errno));
		verbose = true;
		return;
	}
	if (!pid) {
		close(data[1]);
		close(ack[0]);
		logger(data[0], ack[1]);
	}
	close(data[0]);
	close(ack[1]);
	dup2(data[1], STDERR_FILENO);
	close(data[1]);
	log_ack = ack[0];
}

static void log_end(bool show)
{
	const char *m = show ? LOG_SHOW : LOG_DROP;
	char c;

	fflush(stdout);		/* the subtests' lines first */
	fflush(stderr);
	if (verbose)
		return;
	if (write(STDERR_FILENO, m, strlen(m)) < 0 ||
	    read(log_ack, &c, 1) != 1)
		verbose = true;	/* the logger is gone: as it comes */
}

/* ---- subtests ---- */

bool test__start_subtest(const char *name)
{
	test__end_subtest();	/* the last one, if left open */
	if (cur.sub_filter && fnmatch(cur.sub_filter, name, 0))
		return false;
	snprintf(cur.sub, sizeof(cur.sub), "%s/%s", cur.full, name);
	cur.in_sub = true;
	cur.sub_failed = false;
	cur.nsub++;
	/* In the log too, so that its reports say which case they are. */
	fprintf(stderr, "  [%s]\n", cur.sub);
	return true;
}

void test__end_subtest(void)
{
	if (!cur.in_sub)
		return;
	cur.in_sub = false;
	cur.nsub_failed += cur.sub_failed;
	/* Indented: a case of the test, not one the runner counts. */
	if (cur.sub_failed)
		printf("  not ok %s\n", cur.sub);
}

/* Run the test if @filter names it, or names some of its subtests. */
static bool wanted(const char *filter, const char *full, const char **sub)
{
	size_t n = strlen(full);

	*sub = NULL;
	if (!filter || !fnmatch(filter, full, 0))
		return true;
	if (!strncmp(filter, full, n) && filter[n] == '/') {
		*sub = filter + n + 1;
		return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int i, pass = 0, fail = 0, skip = 0, subs = 0;

	nts_log_init("test_unit", getenv("V") ? 2 : 0);
	if (fixture_setup())
		return 2;
	log_setup();

	for (i = 0; i < ntests; i++) {
		memset(&cur, 0, sizeof(cur));
		snprintf(cur.full, sizeof(cur.full), "unit/%s/%s",
			 tests[i].area, tests[i].name);
		if (!wanted(filter, cur.full, &cur.sub_filter))
			continue;
		fixture_reset();
		tests[i].fn();
		test__end_subtest();	/* one left open */
		log_end(cur.failed);
		subs += cur.nsub;
		if (cur.failed) {
			printf("not ok %s", cur.full);
			if (cur.nsub)
				printf(" (%d of %d subtests failed)",
				       cur.nsub_failed, cur.nsub);
			printf("\n");
			fail++;
		} else if (cur.skipped) {
			printf("skip %s # %s\n", cur.full, cur.why);
			skip++;
		} else {
			printf("ok %s\n", cur.full);
			pass++;
		}
		fflush(stdout);
	}
	fixture_teardown();
	printf("# unit: %d passed, %d failed", pass, fail);
	if (skip)
		printf(", %d skipped", skip);
	if (subs)
		printf(" (%d subtests)", subs);
	printf("\n");
	return fail ? 1 : 0;
}
