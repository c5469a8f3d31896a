// SPDX-License-Identifier: Apache-2.0
/*
 * Slot liveness over the CFG: lifetime markers in branches, slots started in
 * one branch and ended after the join, allocas without markers, starts
 * without ends, markers through casts (typed-pointer IR), byte accounting.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyzer/llvm/ir_load.h"
#include "analyzer/stack/liveness.h"

struct lv {
	struct bc_ir_module *m;
	struct bc_liveness l;
};

static const char decls[] =
	"target datalayout = \"e-m:e-p:64:64-i64:64-i128:128-n32:64-S128\"\n"
	"target triple = \"bpfel\"\n"
	"declare void @use(ptr)\n"
	"declare void @llvm.lifetime.start.p0(i64, ptr)\n"
	"declare void @llvm.lifetime.end.p0(i64, ptr)\n";

static void compute(struct lv *x, const char *body, const char *fn)
{
	char *ir = malloc(strlen(decls) + strlen(body) + 1);
	LLVMValueRef f;

	assert_non_null(ir);
	strcpy(ir, decls);
	strcat(ir, body);
	x->m = bc_ir_parse(ir, strlen(ir), NULL);
	free(ir);
	assert_non_null(x->m);
	f = LLVMGetNamedFunction(x->m->mod, fn);
	assert_non_null(f);
	assert_int_equal(bc_liveness_compute(f, LLVMGetModuleDataLayout(x->m->mod), &x->l), 0);
}

static void release(struct lv *x)
{
	bc_liveness_free(&x->l);
	bc_ir_module_free(x->m);
}

static const struct bc_live_slot *slot(const struct bc_liveness *l, const char *name)
{
	for (size_t i = 0; i < l->nr_slots; i++)
		if (!strcmp(l->slots[i].name, name))
			return &l->slots[i];
	fail_msg("no slot %s", name);
	return NULL;
}

/* The peak set as "a,b,c" in slot order. */
static void assert_peak_set(const struct bc_liveness *l, const char *want)
{
	char got[256] = "";

	for (size_t i = 0; i < l->nr_slots; i++) {
		if (!l->slots[i].live_at_peak)
			continue;
		if (*got)
			strcat(got, ",");
		strcat(got, l->slots[i].name);
	}
	assert_string_equal(got, want);
}

static void test_branches(void **state)
{
	/* then: %a (100); else: %b (200) and %c (40) together; join: %a again.
	 * %n has no markers (live everywhere); %s starts in entry, never ends,
	 * and is first used in %join, so it is not live in %else yet.
	 * llc-19 -march=bpf -O3 lays this frame out in 256 bytes. */
	static const char body[] =
		"define i64 @f(ptr %ctx, i1 %cond) {\n"
		"entry:\n"
		"  %a = alloca [100 x i8], align 1\n"
		"  %b = alloca [200 x i8], align 1\n"
		"  %c = alloca [40 x i8], align 1\n"
		"  %n = alloca [16 x i8], align 8\n"
		"  %s = alloca [24 x i8], align 8\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %s)\n"
		"  call void @use(ptr %n)\n"
		"  br i1 %cond, label %then, label %else\n"
		"then:\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %a)\n"
		"  call void @use(ptr %a)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %a)\n"
		"  br label %join\n"
		"else:\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %b)\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %c)\n"
		"  call void @use(ptr %b)\n"
		"  call void @use(ptr %c)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %c)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %b)\n"
		"  br label %join\n"
		"join:\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %a)\n"
		"  call void @use(ptr %a)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %a)\n"
		"  call void @use(ptr %s)\n"
		"  ret i64 0\n"
		"}\n";
	struct lv x;

	(void)state;
	compute(&x, body, "f");
	assert_int_equal(x.l.nr_slots, 5);
	assert_int_equal(x.l.peak_bytes, 16 + 200 + 40);
	assert_int_equal(x.l.peak_raw_bytes, 256);
	assert_int_equal(x.l.total_bytes, 380);
	assert_peak_set(&x.l, "b,c,n");
	assert_true(slot(&x.l, "a")->has_start && slot(&x.l, "a")->has_end);
	assert_false(slot(&x.l, "n")->has_start);
	assert_false(slot(&x.l, "n")->has_end);
	assert_true(slot(&x.l, "s")->has_start);
	assert_false(slot(&x.l, "s")->has_end);
	/* the peak is right after %c starts, in %else */
	assert_non_null(x.l.peak_block);
	assert_string_equal(LLVMGetBasicBlockName(x.l.peak_block), "else");
	assert_non_null(x.l.peak_inst);
	release(&x);
}

