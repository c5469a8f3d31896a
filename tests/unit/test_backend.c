// SPDX-License-Identifier: Apache-2.0
/*
 * The in-process optimiser and BPF backend: frames above the kernel's 512
 * bytes are still laid out (the backend's limit is lifted), backend errors
 * are captured with the object instead of ending the process, non-BPF
 * modules are refused, and the optimiser does what O3 does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <llvm-c/Object.h>

#include "analyzer/llvm/backend.h"
#include "analyzer/llvm/ir_load.h"
#include "analyzer/llvm/llvm_init.h"
#include "analyzer/llvm/opt_state.h"
#include "analyzer/core/kernel_limits.h"
#include "analyzer/object/object.h"
#include "analyzer/core/target.h"
#include "analyzer/core/unit.h"

static const char big_frame[] =
	"target triple = \"bpfel\"\n"
	"declare void @use(ptr)\n"
	"define i64 @big(ptr %ctx) section \"kprobe/big\" {\n"
	"entry:\n"
	"  %a = alloca [600 x i8], align 8\n"
	"  call void @use(ptr %a)\n"
	"  ret i64 0\n"
	"}\n";

struct compiled {
	struct bc_ir_module *m;
	struct bc_backend b;
	struct bc_backend_result r;
};

static void compile(struct compiled *c, const char *ir, const char *cpu)
{
	struct bc_backend_opts o = { .cpu = cpu };

	memset(c, 0, sizeof(*c));
	c->m = bc_ir_parse(ir, strlen(ir), NULL);
	assert_non_null(c->m);
	assert_int_equal(bc_backend_init(&c->b, c->m, &o), 0);
	assert_int_equal(bc_backend_emit(&c->b, c->m, &c->r), 0);
	assert_non_null(c->r.obj);
	assert_true(c->r.obj_size > 64);
}

static void release(struct compiled *c)
{
	bc_backend_result_free(&c->r);
	bc_backend_fini(&c->b);
	bc_ir_module_free(c->m);
}

static void test_frame_over_512(void **state)
{
	struct compiled c;
	struct bc_target t;
	struct bc_unit u;
	const struct bc_func *f = NULL;

	(void)state;
	compile(&c, big_frame, NULL);
	/* no "stack limit is exceeded" error: the ceiling was lifted */
	assert_int_equal(c.r.nr_errors, 0);
	assert_int_equal(bc_backend_frame_bytes(&c.r, "big"), 600);
	assert_true(bc_backend_frame_bytes(&c.r, "big") > BC_MAX_BPF_STACK);
	assert_int_equal(bc_backend_frame_bytes(&c.r, "absent"), -1);

	/* the object itself: the frame object analysis measures */
	assert_int_equal(bc_unit_load_mem(&u, "big.o", c.r.obj, c.r.obj_size), 0);
	assert_int_equal(u.kind, BC_KIND_OBJECT);
	assert_int_equal(bc_target_init(&t), 0);
	assert_int_equal(bc_object_analyze(&u, c.r.obj, c.r.obj_size, &t), 0);
	for (size_t i = 0; i < u.facts.nr_funcs; i++)
		if (!strcmp(u.facts.funcs[i].name, "big"))
			f = &u.facts.funcs[i];
	assert_non_null(f);
	assert_true(f->frame_bytes > BC_MAX_BPF_STACK);
	assert_int_equal(f->frame_bytes, 600);
	bc_unit_free(&u);
	bc_target_free(&t);
	release(&c);
}

static void test_errors_captured(void **state)
{
	static const char ir[] =
		"target triple = \"bpfel\"\n"
		"declare i64 @six(i64, i64, i64, i64, i64, i64)\n"
		"declare void @use(ptr)\n"
		"define i64 @many_args(ptr %ctx) {\n"
		"  %r = call i64 @six(i64 1, i64 2, i64 3, i64 4, i64 5, i64 6)\n"
		"  ret i64 %r\n"
		"}\n"
		"define i64 @huge(ptr %ctx) {\n"
		"  %a = alloca [40000 x i8], align 8\n"
		"  call void @use(ptr %a)\n"
		"  ret i64 0\n"
		"}\n";
	struct compiled c;
	bool args = false, stack = false;

	(void)state;
	/* both are DS_Error diagnostics that would exit(1) without a handler */
	compile(&c, ir, NULL);
	assert_true(c.r.nr_errors >= 2);
	for (size_t i = 0; i < c.r.nr_errors; i++) {
		args |= strstr(c.r.errors[i], "too many arguments") != NULL;
		stack |= strstr(c.r.errors[i], "stack limit") != NULL;
		assert_int_not_equal(c.r.errors[i][strlen(c.r.errors[i]) - 1], '\n');
	}
	assert_true(args);
	assert_true(stack);	/* above the measuring ceiling */
	assert_true(bc_backend_frame_bytes(&c.r, "huge") > BC_BACKEND_STACK_CEILING);
	release(&c);

	/* the context is still usable afterwards */
	compile(&c, big_frame, NULL);
	assert_int_equal(c.r.nr_errors, 0);
	release(&c);
}

