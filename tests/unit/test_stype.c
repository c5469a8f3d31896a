/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/types/stype.h"

#define V17 BC_BTV(0, 17, 0)
#define V22 BC_BTV(0, 22, 0)
#define V25 BC_BTV(0, 25, 0)

static void assert_name(const struct bc_stype *t, int v, const char *want)
{
	char *s = bc_stype_name(t, v);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void test_ints(void **state)
{
	struct bc_stype *t = bc_stype_int(8, true), *u = bc_stype_int(4, false);

	(void)state;
	assert_int_equal(t->size, 8);
	assert_int_equal(t->align, 8);
	assert_name(t, V17, "int64");
	assert_name(u, V17, "unsigned int32");
	assert_name(u, V22, "uint32");
	assert_null(bc_stype_int(3, true));
	assert_false(bc_stype_equal(t, u));
	bc_stype_put(t);
	bc_stype_put(u);
}

/* docs/bpftrace-codegen.md §1.1: (int64, string[6], string[64]) = {i64,[6 x i8],[64 x i8]} = 80 B */
static void test_tuple_layout_and_llvm_name(void **state)
{
	struct bc_stype *e[3] = { bc_stype_int(8, true), bc_stype_string(6), bc_stype_string(64) };
	struct bc_stype *t = bc_stype_tuple(e, 3);
	char *n;

	(void)state;
	assert_non_null(t);
	assert_int_equal(t->size, 80);
	assert_int_equal(t->align, 8);
	assert_int_equal(t->layout->fields[1].offset, 8);
	assert_int_equal(t->layout->fields[2].offset, 14);
	assert_true(t->layout->padded);
	n = bc_stype_llvm_name(t, V17);
	assert_string_equal(n, "int64_string[6]_string[64]__tuple_t");
	free(n);
	assert_name(t, V17, "(int64,string[6],string[64])");
	bc_stype_put(t);
}

/* A byte array after a char-sized field is not realigned (LLVM [N x i8]). */
static void test_tuple_byte_array_alignment(void **state)
{
	struct bc_stype *e[3] = { bc_stype_string(3), bc_stype_inet(24), bc_stype_int(4, false) };
	struct bc_stype *t = bc_stype_tuple(e, 3);

	(void)state;
	assert_int_equal(t->layout->fields[1].offset, 3);
	assert_int_equal(t->layout->fields[2].offset, 28);
	assert_int_equal(t->size, 32);
	assert_name(t, V17, "(string[3],inet,unsigned int32)");
	assert_name(t, V22, "(string[3],inet[24],uint32)");
	bc_stype_put(t);
}

static void test_nested_tuple_and_script_dependence(void **state)
{
	struct bc_stype *in[2] = { bc_stype_int(2, true),
				   bc_stype_with_script_dependent(bc_stype_string(64), true) };
	struct bc_stype *inner = bc_stype_tuple(in, 2);
	struct bc_stype *out[2] = { bc_stype_int(1, false), inner };
	struct bc_stype *t = bc_stype_tuple(out, 2);

	(void)state;
	assert_true(inner->script_dependent);
	assert_true(t->script_dependent);
	/* inner = {i16,[64 x i8]} = 66 -> align 2 = 66; outer {i8, inner} = 2 + 66 */
	assert_int_equal(inner->size, 66);
	assert_int_equal(t->size, 68);
	assert_int_equal(t->layout->fields[1].offset, 2);
	bc_stype_put(t);
}

static void test_pointer_and_struct_names(void **state)
{
	struct bc_stype *p = bc_stype_pointer(bc_stype_cstruct("struct task_struct", 9792, false, NULL),
					      BC_AS_KERNEL);
	struct bc_stype *pp = bc_stype_pointer(bc_stype_get(p), BC_AS_USER);
	struct bc_stype *a = bc_stype_array(bc_stype_int(1, false), 16);

	(void)state;
	assert_int_equal(p->size, 8);
	assert_name(p, V17, "struct task_struct *");
	assert_name(pp, V17, "struct task_struct * *");
	assert_name(a, V17, "unsigned int8[16]");
	assert_int_equal(a->size, 16);
	assert_int_equal(a->align, 1);
	assert_int_equal(pp->as, BC_AS_USER);
	bc_stype_put(pp);
	bc_stype_put(p);
	bc_stype_put(a);
}

static void test_equality_ignores_addrspace(void **state)
{
	struct bc_stype *a = bc_stype_string(64);
	struct bc_stype *b = bc_stype_with_as(bc_stype_string(64), BC_AS_KERNEL);
	struct bc_stype *c = bc_stype_string(16);
	struct bc_stype *s1 = bc_stype_cstruct("struct sock", 776, false, NULL);
	struct bc_stype *s2 = bc_stype_cstruct("struct sock", 776, false, NULL);
	struct bc_stype *s3 = bc_stype_cstruct("struct file", 776, false, NULL);

	(void)state;
	assert_true(bc_stype_equal(a, b));
	assert_false(bc_stype_equal(a, c));
	assert_true(bc_stype_equal(s1, s2));
	assert_false(bc_stype_equal(s1, s3));
	bc_stype_put(a);
	bc_stype_put(b);
	bc_stype_put(c);
	bc_stype_put(s1);
	bc_stype_put(s2);
	bc_stype_put(s3);
}

/* with_* copies a shared type instead of changing it under other owners */
static void test_copy_on_write(void **state)
{
	struct bc_stype *a = bc_stype_int(8, false);
	struct bc_stype *b = bc_stype_with_as(bc_stype_get(a), BC_AS_USER);

	(void)state;
	assert_ptr_not_equal(a, b);
	assert_int_equal(a->as, BC_AS_NONE);
	assert_int_equal(b->as, BC_AS_USER);
	bc_stype_put(a);
	/* sole owner: changed in place */
	struct bc_stype *c = bc_stype_with_sign(b, true);
	assert_ptr_equal(b, c);
	assert_true(c->is_signed);
	bc_stype_put(c);
}

static void test_stack_sizes_per_version(void **state)
{
	static const struct {
		int v;
		uint32_t k, u;
	} cases[] = {
		{ BC_BTV(0, 17, 0), 8, 8 },	{ BC_BTV(0, 19, 0), 8, 16 },
		{ BC_BTV(0, 20, 2), 8, 16 },	{ BC_BTV(0, 21, 0), 12, 20 },
		{ BC_BTV(0, 22, 1), 12, 20 },	{ BC_BTV(0, 23, 0), 16, 24 },
		{ BC_BTV(0, 24, 0), 16, 24 },	{ BC_BTV(0, 25, 0), 1024, 1032 },
		{ BC_BT_HEAD, 1024, 1032 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bc_stype *k = bc_stype_stack(true, cases[i].v, 0, BC_STACK_BPFTRACE);
		struct bc_stype *u = bc_stype_stack(false, cases[i].v, 0, BC_STACK_BPFTRACE);

		assert_int_equal(k->size, cases[i].k);
		assert_int_equal(u->size, cases[i].u);
		bc_stype_put(k);
		bc_stype_put(u);
	}
	struct bc_stype *k = bc_stype_stack(true, V25, 10, BC_STACK_BPFTRACE);
	assert_int_equal(k->size, 88);
	bc_stype_put(k);
	k = bc_stype_stack(true, V25, 10, BC_STACK_BUILD_ID);
	assert_int_equal(k->size, 328);
	bc_stype_put(k);
}

static void test_fixed_sizes(void **state)
{
	struct bc_stype *t[] = { bc_stype_usym(), bc_stype_ksym(), bc_stype_timestamp(),
				 bc_stype_cgroup_path(), bc_stype_macaddr(), bc_stype_inet(24) };
	uint32_t want[] = { 16, 8, 16, 16, 6, 24 };

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(t[i]->size, want[i]);
		bc_stype_put(t[i]);
	}
}

static void test_aggregation_names(void **state)
{
	struct bc_stype *c = bc_stype_agg(BC_ST_COUNT, true);
	struct bc_stype *s = bc_stype_agg(BC_ST_SUM, false);
	struct bc_stype *k = bc_stype_ksym();

	(void)state;
	assert_true(bc_stype_is_aggregation(c));
	assert_false(bc_stype_is_aggregation(k));
	assert_name(c, V17, "count");
	assert_name(c, V22, "count_t");
	assert_name(s, V22, "usum_t");
	assert_name(k, V17, "ksym");
	assert_name(k, V22, "ksym_t");
	assert_null(bc_stype_agg(BC_ST_STRING, false));
	bc_stype_put(c);
	bc_stype_put(s);
	bc_stype_put(k);
}

static void test_record(void **state)
{
	const char *names[] = { "a", "b" };
	struct bc_stype *e[2] = { bc_stype_int(4, true), bc_stype_int(8, true) };
	struct bc_stype *r = bc_stype_record(names, e, 2);
	char *n;

	(void)state;
	assert_int_equal(r->size, 16);
	assert_int_equal(bc_stype_field(r, "b")->offset, 8);
	assert_null(bc_stype_field(r, "c"));
	assert_name(r, V25, "record { .a = int32, .b = int64 }");
	n = bc_stype_llvm_name(r, V25);
	assert_string_equal(n, "int32_int64__record_t");
	free(n);
	bc_stype_put(r);
}

/* A failed inner constructor propagates NULL without leaking the others. */
static void test_null_propagation(void **state)
{
	struct bc_stype *e[2] = { bc_stype_int(8, true), bc_stype_int(5, true) };

	(void)state;
	assert_null(e[1]);
	assert_null(bc_stype_tuple(e, 2));
	assert_null(bc_stype_pointer(NULL, BC_AS_NONE));
	assert_null(bc_stype_array(NULL, 4));
	assert_null(bc_stype_llvm_name(NULL, V17));
}

static void test_layout(void **state)
{
	struct bc_layout *l = bc_layout_new(24, 8, false);
	struct bc_stype *s;

	(void)state;
	assert_non_null(bc_layout_add(l, "pid", bc_stype_int(4, true), 0));
	assert_non_null(bc_layout_add(l, "comm", bc_stype_string(16), 4));
	s = bc_stype_cstruct("struct x", 24, false, l);
	assert_int_equal(bc_stype_field(s, "comm")->offset, 4);
	assert_int_equal(bc_stype_field(s, "comm")->type->size, 16);
	assert_true(bc_stype_is_aggregate(s));
	bc_stype_put(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ints),
		cmocka_unit_test(test_tuple_layout_and_llvm_name),
		cmocka_unit_test(test_tuple_byte_array_alignment),
		cmocka_unit_test(test_nested_tuple_and_script_dependence),
		cmocka_unit_test(test_pointer_and_struct_names),
		cmocka_unit_test(test_equality_ignores_addrspace),
		cmocka_unit_test(test_copy_on_write),
		cmocka_unit_test(test_stack_sizes_per_version),
		cmocka_unit_test(test_fixed_sizes),
		cmocka_unit_test(test_aggregation_names),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_null_propagation),
		cmocka_unit_test(test_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