static void test_cfg_not_linear_order(void **state)
{
	/* %a opens in %then and closes in %join; %else (between them in the
	 * text) never sees %a live. Reading the blocks in order would count
	 * 100 + 200 in %else. */
	static const char body[] =
		"define i64 @g(ptr %ctx, i1 %cond) {\n"
		"entry:\n"
		"  %a = alloca [100 x i8], align 1\n"
		"  %b = alloca [200 x i8], align 1\n"
		"  br i1 %cond, label %then, label %else\n"
		"then:\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %a)\n"
		"  call void @use(ptr %a)\n"
		"  br label %join\n"
		"else:\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %b)\n"
		"  call void @use(ptr %b)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %b)\n"
		"  br label %join\n"
		"join:\n"
		"  call void @use(ptr %a)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %a)\n"
		"  ret i64 0\n"
		"}\n";
	struct lv x;

	(void)state;
	compute(&x, body, "g");
	assert_int_equal(x.l.peak_bytes, 200);
	assert_peak_set(&x.l, "b");
	release(&x);
}

static void test_loop_carries_liveness(void **state)
{
	/* %a starts (and is used) before the loop and ends after it; %b lives
	 * inside one iteration; the back edge must keep %a live in the body.
	 * llc-19: 96 bytes. */
	static const char body[] =
		"define i64 @h(ptr %ctx, i64 %n) {\n"
		"entry:\n"
		"  %a = alloca [64 x i8], align 8\n"
		"  %b = alloca [32 x i8], align 8\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %a)\n"
		"  call void @use(ptr %a)\n"
		"  br label %loop\n"
		"loop:\n"
		"  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %b)\n"
		"  call void @use(ptr %b)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %b)\n"
		"  %i1 = add i64 %i, 1\n"
		"  %c = icmp ult i64 %i1, %n\n"
		"  br i1 %c, label %loop, label %exit\n"
		"exit:\n"
		"  call void @use(ptr %a)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %a)\n"
		"  ret i64 0\n"
		"}\n";
	struct lv x;

	(void)state;
	compute(&x, body, "h");
	assert_int_equal(x.l.peak_bytes, 96);
	assert_peak_set(&x.l, "a,b");
	release(&x);
}

static void test_live_from_first_use(void **state)
{
	/* Both start together, but %a is first used after %b ended: like
	 * LLVM's StackColoring (lifetime starts on first use), they share.
	 * llc-19: 200 bytes, not 400. */
	static const char body[] =
		"define i64 @fu(ptr %ctx) {\n"
		"  %a = alloca [200 x i8], align 8\n"
		"  %b = alloca [200 x i8], align 8\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %a)\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %b)\n"
		"  call void @use(ptr %b)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %b)\n"
		"  call void @use(ptr %a)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %a)\n"
		"  ret i64 0\n"
		"}\n";
	/* %a is also used before its start marker: LLVM then keeps it live
	 * from the marker ("conservative"), so the two overlap. */
	static const char early[] =
		"define i64 @cons(ptr %ctx) {\n"
		"  %a = alloca [200 x i8], align 8\n"
		"  %b = alloca [200 x i8], align 8\n"
		"  call void @use(ptr %a)\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %a)\n"
		"  call void @llvm.lifetime.start.p0(i64 -1, ptr %b)\n"
		"  call void @use(ptr %b)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %b)\n"
		"  call void @use(ptr %a)\n"
		"  call void @llvm.lifetime.end.p0(i64 -1, ptr %a)\n"
		"  ret i64 0\n"
		"}\n";
	struct lv x;

	(void)state;
	compute(&x, body, "fu");
	assert_int_equal(x.l.peak_bytes, 200);
	assert_int_equal(x.l.total_bytes, 400);
	assert_peak_set(&x.l, "b");
	release(&x);
	compute(&x, early, "cons");
	assert_int_equal(x.l.peak_bytes, 400);
	assert_peak_set(&x.l, "a,b");
	release(&x);
}

