// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test runner. Runs in a network namespace of its own, so that the
 * routes and neighbours the tests set up touch nothing else. Prints one
 * "ok"/"not ok" line per test and a summary; exits 1 on any failure.
 */
#include <errno.h>
#include <fnmatch.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
static bool failed;

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
	failed = true;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int i, pass = 0, fail = 0;
	char full[256];

	nts_log_init("test_unit", getenv("V") ? 2 : 0);
	if (fixture_setup())
		return 2;

	for (i = 0; i < ntests; i++) {
		snprintf(full, sizeof(full), "unit/%s/%s", tests[i].area,
			 tests[i].name);
		if (filter && fnmatch(filter, full, 0))
			continue;
		failed = false;
		fixture_reset();
		tests[i].fn();
		printf("%s %s\n", failed ? "not ok" : "ok", full);
		fflush(stdout);
		if (failed)
			fail++;
		else
			pass++;
	}
	fixture_teardown();
	printf("# unit: %d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
