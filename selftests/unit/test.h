/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small test_progs-style harness: TEST(name) { ... } registers a test,
 * ASSERT_*() print what failed and where, and evaluate to whether it held.
 * A test may run cases as subtests, each with its own verdict line:
 *
 *	for (i = 0; i < n; i++) {
 *		if (!test__start_subtest(c[i].what))
 *			continue;
 *		...
 *		test__end_subtest();
 *	}
 *
 * and may skip, saying why: TEST_SKIP("nsupdate is not installed").
 * What a test prints to stderr is shown only when it fails (or with V=1).
 */
#ifndef NTS_TEST_H
#define NTS_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(void);

void test_register(const char *file, const char *name, test_fn fn);
void test_fail(void);
/* false: filtered out, skip the case. */
bool test__start_subtest(const char *name);
void test__end_subtest(void);
void test_skip(const char *why);

#define TEST_SKIP(why)                                                        \
	do {                                                                  \
		test_skip(why);                                               \
		return;                                                       \
	} while (0)

#define TEST(name)                                                            \
	static void test_##name(void);                                        \
	__attribute__((constructor)) static void register_##name(void)        \
	{                                                                     \
		test_register(__FILE__, #name, test_##name);                  \
	}                                                                     \
	static void test_##name(void)

#define test_report(fmt, ...)                                                 \
	fprintf(stderr, "  %s:%d: " fmt "\n", __FILE__, __LINE__, ##__VA_ARGS__)

#define ASSERT_TRUE(cond, what)                                               \
	({                                                                    \
		bool ___ok = (cond);                                          \
		if (!___ok) {                                                 \
			test_report("%s: '%s' is false", what, #cond);        \
			test_fail();                                          \
		}                                                             \
		___ok;                                                        \
	})

#define ASSERT_EQ(actual, expected, what)                                     \
	({                                                                    \
		long long ___a = (long long)(actual);                         \
		long long ___e = (long long)(expected);                       \
		bool ___ok = ___a == ___e;                                    \
		if (!___ok) {                                                 \
			test_report("%s: %s is %lld (0x%llx), expected %lld " \
				    "(0x%llx)",                               \
				    what, #actual, ___a, ___a, ___e, ___e);   \
			test_fail();                                          \
		}                                                             \
		___ok;                                                        \
	})

#define ASSERT_NEQ(actual, unexpected, what)                                  \
	({                                                                    \
		long long ___a = (long long)(actual);                         \
		long long ___u = (long long)(unexpected);                     \
		bool ___ok = ___a != ___u;                                    \
		if (!___ok) {                                                 \
			test_report("%s: %s is %lld, which it must not be",   \
				    what, #actual, ___a);                     \
			test_fail();                                          \
		}                                                             \
		___ok;                                                        \
	})

#define ASSERT_OK(err, what)                                                  \
	({                                                                    \
		int ___e = (err);                                             \
		bool ___ok = ___e == 0;                                       \
		if (!___ok) {                                                 \
			test_report("%s failed: %d (%s)", what, ___e,         \
				    strerror(___e < 0 ? -___e : ___e));       \
			test_fail();                                          \
		}                                                             \
		___ok;                                                        \
	})

#define ASSERT_STREQ(actual, expected, what)                                   \
	({                                                                    \
		const char *___a = (actual), *___e = (expected);             \
		bool ___ok = ___a && ___e && !strcmp(___a, ___e);             \
		if (!___ok) {                                                 \
			test_report("%s: %s is \"%s\", expected \"%s\"", what,  \
				    #actual, ___a ? ___a : "(null)",          \
				    ___e ? ___e : "(null)");                  \
			test_fail();                                          \
		}                                                             \
		___ok;                                                        \
	})

#define ASSERT_MEM_EQ(actual, expected, len, what)                            \
	({                                                                    \
		bool ___ok = !memcmp(actual, expected, len);                  \
		if (!___ok) {                                                 \
			test_report("%s: %s differs from %s", what, #actual,  \
				    #expected);                               \
			test_fail();                                          \
		}                                                             \
		___ok;                                                        \
	})

#endif /* NTS_TEST_H */