static void test_no_markers(void **state)
{
	/* no lifetime markers at all: every alloca is live for the whole
	 * function; byte arrays count their size (not 8 each), the total is
	 * rounded to 8 */
	static const char body[] =
		"define i64 @k(ptr %ctx) {\n"
		"entry:\n"
		"  %x = alloca [3 x i8], align 1\n"
		"  %y = alloca [3 x i8], align 1\n"
		"  %z = alloca <{ i64, i32 }>, align 8\n"
		"  call void @use(ptr %x)\n"
		"  call void @use(ptr %y)\n"
		"  call void @use(ptr %z)\n"
		"  ret i64 0\n"
		"}\n";
	struct lv x;

	(void)state;
	compute(&x, body, "k");
	assert_int_equal(slot(&x.l, "x")->bytes, 3);
	assert_int_equal(slot(&x.l, "z")->alloc_bytes, 12);
	assert_int_equal(slot(&x.l, "z")->bytes, 16);	/* rounded to its alignment */
	assert_int_equal(x.l.peak_raw_bytes, 22);
	assert_int_equal(x.l.peak_bytes, 24);
	assert_peak_set(&x.l, "x,y,z");
	/* the peak is at the entry block's start */
	assert_null(x.l.peak_inst);
	release(&x);
}

static void test_typed_pointer_casts(void **state)
{
	/* bpftrace 0.17 passes a bitcast (or a GEP 0,0) of the alloca */
	static const char ir[] =
		"target triple = \"bpfel\"\n"
		"declare void @use(i8*)\n"
		"declare void @llvm.lifetime.start.p0i8(i64, i8*)\n"
		"declare void @llvm.lifetime.end.p0i8(i64, i8*)\n"
		"define i64 @t(i8* %ctx) {\n"
		"entry:\n"
		"  %str = alloca [64 x i8], align 1\n"
		"  %key = alloca i64, align 8\n"
		"  %1 = bitcast i64* %key to i8*\n"
		"  call void @llvm.lifetime.start.p0i8(i64 -1, i8* %1)\n"
		"  call void @use(i8* %1)\n"
		"  call void @llvm.lifetime.end.p0i8(i64 -1, i8* %1)\n"
		"  %2 = getelementptr inbounds [64 x i8], [64 x i8]* %str, i64 0, i64 0\n"
		"  call void @llvm.lifetime.start.p0i8(i64 -1, i8* %2)\n"
		"  call void @use(i8* %2)\n"
		"  call void @llvm.lifetime.end.p0i8(i64 -1, i8* %2)\n"
		"  ret i64 0\n"
		"}\n";
	struct bc_ir_module *m = bc_ir_parse(ir, strlen(ir), NULL);
	struct bc_liveness l;

	(void)state;
	assert_non_null(m);
	assert_int_equal(bc_liveness_compute(LLVMGetNamedFunction(m->mod, "t"),
					     LLVMGetModuleDataLayout(m->mod), &l), 0);
	assert_int_equal(l.nr_slots, 2);
	assert_true(l.slots[0].has_start && l.slots[0].has_end);
	assert_true(l.slots[1].has_start && l.slots[1].has_end);
	/* never live together */
	assert_int_equal(l.peak_bytes, 64);
	assert_true(slot(&l, "str")->live_at_peak);
	assert_false(slot(&l, "key")->live_at_peak);
	bc_liveness_free(&l);
	bc_ir_module_free(m);
}

static void test_empty_and_declaration(void **state)
{
	static const char body[] = "define i64 @e(ptr %ctx) {\n  ret i64 0\n}\n";
	struct lv x;
	struct bc_liveness l;

	(void)state;
	compute(&x, body, "e");
	assert_int_equal(x.l.nr_slots, 0);
	assert_int_equal(x.l.peak_bytes, 0);
	assert_null(x.l.peak_block);
	assert_int_equal(bc_liveness_compute(LLVMGetNamedFunction(x.m->mod, "use"),
					     LLVMGetModuleDataLayout(x.m->mod), &l), -EINVAL);
	release(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_branches),
		cmocka_unit_test(test_cfg_not_linear_order),
		cmocka_unit_test(test_loop_carries_liveness),
		cmocka_unit_test(test_live_from_first_use),
		cmocka_unit_test(test_no_markers),
		cmocka_unit_test(test_typed_pointer_casts),
		cmocka_unit_test(test_empty_and_declaration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
