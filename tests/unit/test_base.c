// SPDX-License-Identifier: Apache-2.0
/* The base layer: array growth, string builder, formatted strings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/base/array.h"
#include "analyzer/base/sbuf.h"
#include "analyzer/base/str.h"
#include "analyzer/base/version.h"

struct pair {
	int a;
	long b;
};

static void test_grow_doubles(void **state)
{
	struct pair *v = NULL;
	size_t cap = 0;

	/* nothing asked, nothing allocated */
	assert_int_equal(BC_GROW(v, cap, 0), 0);
	assert_null(v);
	assert_int_equal(cap, 0);
	/* the first allocation holds BC_GROW_MIN elements */
	assert_int_equal(BC_GROW(v, cap, 1), 0);
	assert_non_null(v);
	assert_int_equal(cap, BC_GROW_MIN);
	for (size_t i = 0; i < 100; i++) {
		assert_int_equal(BC_GROW(v, cap, i + 1), 0);
		assert_true(cap >= i + 1);
		v[i] = (struct pair){ (int)i, -(long)i };
	}
	/* 8 -> 16 -> 32 -> 64 -> 128, contents kept */
	assert_int_equal(cap, 128);
	for (size_t i = 0; i < 100; i++) {
		assert_int_equal(v[i].a, (int)i);
		assert_int_equal(v[i].b, -(long)i);
	}
	/* room already there: no change */
	{
		struct pair *before = v;

		assert_int_equal(BC_GROW(v, cap, 128), 0);
		assert_ptr_equal(v, before);
		assert_int_equal(cap, 128);
	}
	/* more than twice asked: exactly that */
	assert_int_equal(BC_GROW(v, cap, 1000), 0);
	assert_int_equal(cap, 1000);
	assert_int_equal(v[99].a, 99);
	free(v);
}

static void test_grow_first_need(void **state)
{
	char *s = NULL;
	size_t cap = 0;

	assert_int_equal(BC_GROW(s, cap, 300), 0);
	assert_int_equal(cap, 300);
	memset(s, 'x', 300);
	free(s);
}

static void test_grow_sized_rows(void **state)
{
	/* three pointers per element */
	const char **cells = NULL;
	size_t cap = 0;

	for (size_t r = 0; r < 20; r++) {
		assert_int_equal(BC_GROW_SIZED(cells, cap, r + 1, 3 * sizeof(*cells)), 0);
		for (size_t c = 0; c < 3; c++)
			cells[r * 3 + c] = c ? "y" : "x";
	}
	assert_int_equal(cap, 32);
	assert_string_equal(cells[19 * 3], "x");
	assert_string_equal(cells[19 * 3 + 2], "y");
	free(cells);
}

static void test_grow_refuses_overflow(void **state)
{
	void *v = malloc(16), *before = v;
	size_t cap = 2;

	assert_non_null(v);
	/* NEED elements of 8 bytes do not fit in a size_t */
	assert_int_equal(bc_grow(&v, &cap, SIZE_MAX / 4, 8), -ENOMEM);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 2);
	assert_int_equal(bc_grow(&v, &cap, SIZE_MAX, 2), -ENOMEM);
	assert_int_equal(cap, 2);
	/* doubling a huge capacity overflows; NEED alone does too */
	cap = SIZE_MAX / 8;
	assert_int_equal(bc_grow(&v, &cap, SIZE_MAX / 8 + 1, 8), -ENOMEM);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, SIZE_MAX / 8);
	free(v);
}

static char *vwrap(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *vwrap(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = bc_strdup_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void test_strdup_printf(void **state)
{
	char big[3000], *s;

	s = bc_strdup_printf("%s=%d/%03u", "n", -4, 7u);
	assert_string_equal(s, "n=-4/007");
	free(s);
	s = bc_strdup_printf("%s", "");
	assert_non_null(s);
	assert_string_equal(s, "");
	free(s);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	s = bc_strdup_printf("<%s>", big);
	assert_int_equal(strlen(s), sizeof(big) + 1);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[sizeof(big)], '>');
	free(s);
	s = vwrap("%s %llu", "x", 18446744073709551615ull);
	assert_string_equal(s, "x 18446744073709551615");
	free(s);
}

/* bc_strv_push copies, keeps the list NULL-terminated, and grows it by
 * doubling (BC_GROW), not one string at a time. */
static void test_strv_push(void **state)
{
	char **v = NULL, word[8];
	size_t n = 0, cap = 0, caps = 0, last = 0;

	for (int i = 0; i < 100; i++) {
		snprintf(word, sizeof(word), "w%d", i);
		assert_int_equal(bc_strv_push(&v, &n, &cap, word), 0);
		assert_int_equal(n, i + 1);
		assert_null(v[n]);
		assert_true(cap >= n + 1);
		caps += cap != last;
		last = cap;
	}
	word[0] = 0;	/* the list holds copies */
	assert_string_equal(v[0], "w0");
	assert_string_equal(v[99], "w99");
	assert_true(caps <= 5);	/* 8, 16, 32, 64, 128 */
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void test_sbuf(void **state)
{
	struct bc_sbuf b = { 0 };
	char *s;

	s = bc_sbuf_finish(&b);
	assert_string_equal(s, "");
	free(s);
	for (int i = 0; i < 500; i++)
		bc_sbuf_printf(&b, "%d,", i % 10);
	bc_sbuf_puts(&b, "end");
	bc_sbuf_put_escaped(&b, "\"\n", 2);
	s = bc_sbuf_finish(&b);
	assert_int_equal(strlen(s), 1000 + 3 + 4);
	assert_memory_equal(s, "0,1,2,", 6);
	assert_string_equal(s + 1000, "end\\\"\\n");
	free(s);
}

static void test_versions(void **state)
{
	assert_int_equal(BC_BT(17), 1700);
	assert_int_equal(BC_BTV(0, 22, 1), 2201);
	assert_true(BC_BT_HEAD > BC_BTV(0, 26, 1));
	assert_true(BC_BT_HEAD < BC_BT(27));
	assert_int_equal(BC_KV(6, 9), 6 * 256 + 9);
	assert_true(BC_KV(5, 255) < BC_KV(6, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_doubles),
		cmocka_unit_test(test_grow_first_need),
		cmocka_unit_test(test_grow_sized_rows),
		cmocka_unit_test(test_grow_refuses_overflow),
		cmocka_unit_test(test_strdup_printf),
		cmocka_unit_test(test_strv_push),
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