static void test_not_bpf(void **state)
{
	static const char ir[] = "target triple = \"x86_64-pc-linux-gnu\"\n"
				 "define i64 @f() {\n  ret i64 0\n}\n";
	struct bc_ir_module *m = bc_ir_parse(ir, strlen(ir), NULL);
	struct bc_backend b;

	(void)state;
	assert_non_null(m);
	assert_int_equal(bc_backend_init(&b, m, NULL), -EINVAL);
	assert_non_null(b.error);
	assert_non_null(strstr(b.error, "x86_64"));
	bc_backend_fini(&b);
	bc_ir_module_free(m);
}

static void test_default_triple_and_layout(void **state)
{
	static const char ir[] = "define i64 @f(ptr %p) {\n"
				 "  %v = load i64, ptr %p\n  ret i64 %v\n}\n";
	struct compiled c;

	(void)state;
	compile(&c, ir, NULL);
	assert_string_equal(LLVMGetTarget(c.m->mod), BC_BACKEND_DEFAULT_TRIPLE);
	assert_true(strlen(LLVMGetDataLayoutStr(c.m->mod)) > 0);
	assert_int_equal(bc_backend_frame_bytes(&c.r, "f"), 0);
	release(&c);
}

/* Counts BPF_JMP32 class instructions (class 6) in the object's .text,
 * read through LLVM's object file reader. */
static size_t jmp32_count(const struct bc_backend_result *r)
{
	LLVMMemoryBufferRef buf =
		LLVMCreateMemoryBufferWithMemoryRange(r->obj, r->obj_size, "obj", 0);
	char *msg = NULL;
	LLVMBinaryRef bin = LLVMCreateBinary(buf, NULL, &msg);
	LLVMSectionIteratorRef it;
	size_t n = 0, texts = 0;

	assert_non_null(bin);
	it = LLVMObjectFileCopySectionIterator(bin);
	for (; !LLVMObjectFileIsSectionIteratorAtEnd(bin, it); LLVMMoveToNextSection(it)) {
		const char *name = LLVMGetSectionName(it);
		const unsigned char *code = (const unsigned char *)LLVMGetSectionContents(it);
		uint64_t size = LLVMGetSectionSize(it);

		if (!name || strcmp(name, ".text"))
			continue;
		texts++;
		assert_true(size > 0 && size % 8 == 0);
		for (uint64_t i = 0; i < size; i += 8)
			n += (code[i] & 7) == 6;
	}
	assert_int_equal(texts, 1);
	LLVMDisposeSectionIterator(it);
	LLVMDisposeBinary(bin);
	LLVMDisposeMemoryBuffer(buf);
	return n;
}

static void test_cpu_option(void **state)
{
	/* a 32-bit compare-and-branch: JMP32 exists from cpu v3 on */
	static const char ir[] =
		"target triple = \"bpfel\"\n"
		"define i64 @f(ptr %p) {\n"
		"entry:\n"
		"  %v = load i32, ptr %p\n"
		"  %c = icmp ult i32 %v, 77\n"
		"  br i1 %c, label %a, label %b\n"
		"a:\n  ret i64 1\n"
		"b:\n  ret i64 2\n"
		"}\n";
	struct compiled g, v3;

	(void)state;
	compile(&g, ir, NULL);	/* "generic", what bpftrace uses */
	compile(&v3, ir, "v3");
	assert_int_equal(jmp32_count(&g.r), 0);
	assert_true(jmp32_count(&v3.r) > 0);
	release(&g);
	release(&v3);
}

static void test_optimize(void **state)
{
	static const char ir[] =
		"target triple = \"bpfel\"\n"
		"declare void @use(ptr)\n"
		"define i64 @f(ptr %ctx) {\n"
		"entry:\n"
		"  %x = alloca i64, align 8\n"
		"  %buf = alloca [64 x i8], align 1\n"
		"  store i64 5, ptr %x\n"
		"  call void @use(ptr %buf)\n"
		"  %v = load i64, ptr %x\n"
		"  ret i64 %v\n"
		"}\n";
	struct bc_ir_module *m = bc_ir_parse(ir, strlen(ir), NULL);
	struct bc_backend b;
	uint64_t ns = 0;

	(void)state;
	assert_non_null(m);
	assert_int_equal(bc_ir_promotable_allocas(m->mod), 1);
	assert_true(bc_ir_needs_optimization(m->mod));
	assert_int_equal(bc_backend_init(&b, m, NULL), 0);
	assert_int_equal(bc_backend_optimize(&b, m, &ns), 0);
	assert_true(ns > 0);
	/* %x is promoted; %buf escapes to @use and stays */
	assert_int_equal(bc_ir_promotable_allocas(m->mod), 0);
	assert_false(bc_ir_needs_optimization(m->mod));
	bc_backend_fini(&b);
	bc_ir_module_free(m);
}

