/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The struct definitions a script writes (struct X { ... }) laid out by
 * semantic analysis, against the C compiler's layout of the very same text:
 * each definition below is compiled here and also handed to the analysis as
 * script text, and every member offset, bit position and the struct size
 * must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/script/sema.h"
#include "support/sema_support.h"

#define STR_(...)	#__VA_ARGS__
#define STR(...)	STR_(__VA_ARGS__)

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define DEF_POINT	struct point { int x, y; char name[12]; struct point *next; }
#define DEF_MIXED	struct mixed { char c; long l; short s; u8 b; u64 q; u16 h[3]; void *p; }
#define DEF_BITS	struct bits { unsigned int a : 3; unsigned int b : 5; unsigned int c : 30; \
				      u8 tail; unsigned long long big : 40; int after; }
#define DEF_UNION	union value { unsigned long u; int i; char bytes[12]; }
#define DEF_NESTED	struct nested { char tag; union { short s; long long ll; }; \
					struct point origin; union value vals[2]; \
					struct { u8 x, y; } pair; int last; }

DEF_POINT;
DEF_MIXED;
DEF_BITS;
DEF_UNION;
DEF_NESTED;

static const char *script =
	"// bpftrace: 0.17\n"
	STR(DEF_POINT) ";\n"
	STR(DEF_MIXED) ";\n"
	STR(DEF_BITS) ";\n"
	STR(DEF_UNION) ";\n"
	STR(DEF_NESTED) ";\n"
	"kprobe:f {\n"
	"  $a = (struct point *)arg0; $b = (struct mixed *)arg0; $c = (struct bits *)arg0;\n"
	"  $d = (union value *)arg0; $e = (struct nested *)arg0;\n"
	"}\n";

/* The layout of the struct variable NAME points to. */
static const struct bc_stype *pointee(const struct bc_sema *s, const char *var)
{
	for (size_t i = 0; i < bc_sema_nr_vars(s); i++) {
		const struct bc_sema_var *v = bc_sema_var_at(s, i);

		if (!strcmp(v->name, var)) {
			assert_int_equal(v->type->kind, BC_ST_POINTER);
			assert_non_null(v->type->elem->layout);
			return v->type->elem;
		}
	}
	fail_msg("no variable $%s", var);
	return NULL;
}

static const struct bc_field *field(const struct bc_stype *t, const char *name)
{
	const struct bc_field *f = bc_stype_field(t, name);

	if (!f)
		fail_msg("%s has no member %s", t->name, name);
	return f;
}

#define OFF(t, type, m)	assert_int_equal(field(t, #m)->offset, offsetof(type, m))

/* A bitfield's first bit, counted from the start of the struct, as the
 * compiler placed it: set the field to 1 in a zeroed object and find
 * the lowest set bit. */
#define BITPOS(type, m, out) do {					\
		type o_;						\
		unsigned char *p_ = (unsigned char *)&o_;		\
		memset(&o_, 0, sizeof(o_));				\
		o_.m = 1;	/* its lowest bit */			\
		(out) = 0;						\
		for (size_t i_ = 0; i_ < sizeof(o_) * 8; i_++)		\
			if (p_[i_ / 8] & (1u << (i_ % 8))) {		\
				(out) = i_;				\
				break;					\
			}						\
	} while (0)

static void check_bit(const struct bc_stype *t, const char *name, size_t pos, unsigned width)
{
	const struct bc_field *f = field(t, name);

	assert_int_equal(f->bit_width, width);
	assert_int_equal(f->offset * 8 + f->bit_offset, pos);
}

static void test_layouts(void **state)
{
	struct bc_test_sema ts;
	const struct bc_stype *t;
	size_t pos;

	(void)state;
	assert_int_equal(bc_test_sema_run(&ts, "structs.bt", script, NULL), 0);
	assert_int_equal(bc_sema_nr_errors(ts.sema), 0);
	assert_int_equal(bc_sema_nr_guesses(ts.sema), 0);

	t = pointee(ts.sema, "a");
	assert_int_equal(t->size, sizeof(struct point));
	OFF(t, struct point, x);
	OFF(t, struct point, y);
	OFF(t, struct point, name);
	OFF(t, struct point, next);
	assert_int_equal(field(t, "name")->type->kind, BC_ST_STRING);
	assert_int_equal(field(t, "next")->type->kind, BC_ST_POINTER);

	t = pointee(ts.sema, "b");
	assert_int_equal(t->size, sizeof(struct mixed));
	OFF(t, struct mixed, c);
	OFF(t, struct mixed, l);
	OFF(t, struct mixed, s);
	OFF(t, struct mixed, b);
	OFF(t, struct mixed, q);
	OFF(t, struct mixed, h);
	OFF(t, struct mixed, p);
	assert_int_equal(field(t, "h")->type->kind, BC_ST_ARRAY);
	assert_int_equal(field(t, "h")->type->size, sizeof(((struct mixed *)0)->h));

	t = pointee(ts.sema, "c");
	assert_int_equal(t->size, sizeof(struct bits));
	BITPOS(struct bits, a, pos);
	check_bit(t, "a", pos, 3);
	BITPOS(struct bits, b, pos);
	check_bit(t, "b", pos, 5);
	BITPOS(struct bits, c, pos);
	check_bit(t, "c", pos, 30);
	BITPOS(struct bits, big, pos);
	check_bit(t, "big", pos, 40);
	OFF(t, struct bits, tail);
	OFF(t, struct bits, after);

	t = pointee(ts.sema, "d");
	assert_int_equal(t->size, sizeof(union value));
	OFF(t, union value, u);
	OFF(t, union value, i);
	OFF(t, union value, bytes);

	t = pointee(ts.sema, "e");
	assert_int_equal(t->size, sizeof(struct nested));
	OFF(t, struct nested, tag);
	OFF(t, struct nested, s);	/* anonymous union members are the struct's */
	OFF(t, struct nested, ll);
	OFF(t, struct nested, origin);
	OFF(t, struct nested, vals);
	OFF(t, struct nested, pair);
	OFF(t, struct nested, last);
	assert_int_equal(field(t, "origin")->type->size, sizeof(struct point));
	assert_int_equal(field(t, "vals")->type->size, sizeof(union value[2]));
	bc_test_sema_done(&ts);
}

/* An unknown member type: reported once with the assumption, laid out as 8 bytes. */
static void test_unknown_member(void **state)
{
	struct bc_test_sema ts;
	const struct bc_stype *t;

	(void)state;
	assert_int_equal(bc_test_sema_run(&ts, "u.bt",
		"// bpftrace: 0.17\nstruct s { char c; mystery_t m; int after; };\n"
		"kprobe:f { $a = (struct s *)arg0; $x = $a->after; }\n", NULL), 0);
	assert_int_equal(bc_sema_nr_guesses(ts.sema), 1);
	assert_int_equal(bc_sema_nr_errors(ts.sema), 0);
	t = pointee(ts.sema, "a");
	assert_int_equal(field(t, "m")->offset, 8);
	assert_int_equal(field(t, "after")->offset, 16);
	assert_int_equal(t->size, 24);
	bc_test_sema_done(&ts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_unknown_member),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