/* bpftrace 0.23+ IR before its optimiser: the context read goes through
 * llvm.preserve.static.offset, and no alloca is promotable. Left as it is,
 * the BPF backend aborts the process ("Cannot select"). */
static void test_optimize_static_offset(void **state)
{
	static const char ir[] =
		"target triple = \"bpf\"\n"
		"declare void @use(ptr)\n"
		"declare ptr @llvm.preserve.static.offset(ptr readnone)\n"
		"define i64 @f(ptr %ctx) {\n"
		"entry:\n"
		"  %k = alloca i64, align 8\n"
		"  %p = call ptr @llvm.preserve.static.offset(ptr %ctx)\n"
		"  %a = getelementptr i8, ptr %p, i64 112\n"
		"  %v = load volatile i64, ptr %a, align 8\n"
		"  store i64 %v, ptr %k, align 8\n"
		"  call void @use(ptr %k)\n"
		"  ret i64 0\n"
		"}\n";
	struct bc_ir_module *m = bc_ir_parse(ir, strlen(ir), NULL);
	struct bc_backend b;

	(void)state;
	assert_non_null(m);
	assert_int_equal(bc_ir_promotable_allocas(m->mod), 0);
	assert_true(bc_ir_needs_optimization(m->mod));
	assert_int_equal(bc_backend_init(&b, m, NULL), 0);
	assert_int_equal(bc_backend_optimize(&b, m, NULL), 0);
	assert_false(bc_ir_needs_optimization(m->mod));
	bc_backend_fini(&b);
	bc_ir_module_free(m);
}

/* bpftrace's IR before O3 where every alloca escapes: exit() leaves a
 * "deadcode" block nothing branches to, an if leaves a branch to a block
 * with one predecessor. O3 simplifies both away. */
static void test_optimize_cfg(void **state)
{
	static const char dead[] =
		"target triple = \"bpf\"\n"
		"declare void @use(ptr)\n"
		"define i64 @f(ptr %ctx) {\n"
		"entry:\n"
		"  %k = alloca i64, align 8\n"
		"  call void @use(ptr %k)\n"
		"  ret i64 0\n"
		"deadcode:\n"
		"  call void @use(ptr %k)\n"
		"  ret i64 0\n"
		"}\n";
	static const char chain[] =
		"target triple = \"bpf\"\n"
		"declare void @use(ptr)\n"
		"define i64 @f(ptr %ctx) {\n"
		"entry:\n"
		"  %k = alloca i64, align 8\n"
		"  call void @use(ptr %k)\n"
		"  br label %next\n"
		"next:\n"
		"  call void @use(ptr %k)\n"
		"  ret i64 0\n"
		"}\n";
	/* a tuple literal nothing reads */
	static const char unread[] =
		"target triple = \"bpf\"\n"
		"%t = type { i64, [5 x i8] }\n"
		"declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)\n"
		"define i64 @f(ptr %ctx) {\n"
		"entry:\n"
		"  %tuple = alloca %t, align 8\n"
		"  call void @llvm.memset.p0.i64(ptr %tuple, i8 0, i64 16, i1 false)\n"
		"  %a = getelementptr %t, ptr %tuple, i32 0, i32 0\n"
		"  store i64 1, ptr %a, align 8\n"
		"  ret i64 0\n"
		"}\n";
	const char *irs[] = { dead, chain, unread };

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		struct bc_ir_module *m = bc_ir_parse(irs[i], strlen(irs[i]), NULL);
		struct bc_backend b;

		assert_non_null(m);
		assert_int_equal(bc_ir_promotable_allocas(m->mod), 0);
		assert_true(bc_ir_needs_optimization(m->mod));
		assert_int_equal(bc_backend_init(&b, m, NULL), 0);
		assert_int_equal(bc_backend_optimize(&b, m, NULL), 0);
		assert_false(bc_ir_needs_optimization(m->mod));
		bc_backend_fini(&b);
		bc_ir_module_free(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_over_512),
		cmocka_unit_test(test_errors_captured),
		cmocka_unit_test(test_not_bpf),
		cmocka_unit_test(test_default_triple_and_layout),
		cmocka_unit_test(test_cpu_option),
		cmocka_unit_test(test_optimize),
		cmocka_unit_test(test_optimize_static_offset),
		cmocka_unit_test(test_optimize_cfg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
